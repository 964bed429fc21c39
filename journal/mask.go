package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBody is how much of a body the journal keeps.
const MaxBody = 4096

// secretFields are never journaled, whatever their value: the JSON names
// of the secrets the endpoints take or answer, as they spell them.
var secretFields = foldedSet(
	"app_secret", "AccessToken", "password", "sk", "secret", "token", "X-Subject-Token",
	"phoneVerifyCode", "verifyCode", "verification_code",
)

// personalFields are journaled masked: the first and last characters stay,
// so that an integrator can tell which value was sent. They are the JSON
// names of the personal data (names, e-mail addresses, mobile numbers) the
// endpoints take or answer.
var personalFields = foldedSet(
	"msisdn", "mobile", "mobilePhone", "mobile_phone", "phone", "email",
	"searchKey", "search_value", "name", "customerName", "contact", "company", "companyName", "domain_name",
)

func foldedSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[foldKey(n)] = true
	}
	return m
}

// foldKey folds a JSON object key the way encoding/json matches keys to
// fields (ASCII letters upper-cased, any other rune replaced by the least
// rune of its simple case folding orbit), so that a value is masked by the
// field a handler decodes it into, however the key is spelled: "PASSWORD",
// "paſsword" (U+017F) and "passwor\u212a"... fold like "password".
func foldKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for _, r := range k {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		for {
			next := unicode.SimpleFold(r)
			if next <= r {
				r = next
				break
			}
			r = next
		}
		b.WriteRune(r)
	}
	return b.String()
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
	out, err := json.Marshal(maskValue(plainField, v, 0))
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

// fieldClass is how the journal keeps a field's value.
type fieldClass int

const (
	plainField fieldClass = iota
	personalField
	secretField
)

func classOf(key string) fieldClass {
	k := foldKey(key)
	switch {
	case secretFields[k]:
		return secretField
	case personalFields[k]:
		return personalField
	}
	return plainField
}

// maskValue masks v, the value of a field of class c. A secret is replaced
// whole, whatever its type; the values inside a personal field's object or
// array are personal too.
func maskValue(c fieldClass, v any, depth int) any {
	if c == secretField {
		return "*****"
	}
	switch x := v.(type) {
	case map[string]any:
		if depth > 32 {
			return "(nested too deep)"
		}
		for ck, cv := range x {
			x[ck] = maskValue(max(c, classOf(ck)), cv, depth+1)
		}
		return x
	case []any:
		if depth > 32 {
			return "(nested too deep)"
		}
		for i, cv := range x {
			x[i] = maskValue(c, cv, depth+1)
		}
		return x
	}
	if c == personalField {
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
