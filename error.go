package aiccd

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. Each API
// family maps kinds to its own wire format (see httpapi/errors.go).
type Kind uint8

// The kinds, from the caller's point of view.
const (
	KindInternal     Kind = iota // a fault of aiccd or its dependencies; details are never sent
	KindInvalid                  // the request is malformed or a value is out of range
	KindUnauthorized             // missing, unknown, expired or revoked credentials
	KindForbidden                // valid credentials that may not do this
	KindNotFound                 // the addressed thing does not exist
	KindConflict                 // the thing exists already, or the state forbids the change
	KindRateLimited              // too many requests or too many failed attempts
	KindUnavailable              // a dependency (the database) cannot be reached
	KindTooLarge                 // the request body exceeds the configured limit
)

var kindNames = [...]string{
	KindInternal:     "internal",
	KindInvalid:      "invalid",
	KindUnauthorized: "unauthorized",
	KindForbidden:    "forbidden",
	KindNotFound:     "not_found",
	KindConflict:     "conflict",
	KindRateLimited:  "rate_limited",
	KindUnavailable:  "unavailable",
	KindTooLarge:     "too_large",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is the error type of the domain. Message is safe to show to a client;
// Err, the cause, is only ever logged. Code is an optional finer reason that
// an API family may map to its own code (a SmartCare return code, say).
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return e.Message + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Err.Error()
	default:
		return e.Message
	}
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error of kind with a client-safe formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error of kind whose cause is err. The message is the
// client-safe summary; err's text is logged, never sent.
func Wrap(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// WithCode returns a copy of e carrying code.
func (e *Error) WithCode(code string) *Error {
	c := *e
	c.Code = code
	return &c
}

// KindOf returns the kind of the first *Error in err's chain, and
// KindInternal for any other non-nil error.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	return KindInternal
}

// CodeOf returns the code of the first *Error in err's chain, or "".
func CodeOf(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return ""
}

// MessageOf returns the client-safe message of err: the Message of the first
// *Error in its chain, or fallback when there is none or it is empty.
func MessageOf(err error, fallback string) string {
	if e, ok := errors.AsType[*Error](err); ok && e.Message != "" && e.Kind != KindInternal {
		return e.Message
	}
	return fallback
}

// Sentinel errors that stores return and services test for with errors.Is.
var (
	ErrNotFound    = &Error{Kind: KindNotFound, Message: "not found"}
	ErrConflict    = &Error{Kind: KindConflict, Message: "already exists"}
	ErrUnavailable = &Error{Kind: KindUnavailable, Message: "the database is unavailable"}
)
