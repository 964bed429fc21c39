package journal

import (
	"strings"
	"testing"
)

func TestMaskBody(t *testing.T) {
	for in, want := range map[string]string{
		`{"app_key":"k1","app_secret":"s3cr3t"}`:                                     `{"app_key":"k1","app_secret":"*****"}`,
		`{"msisdn":"6680512100869","faultTime":"1721283133000"}`:                     `{"faultTime":"1721283133000","msisdn":"6***********9"}`,
		`{"auth":{"identity":{"password":{"user":{"name":"bob","password":"pw"}}}}}`: `{"auth":{"identity":{"password":{"user":{"name":"b*b","password":"*****"}}}}}`,
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
