package httpapi

import (
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
	body, keys, err := readObject(r, v)
	if err != nil {
		return err
	}
	switch {
	case keys.dup != "":
		return fieldError(keys.dup, "is given twice")
	case len(keys.ignored) > 0:
		return aiccd.Errorf(aiccd.KindInvalid, "unknown field %q; the fields are %s",
			keys.ignored[0], strings.Join(jsonFields(reflect.TypeOf(v).Elem()), ", "))
	}
	return decodeScanned(body, v)
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
