package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"sync"

	"github.com/aiccd/aiccd"
)

// contentTypeJSON is what the vendor's pages send, spelled as they spell it.
const contentTypeJSON = "application/json;charset=UTF-8"

// writeJSON writes v as the whole response body with status. Characters
// HTML treats specially are written as they are ("&", not "\u0026"), as
// the pages show them in URLs such as portalUrl.
func writeJSON(w http.ResponseWriter, status int, v any) {
	e := encoders.Get().(*encoder)
	defer e.release()
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		// Every value written here is a plain struct; this is a bug.
		panic(fmt.Sprintf("httpapi: encode %T: %v", v, err))
	}
	body := bytes.TrimSuffix(e.buf.Bytes(), []byte("\n"))
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// encoder is a JSON encoder with its buffer, kept for the next answer:
// growing a new buffer for each one was a tenth of a cached read's work.
type encoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// release keeps e for the next answer, unless a large one grew its buffer:
// the pool would hold that memory until a collection.
func (e *encoder) release() {
	if e.buf.Cap() <= 64<<10 {
		encoders.Put(e)
	}
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	return e
}}

// writeText writes a plain-string body, the form the OMA pages give for
// their error statuses.
func writeText(w http.ResponseWriter, status int, text string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain;charset=UTF-8")
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(status)
	io.WriteString(w, text)
}

// decodeJSON reads the request body, one JSON object, into v. Keys must
// be v's field names exactly (see keyScan): a key given twice is
// refused, one in another case than the field's is not read, and every
// key nothing reads is reported in the request journal. Type errors are
// explained by field name. The body is already capped by the server's
// size limit.
func decodeJSON(r *http.Request, v any) error {
	body, keys, err := readObject(r, v)
	if err != nil {
		return err
	}
	if info := requestInfoFrom(r.Context()); info != nil {
		info.ignoredKeys = keys.ignored
	}
	if keys.dup != "" {
		return fieldError(keys.dup, "is given twice")
	}
	return decodeScanned(keys.without(body), v)
}

// readObject reads the request body, which must be one JSON object, and
// scans its keys against the fields of v (keyScan); the vendor and the
// admin decoders then judge the keys each by their own rule.
func readObject(r *http.Request, v any) ([]byte, keyScan, error) {
	var keys keyScan
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, keys, err
		}
		return nil, keys, aiccd.Wrap(aiccd.KindInvalid, err, "the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, keys, errBodyEmpty
	}
	err = keys.scan(body, shapeOf(reflect.TypeOf(v)))
	switch {
	case errors.Is(err, errNotObject):
		return nil, keys, errBodyNotObject
	case err != nil:
		return nil, keys, syntaxError(body)
	}
	return body, keys, nil
}

// decodeScanned decodes a scanned body into v, numbers kept as sent, a
// value of the wrong type explained by its field.
func decodeScanned(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return typeError(err)
	}
	return nil
}

// Refusals of a body that is not one JSON object; codeNotJSON tells the
// families that answer them apart (SmartCare: HTTP 400, not a return
// code).
var (
	errBodyEmpty     = aiccd.Errorf(aiccd.KindInvalid, "the request body is empty; a JSON object is required").WithCode(codeNotJSON)
	errBodyNotObject = aiccd.Errorf(aiccd.KindInvalid, "the request body must be a JSON object").WithCode(codeNotJSON)
)

// syntaxError explains why body is not JSON, as encoding/json finds it:
// where, or that it ends too soon.
func syntaxError(body []byte) error {
	var v any
	err := json.Unmarshal(body, &v)
	msg := "the request body is not valid JSON"
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		msg = fmt.Sprintf("the request body is not valid JSON (at byte %d)", se.Offset)
		if errors.Is(json.NewDecoder(bytes.NewReader(body)).Decode(&v), io.ErrUnexpectedEOF) {
			msg = "the request body is truncated JSON"
		}
	}
	return &aiccd.Error{Kind: aiccd.KindInvalid, Code: codeNotJSON, Message: msg, Err: err}
}

// typeError explains a value of the wrong JSON type by its field's path.
func typeError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return fieldError(te.Field, "must be a JSON "+jsonKind(te.Type.Kind().String()))
	}
	return aiccd.Wrap(aiccd.KindInvalid, err, "a value in the request body is of the wrong type")
}

// fieldLed is a refusal whose message starts with the path of the field it
// is about, spelt as the pages spell it; sentence keeps that spelling.
type fieldLed struct{ err *aiccd.Error }

func (f fieldLed) Error() string { return f.err.Error() }
func (f fieldLed) Unwrap() error { return f.err }

// fieldError refuses the field at path: "accessCode must be a JSON string".
func fieldError(path, why string) error {
	return fieldLed{aiccd.Errorf(aiccd.KindInvalid, "%s %s", path, why)}
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
