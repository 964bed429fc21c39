package journal

// MaskValue masks a decoded JSON value (numbers as json.Number) by the
// journal's rules, in place: secret fields replaced, personal fields with
// their first and last characters kept. Recordings of exchanges (fixture)
// use it, so that what they keep is what the journal keeps, uncut.
func MaskValue(v any) any { return maskValue(plainField, v, 0) }

// MaskSecrets masks only the secret fields of a decoded JSON value, in
// place, for a recording that keeps personal data so that it can be
// replayed.
func MaskSecrets(v any) any { return maskSecrets(v, 0) }

func maskSecrets(v any, depth int) any {
	if depth > 32 {
		return "(nested too deep)"
	}
	switch x := v.(type) {
	case map[string]any:
		for k, cv := range x {
			if classOf(k) == secretField {
				x[k] = maskValue(secretField, cv, depth+1)
				continue
			}
			x[k] = maskSecrets(cv, depth+1)
		}
	case []any:
		for i, cv := range x {
			x[i] = maskSecrets(cv, depth+1)
		}
	}
	return v
}

// HasPersonal reports whether a decoded JSON value holds a field the
// journal masks as personal.
func HasPersonal(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, cv := range x {
			if classOf(k) == personalField || HasPersonal(cv) {
				return true
			}
		}
	case []any:
		for _, cv := range x {
			if HasPersonal(cv) {
				return true
			}
		}
	}
	return false
}

// Masked is what a secret field's value becomes.
const Masked = "*****"
