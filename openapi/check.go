package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrUndocumented reports a route or status the document gives no JSON
// answer for.
var ErrUndocumented = errors.New("the document gives no JSON answer for this")

// CheckResponse reports whether body is an answer the document allows for
// route (a route pattern, "POST /v3/auth/tokens") with status: it must
// validate against the JSON schema of the status's response, or of the
// operation's default. It understands the keywords the document uses
// (type, properties, required, additionalProperties, items, enum, const,
// oneOf, pattern, maxLength, minimum, maximum, maxItems, $ref), so that
// the binary needs no schema library to check a body an admin gives at
// run time; the tests check it agrees with kin-openapi on the document's
// examples.
func CheckResponse(route string, status int, body []byte) error {
	schema, err := responseSchema(route, status)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("the body is not JSON: %w", err)
	}
	return validate(schema, v, "")
}

// responseSchema finds the schema of route's answer with status.
func responseSchema(route string, status int) (map[string]any, error) {
	doc, err := parsedDocument()
	if err != nil {
		return nil, err
	}
	method, path, ok := strings.Cut(route, " ")
	if !ok {
		return nil, fmt.Errorf("%q is not a route pattern: %w", route, ErrUndocumented)
	}
	op, _ := lookup(doc, "paths", path, strings.ToLower(method)).(map[string]any)
	responses, _ := op["responses"].(map[string]any)
	if responses == nil {
		return nil, fmt.Errorf("%s: %w", route, ErrUndocumented)
	}
	resp, ok := responses[strconv.Itoa(status)]
	if !ok {
		resp, ok = responses[strconv.Itoa(status/100)+"XX"]
	}
	if !ok {
		resp = responses["default"]
	}
	r, _ := resolve(doc, resp).(map[string]any)
	schema, _ := lookup(r, "content", "application/json", "schema").(map[string]any)
	if schema == nil {
		return nil, fmt.Errorf("%s with status %d: %w", route, status, ErrUndocumented)
	}
	return schema, nil
}

var parsedDocument = sync.OnceValues(func() (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(JSON(), &doc); err != nil {
		return nil, err
	}
	return doc, nil
})

var patterns sync.Map // string → *regexp.Regexp

func lookup(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		if m == nil {
			return nil
		}
		v = m[k]
	}
	return v
}

// resolve follows a local $ref ("#/components/schemas/X").
func resolve(doc map[string]any, v any) any {
	for range 16 { // a chain of references longer than this is a loop
		m, _ := v.(map[string]any)
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		keys := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		v = lookup(doc, keys...)
	}
	return nil
}

func validate(schema map[string]any, v any, at string) error {
	doc, _ := parsedDocument()
	schema, _ = resolve(doc, schema).(map[string]any)
	if schema == nil {
		return nil
	}
	where := func() string {
		if at == "" {
			return "the body"
		}
		return at
	}
	if t, ok := schema["type"]; ok && !typeAllows(t, v) {
		return fmt.Errorf("%s is %s, want %v", where(), jsonType(v), t)
	}
	if c, ok := schema["const"]; ok && !equalJSON(c, v) {
		return fmt.Errorf("%s must be %v", where(), c)
	}
	if e, ok := schema["enum"].([]any); ok && !slices.ContainsFunc(e, func(x any) bool { return equalJSON(x, v) }) {
		return fmt.Errorf("%s must be one of %v", where(), e)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, alt := range alts {
			if m, _ := alt.(map[string]any); m != nil && validate(m, v, at) == nil {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("%s matches %d of the %d forms it may take, want exactly one", where(), n, len(alts))
		}
	}
	switch x := v.(type) {
	case string:
		if max, ok := schema["maxLength"].(float64); ok && float64(utf8.RuneCountInString(x)) > max {
			return fmt.Errorf("%s is longer than %v characters", where(), max)
		}
		if p, ok := schema["pattern"].(string); ok {
			re, err := compiled(p)
			if err == nil && !re.MatchString(x) {
				return fmt.Errorf("%s does not match %s", where(), p)
			}
		}
	case float64:
		if min, ok := schema["minimum"].(float64); ok && x < min {
			return fmt.Errorf("%s is below %v", where(), min)
		}
		if max, ok := schema["maximum"].(float64); ok && x > max {
			return fmt.Errorf("%s is above %v", where(), max)
		}
	case []any:
		if max, ok := schema["maxItems"].(float64); ok && float64(len(x)) > max {
			return fmt.Errorf("%s has more than %v items", where(), max)
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, item := range x {
				if err := validate(items, item, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		req, _ := schema["required"].([]any)
		for _, k := range req {
			if name, _ := k.(string); name != "" {
				if _, ok := x[name]; !ok {
					return fmt.Errorf("%s lacks the required field %q", where(), name)
				}
			}
		}
		props, _ := schema["properties"].(map[string]any)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // the first error is the same every time
		for _, k := range keys {
			path := k
			if at != "" {
				path = at + "." + k
			}
			if p, ok := props[k].(map[string]any); ok {
				if err := validate(p, x[k], path); err != nil {
					return err
				}
				continue
			}
			switch extra := schema["additionalProperties"].(type) {
			case bool:
				if !extra {
					return fmt.Errorf("%s has the field %q, which the document does not give", where(), k)
				}
			case map[string]any:
				if err := validate(extra, x[k], path); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func compiled(p string) (*regexp.Regexp, error) {
	if re, ok := patterns.Load(p); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, err
	}
	patterns.Store(p, re)
	return re, nil
}

func typeAllows(t, v any) bool {
	switch t := t.(type) {
	case string:
		return typeIs(t, v)
	case []any:
		return slices.ContainsFunc(t, func(x any) bool { s, _ := x.(string); return typeIs(s, v) })
	}
	return true
}

func typeIs(t string, v any) bool {
	got := jsonType(v)
	if t == "number" && got == "integer" {
		return true
	}
	return t == got
}

// jsonType names v's JSON Schema type; a number without a fraction is an
// integer.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func equalJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
