package journal

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskBody(t *testing.T) {
	for in, want := range map[string]string{
		`{"app_key":"k1","app_secret":"s3cr3t"}`:                                     `{"app_key":"k1","app_secret":"*****"}`,
		`{"msisdn":"6680512100869","faultTime":"1721283133000"}`:                     `{"faultTime":"1721283133000","msisdn":"6***********9"}`,
		`{"auth":{"identity":{"password":{"user":{"name":"bob","password":"pw"}}}}}`: `{"auth":{"identity":{"password":"*****"}}}`,
		`{"user":{"name":"bob","domain":{"name":"acme"}}}`:                           `{"user":{"domain":{"name":"a**e"},"name":"b*b"}}`,
		`{"list":[{"email":"a@b.c"}],"n":12345678901234567890}`:                      `{"list":[{"email":"a***c"}],"n":12345678901234567890}`,
		`not json`: `(8 bytes, not JSON)`,
		``:         ``,
	} {
		if got := MaskBody([]byte(in)); got != want {
			t.Errorf("MaskBody(%s) = %s, want %s", in, got, want)
		}
	}
	long := `{"description":"` + strings.Repeat("长", 3000) + `"}`
	if got := MaskBody([]byte(long)); len(got) > MaxBody+3 || !strings.HasSuffix(got, "…") {
		t.Errorf("long body kept %d bytes", len(got))
	}
}

func FuzzMaskBody(f *testing.F) {
	f.Add(`{"password":"x","msisdn":"123","a":[{"sk":"y"}]}`)
	f.Add(strings.Repeat("[", 10000))
	f.Fuzz(func(t *testing.T, body string) {
		got := MaskBody([]byte(body))
		if len(got) > MaxBody+3 {
			t.Fatalf("%d bytes kept", len(got))
		}
		for _, secret := range []string{`"password":"x`, `"sk":"y`} {
			if strings.Contains(body, secret+`"`) && strings.Contains(got, secret+`"`) {
				t.Fatalf("secret kept: %s", got)
			}
		}
	})
}

// TestMaskBodyByDecodedField masks a value by the field encoding/json
// decodes it into, however its key is spelled: case, and Unicode's simple
// case folding (ſ U+017F is s, the Kelvin sign U+212A is k).
func TestMaskBodyByDecodedField(t *testing.T) {
	for _, tc := range []struct{ field, key, value, want string }{
		{"password", "paſsword", "Hunter-22", "*****"},
		{"password", "PASSWORD", "Hunter-22", "*****"},
		{"token", "to\u212aen", "tok-value", "*****"},
		{"app_secret", "App_ſecret", "app-secret", "*****"},
		{"verification_code", "Verification_Code", "246810", "*****"},
		{"mobile_phone", "mobile_phone", "13700000000", "1*********0"},
		{"mobile_phone", "MOBILE_PHONE", "13700000000", "1*********0"},
		{"searchKey", "ſearchkey", "someone@example.com", "s*****************m"},
		{"domain_name", "domain_name", "acme-customer", "a***********r"},
	} {
		body := `{"` + tc.key + `":"` + tc.value + `"}`
		decoded := map[string]string{}
		field := reflect.StructOf([]reflect.StructField{{Name: "F", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`json:"` + tc.field + `"`)}})
		v := reflect.New(field)
		if err := json.Unmarshal([]byte(body), v.Interface()); err != nil || v.Elem().Field(0).String() != tc.value {
			t.Fatalf("%s does not decode into %s: %v", tc.key, tc.field, err)
		}
		if err := json.Unmarshal([]byte(MaskBody([]byte(body))), &decoded); err != nil || decoded[tc.key] != tc.want {
			t.Errorf("MaskBody(%s) = %s, want %q", body, MaskBody([]byte(body)), tc.want)
		}
	}
}

// FuzzMaskedFieldsByDecoding holds the masking to encoding/json's key
// matching: a string that json decodes into any masked field never stays
// whole in the journal, whatever its key.
func FuzzMaskedFieldsByDecoding(f *testing.F) {
	var fields []reflect.StructField
	for _, set := range []map[string]bool{secretFields, personalFields} {
		for k := range set {
			fields = append(fields, reflect.StructField{
				Name: fmt.Sprintf("F%d", len(fields)), Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`json:"` + k + `"`),
			})
		}
	}
	masked := reflect.StructOf(fields)
	f.Add("paſsword", "Hunter-22")
	f.Add("mobile_phone", "13700000000")
	f.Add("X-ſubject-To\u212aen", "opaque-token")
	f.Fuzz(func(t *testing.T, key, value string) {
		if utf8.RuneCountInString(value) < 3 || strings.Contains(value, "*") || !utf8.ValidString(key+value) {
			return // too short to mask, or like a masked value
		}
		body, err := json.Marshal(map[string]string{key: value})
		if err != nil || len(body) > MaxBody/2 {
			return // kept whole, so that the answer is JSON to read back
		}
		v := reflect.New(masked)
		if json.Unmarshal(body, v.Interface()) != nil {
			return
		}
		decoded := false
		for i := range v.Elem().NumField() {
			decoded = decoded || v.Elem().Field(i).String() == value
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(MaskBody(body)), &out); err != nil {
			t.Fatalf("MaskBody(%s) is not JSON: %v", body, err)
		}
		if decoded && out[key] == value {
			t.Fatalf("%q decodes into a masked field, but the journal keeps %s", key, MaskBody(body))
		}
	})
}
