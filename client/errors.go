package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Family names an API family, by the format of its errors.
type Family string

// The families.
const (
	FamilyGateway   Family = "gateway"   // {"error_code":"APIG.xxxx","error_msg","request_id"}
	FamilyOMA       Family = "oma"       // a plain sentence
	FamilyCC        Family = "cc"        // {"returnCode":"…","description"}; also applyTenant and queryresource
	FamilySmartCare Family = "smartcare" // {"returnCode":N,"description"}
	FamilyPartner   Family = "partner"   // {"error_code":"CBC.xxxx","error_msg"}
	FamilyIAM       Family = "iam"       // {"error":{"code":N,"message","title"}}
	FamilyAdmin     Family = "admin"     // {"error":{"code":"not_found","message","request_id"}}
)

// APIError is a refusal or failure answered by the server: an HTTP error
// status, or a business code other than success in an HTTP 200 answer
// (check-user's CBC.0100, applyTenant's "001"…"006", SmartCare's return
// codes).
type APIError struct {
	// Status is the HTTP status.
	Status int
	// Family is the format of the answer. An authentication failure on
	// the CC, SmartCare or partner paths is the app gateway's (APIG); a
	// tenant whose service is not active is refused by the CC or
	// SmartCare service itself, in its own format, with Code "401".
	Family Family
	// Code is the family's code: "APIG.0301", "CBC.0151", "4" (a SmartCare
	// returnCode), "400" or "002" (a CC returnCode), "not_found" (admin).
	// OMA and IAM errors have none: Status tells them apart.
	Code string
	// Message is the server's description.
	Message string
	// RequestID is the answer's X-Request-Id, to find it in aiccd's log
	// and request journal.
	RequestID string
	// Body is the answer as received.
	Body []byte
}

func (e *APIError) Error() string {
	code := e.Code
	if code == "" {
		code = "-"
	}
	return fmt.Sprintf("%s error: HTTP %d, code %s: %s (request %s)", e.Family, e.Status, code, e.Message, e.RequestID)
}

// IsCode reports whether err is an *APIError with the family code code.
func IsCode(err error, code string) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && e.Code == code
}

// StatusOf returns the HTTP status of an *APIError, and 0 for any other
// error.
func StatusOf(err error) int {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.Status
	}
	return 0
}

// errorBody is the union of every family's error fields.
type errorBody struct {
	ErrorCode   *string         `json:"error_code"`
	ErrorMsg    string          `json:"error_msg"`
	RequestID   string          `json:"request_id"`
	ReturnCode  json.RawMessage `json:"returnCode"`
	Description string          `json:"description"`
	Error       *struct {
		Code      json.RawMessage `json:"code"`
		Message   string          `json:"message"`
		Title     string          `json:"title"`
		RequestID string          `json:"request_id"`
	} `json:"error"`
}

// parseError reads any family's error answer; fallback is the family of a
// body in no JSON format (OMA's sentences).
func parseError(a *answer, fallback Family) *APIError {
	e := &APIError{Status: a.status, Family: fallback, RequestID: a.header.Get("X-Request-Id"), Body: a.body}
	var b errorBody
	if trimmed := bytes.TrimSpace(a.body); len(trimmed) == 0 || trimmed[0] != '{' || json.Unmarshal(trimmed, &b) != nil {
		e.Message = string(bytes.TrimSpace(a.body))
		if e.Message == "" {
			e.Message = http.StatusText(a.status)
		}
		return e
	}
	switch {
	case b.ErrorCode != nil:
		e.Code, e.Message = *b.ErrorCode, b.ErrorMsg
		e.Family = FamilyPartner
		if len(e.Code) >= 5 && e.Code[:5] == "APIG." {
			e.Family = FamilyGateway
		}
		if b.RequestID != "" {
			e.RequestID = b.RequestID
		}
	case b.ReturnCode != nil:
		code, numeric := flexCode(b.ReturnCode)
		e.Code, e.Message = code, b.Description
		e.Family = FamilyCC
		if numeric || fallback == FamilySmartCare {
			e.Family = FamilySmartCare
		}
	case b.Error != nil:
		e.Message = b.Error.Message
		if code, numeric := flexCode(b.Error.Code); numeric {
			e.Family = FamilyIAM
		} else {
			e.Family, e.Code = FamilyAdmin, code
			if b.Error.RequestID != "" {
				e.RequestID = b.Error.RequestID
			}
		}
	default:
		e.Message = string(a.body)
	}
	return e
}

// flexCode reads a code sent as a JSON string or number (the SmartCare
// page types returnCode String and answers the number 0), and reports
// whether it was a number.
func flexCode(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s, false
		}
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return string(raw), false
}

// gatewayCode returns the APIG code of an answer, or "".
func gatewayCode(body []byte) string {
	var b struct {
		Code string `json:"error_code"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	return b.Code
}
