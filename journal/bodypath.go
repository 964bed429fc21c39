package journal

import "strings"

// ValueAt returns the value at a dotted path of object keys ("msisdn",
// "error.code"; arrays are not entered) in a decoded JSON value: how a
// fault rule's body match and a recorded exchange's comparison read one.
func ValueAt(v any, path string) (any, bool) {
	for key := range strings.SplitSeq(path, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return v, true
}
