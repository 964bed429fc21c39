package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/aiccd/aiccd"
)

// The admin API decodes strictly: a field it does not know (or spelt in
// another case) is refused with the list of those it knows, as the
// configuration file refuses unknown settings. Read leniently, a typo
// ("staus":503) would silently make another thing than asked (a fault
// rule that only adds latency). The vendor endpoints read as the
// platform does and report such keys in the journal instead (decodeJSON);
// both find them with the same keyScan.

// decodeAdminJSON reads an admin request's body, one JSON object, into v,
// a pointer to a struct.
func decodeAdminJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return err
		}
		return aiccd.Wrap(aiccd.KindInvalid, err, "the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errBodyEmpty
	}
	var keys keyScan
	err = keys.scan(body, shapeOf(reflect.TypeOf(v)))
	switch {
	case errors.Is(err, errNotObject):
		return errBodyNotObject
	case err != nil:
		return syntaxError(body)
	case keys.dup != "":
		return fieldError(keys.dup, "is given twice")
	case len(keys.ignored) > 0:
		return aiccd.Errorf(aiccd.KindInvalid, "unknown field %q; the fields are %s",
			keys.ignored[0], strings.Join(jsonFields(reflect.TypeOf(v).Elem()), ", "))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return typeError(err)
	}
	return nil
}

// decodeOptionalAdminJSON is decodeAdminJSON for bodies that may be left
// out.
func decodeOptionalAdminJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeAdminJSON(r, v)
}

// jsonFields lists the JSON names of struct type t's fields, those of
// embedded structs included, sorted.
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonFields(f.Type)...)
		case name == "":
			out = append(out, f.Name)
		default:
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
