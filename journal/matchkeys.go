package journal

import (
	"bytes"
	"encoding/json"
	"slices"
)

// MatchKeys returns the keyed digests of a request's headers and JSON body
// fields with their values, at most maxKeys, body fields first: what lets
// a query find the request by a value the journal keeps masked (a mobile
// number) or does not keep at all (a header), the value itself not
// stored. Without a blinder there are none.
//
// A body field is named by its dotted path; an array's elements share
// their array's path, so that "body.list.email" matches any element's.
// Strings, numbers (as sent) and booleans are matched; values longer than
// a query may give are skipped.
func (j *Journal) MatchKeys(header map[string][]string, body []byte) []string {
	if j.blinder == nil {
		return nil
	}
	var keys []string
	add := func(name, value string) bool {
		if len(keys) >= maxKeys {
			return false
		}
		if len(value) <= MaxValueLen && len(name) <= maxKeyNameLen+len("header.") {
			if k := matchKey(j.blinder, name, value); !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		return true
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if m, ok := v.(map[string]any); ok {
				walkFields(m, "body", 0, add)
			}
		}
	}
	names := make([]string, 0, len(header))
	for name := range header {
		names = append(names, name)
	}
	slices.Sort(names) // the same keys kept whatever the map's order
	for _, name := range names {
		for _, v := range header[name][:min(len(header[name]), 4)] {
			if !add(HeaderName(name), v) {
				return keys
			}
		}
	}
	return keys
}

// walkFields calls add for each scalar field of m under prefix, keys in
// order, until add refuses.
func walkFields(m map[string]any, prefix string, depth int, add func(name, value string) bool) bool {
	if depth >= MaxPathDepth {
		return true
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for _, k := range ks {
		if !walkValue(m[k], prefix+"."+k, depth, add) {
			return false
		}
	}
	return true
}

func walkValue(v any, name string, depth int, add func(name, value string) bool) bool {
	switch x := v.(type) {
	case map[string]any:
		return walkFields(x, name, depth+1, add)
	case []any:
		if depth >= MaxPathDepth {
			return true
		}
		for _, e := range x {
			if !walkValue(e, name, depth+1, add) {
				return false
			}
		}
		return true
	case string:
		return add(name, x)
	case json.Number:
		return add(name, x.String())
	case bool:
		if x {
			return add(name, "true")
		}
		return add(name, "false")
	}
	return true
}
