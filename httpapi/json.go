package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/aiccd/aiccd"
)

// contentTypeJSON is what the vendor's pages send, spelled as they spell it.
const contentTypeJSON = "application/json;charset=UTF-8"

// writeJSON writes v as the whole response body with status. Characters
// HTML treats specially are written as they are ("&", not "\u0026"), as
// the pages show them in URLs such as portalUrl.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Every value written here is a plain struct; this is a bug.
		panic(fmt.Sprintf("httpapi: encode %T: %v", v, err))
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// writeText writes a plain-string body, the form the OMA pages give for
// their error statuses.
func writeText(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	io.WriteString(w, text)
}

// decodeJSON reads the request body into v. It refuses anything but one
// JSON value, and explains type errors by field name. The body is already
// capped by the server's size limit.
func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return aiccd.Wrap(aiccd.KindInvalid, err, "the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return aiccd.Errorf(aiccd.KindInvalid, "the request body holds more than one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		field := te.Field
		if field == "" {
			return aiccd.Wrap(aiccd.KindInvalid, err, "the request body must be a JSON object")
		}
		return aiccd.Wrap(aiccd.KindInvalid, err, fmt.Sprintf("%s must be a JSON %s", field, jsonKind(te.Type.Kind().String())))
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return aiccd.Wrap(aiccd.KindInvalid, err, fmt.Sprintf("the request body is not valid JSON (at byte %d)", se.Offset))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return aiccd.Wrap(aiccd.KindInvalid, err, "the request body is truncated JSON")
	}
	return aiccd.Wrap(aiccd.KindInvalid, err, "the request body is not valid JSON")
}

// jsonKind names a Go kind the way a JSON user knows it.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	default:
		return "number"
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// decodeOptionalJSON is decodeJSON for bodies that may be left out.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(r, v)
}
