package fault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/journal"
	"github.com/aiccd/aiccd/openapi"
)

// Limits of an override and of a body match.
const (
	MaxBodyBytes     = 64 << 10
	MaxHeaders       = 16
	MaxHeaderValue   = 1024
	MaxBodyMatches   = 8
	MaxBodyMatchPath = 128
	MaxBodyMatchText = 256
)

// forbiddenHeaders are those an override may not set: the connection's
// own (hop-by-hop, RFC 9110 section 7.6.1), the framing aiccd computes
// for the body it writes, and the ones only a request carries.
var forbiddenHeaders = []string{
	"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade",
	"Content-Length", "Content-Encoding", "Host", "Date",
}

// validateOverride checks a rule's body and headers and fills the status
// of an override (200 unless given).
func validateOverride(f *Fault, endpoints []string) error {
	if f.Body != nil && string(bytes.TrimSpace(f.Body)) == "null" {
		f.Body = nil // "body": null is no body
	}
	switch {
	case f.Body == nil && f.FreeForm:
		return aiccd.Errorf(aiccd.KindInvalid, "free_form applies to a body: give one, or leave free_form out")
	case f.Body == nil && len(f.Headers) > 0 && f.Status == 0 && f.Code == "":
		return aiccd.Errorf(aiccd.KindInvalid, "headers go with an answer: give a body, a status or a code")
	case f.Body != nil && f.Reset:
		return aiccd.Errorf(aiccd.KindInvalid, "a reset fault sends no answer: leave body out")
	case f.Body != nil && f.Code != "":
		return aiccd.Errorf(aiccd.KindInvalid, "a body carries its own code: leave code out")
	case len(f.Body) > MaxBodyBytes:
		return aiccd.Errorf(aiccd.KindInvalid, "body has at most %d bytes", MaxBodyBytes)
	case f.Body != nil && !json.Valid(f.Body):
		return aiccd.Errorf(aiccd.KindInvalid, "body must be JSON")
	case len(f.Headers) > MaxHeaders:
		return aiccd.Errorf(aiccd.KindInvalid, "at most %d headers", MaxHeaders)
	}
	if f.Body != nil && f.Status == 0 {
		f.Status = 200
	}
	headers := make(map[string]string, len(f.Headers))
	for name, value := range f.Headers {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		switch {
		case !isToken(name) || len(name) > 64:
			return aiccd.Errorf(aiccd.KindInvalid, "header %q is not a header name of at most 64 characters", clip(name))
		case slices.Contains(forbiddenHeaders, canon):
			return aiccd.Errorf(aiccd.KindInvalid, "header %s belongs to the connection or to how aiccd frames the body: an override may not set it", canon)
		case canon == "Content-Type" && !f.FreeForm:
			return aiccd.Errorf(aiccd.KindInvalid, "the wire format's body is application/json: set Content-Type only with free_form")
		case len(value) > MaxHeaderValue || strings.ContainsAny(value, "\r\n\x00"):
			return aiccd.Errorf(aiccd.KindInvalid, "header %s: a value has at most %d characters and no line breaks", canon, MaxHeaderValue)
		}
		if _, dup := headers[canon]; dup {
			return aiccd.Errorf(aiccd.KindInvalid, "header %s is given twice", canon)
		}
		headers[canon] = value
	}
	if len(headers) > 0 {
		f.Headers = headers
	} else {
		f.Headers = nil
	}
	if f.Body == nil || f.FreeForm {
		return nil
	}
	if f.Endpoint == "" {
		return aiccd.Errorf(aiccd.KindInvalid, "a body is checked against its endpoint's wire format: give the endpoint, or mark the body free_form")
	}
	i := slices.IndexFunc(endpoints, func(route string) bool { return names(f.Endpoint, route) })
	if i < 0 {
		return nil // Validate refuses the endpoint
	}
	if err := openapi.CheckResponse(endpoints[i], f.Status, f.Body); err != nil {
		if errors.Is(err, openapi.ErrUndocumented) {
			return aiccd.Errorf(aiccd.KindInvalid, "%s documents no JSON answer with status %d: mark the body free_form to send it anyway", f.Endpoint, f.Status)
		}
		return aiccd.Errorf(aiccd.KindInvalid, "body is not an answer %s gives with status %d: %v; mark it free_form to send it anyway", f.Endpoint, f.Status, err)
	}
	return nil
}

// validateBodyMatch checks a body match and returns it with its numbers
// as float64, as a request's body decodes them.
func validateBodyMatch(m map[string]any) (map[string]any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	if len(m) > MaxBodyMatches {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "body_match has at most %d fields", MaxBodyMatches)
	}
	out := make(map[string]any, len(m))
	for path, want := range m {
		if n, ok := want.(json.Number); ok {
			f, err := n.Float64()
			if err != nil {
				return nil, aiccd.Errorf(aiccd.KindInvalid, "body_match: the value of %s is not a number aiccd can compare", path)
			}
			want = f
		}
		if path == "" || len(path) > MaxBodyMatchPath || slices.Contains(strings.Split(path, "."), "") {
			return nil, aiccd.Errorf(aiccd.KindInvalid, "body_match: %q is not a dotted path of at most %d characters", clip(path), MaxBodyMatchPath)
		}
		switch v := want.(type) {
		case nil, bool, float64:
		case string:
			if len(v) > MaxBodyMatchText {
				return nil, aiccd.Errorf(aiccd.KindInvalid, "body_match: the value of %s has at most %d characters", path, MaxBodyMatchText)
			}
		default:
			return nil, aiccd.Errorf(aiccd.KindInvalid, "body_match: the value of %s must be a string, number, boolean or null", path)
		}
		out[path] = want
	}
	return out, nil
}

// bodyMatches reports whether body (decoded JSON) holds every value of m
// at its path.
func bodyMatches(m map[string]any, body any) bool {
	for path, want := range m {
		got, ok := journal.ValueAt(body, path)
		if !ok || got != want { // scalars of the same type compare by value
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// EncodeOverride gives the rule's headers and body match as the stores
// keep them: JSON objects, "" for none.
func (f Fault) EncodeOverride() (headers, bodyMatch string, err error) {
	enc := func(v any, empty bool) (string, error) {
		if empty {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	if headers, err = enc(f.Headers, len(f.Headers) == 0); err != nil {
		return "", "", err
	}
	bodyMatch, err = enc(f.BodyMatch, len(f.BodyMatch) == 0)
	return headers, bodyMatch, err
}

// DecodeOverride fills the rule's override from what EncodeOverride gave
// and the body as stored ("" for none).
func (f *Fault) DecodeOverride(body, headers, bodyMatch string) error {
	if body != "" {
		f.Body = json.RawMessage(body)
	}
	if headers != "" {
		if err := json.Unmarshal([]byte(headers), &f.Headers); err != nil {
			return fmt.Errorf("fault %d: headers: %w", f.ID, err)
		}
	}
	if bodyMatch != "" {
		if err := json.Unmarshal([]byte(bodyMatch), &f.BodyMatch); err != nil {
			return fmt.Errorf("fault %d: body_match: %w", f.ID, err)
		}
	}
	return nil
}
