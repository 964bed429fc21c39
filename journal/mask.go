package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxBody is how much of a body the journal keeps.
const MaxBody = 4096

// secretFields are never journaled, whatever their value.
var secretFields = map[string]bool{
	"app_secret": true, "password": true, "sk": true, "secret": true, "accesstoken": true,
	"token": true, "x-subject-token": true, "phoneverifycode": true, "verifycode": true,
}

// personalFields are journaled masked: the first and last characters stay,
// so that an integrator can tell which value was sent.
var personalFields = map[string]bool{
	"msisdn": true, "mobile": true, "mobilephone": true, "phone": true, "email": true,
	"searchkey": true, "search_value": true, "customername": true, "contact": true,
	"company": true, "companyname": true, "name": true,
}

// MaskBody returns body as the journal keeps it: JSON with secret fields
// replaced and personal fields masked, at most MaxBody bytes. A body that is
// not JSON is described, not kept.
func MaskBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return ""
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fmt.Sprintf("(%d bytes, not JSON)", len(body))
	}
	out, err := json.Marshal(maskValue("", v, 0))
	if err != nil {
		return fmt.Sprintf("(%d bytes)", len(body))
	}
	if len(out) > MaxBody {
		cut := MaxBody
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		return string(out[:cut]) + "…"
	}
	return string(out)
}

func maskValue(key string, v any, depth int) any {
	k := strings.ToLower(key)
	switch x := v.(type) {
	case map[string]any:
		if depth > 32 {
			return "(nested too deep)"
		}
		for ck, cv := range x {
			x[ck] = maskValue(ck, cv, depth+1)
		}
		return x
	case []any:
		if depth > 32 {
			return "(nested too deep)"
		}
		for i, cv := range x {
			x[i] = maskValue(key, cv, depth+1)
		}
		return x
	}
	if secretFields[k] {
		return "*****"
	}
	if personalFields[k] {
		if s, ok := v.(string); ok {
			return maskMiddle(s)
		}
		if n, ok := v.(json.Number); ok {
			return maskMiddle(n.String())
		}
	}
	return v
}

// maskMiddle keeps the first and last character of s and stars the rest.
func maskMiddle(s string) string {
	r := []rune(s)
	if len(r) <= 2 {
		return strings.Repeat("*", len(r))
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}
