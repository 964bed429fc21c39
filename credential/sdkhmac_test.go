package credential

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
)

func signedRequest(method, target, body string, h http.Header) SignedRequest {
	path, query, _ := strings.Cut(target, "?")
	sum := sha256.Sum256([]byte(body))
	return SignedRequest{
		Method:      method,
		EscapedPath: path,
		RawQuery:    query,
		Host:        "example.com",
		Header:      func(name string) []string { return h.Values(name) },
		BodySHA256:  hex.EncodeToString(sum[:]),
	}
}

// TestReferenceVectors checks the two signatures published with the SDKs.
func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	h := http.Header{"X-Sdk-Date": {"20060102T150405Z"}}
	for _, tc := range []struct {
		method, target, body, want string
	}{
		{"GET", "/path?limit=1", "", "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{"POST", "/path?key=value", "{\"Name\":\"test\",\"Id\":1}\n", "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	} {
		got, err := Sign(signedRequest(tc.method, tc.target, tc.body, h), []string{"x-sdk-date"}, []byte("SecretKey"))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s %s: signature %s, want %s", tc.method, tc.target, got, tc.want)
		}
		a, err := ParseAuthorization("SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=" + tc.want)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2006, 1, 2, 15, 10, 0, 0, time.UTC)
		if err := checkSignature(signedRequest(tc.method, tc.target, tc.body, h), a, []byte("SecretKey"), now); err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.target, err)
		}
	}
}

func TestCheckSignatureRefusesTampering(t *testing.T) {
	t.Parallel()
	h := http.Header{"X-Sdk-Date": {"20060102T150405Z"}, "X-Domain-Id": {"d1"}}
	signed := []string{"host", "x-domain-id", "x-sdk-date"}
	base := signedRequest("POST", "/v1.0/p/x?a=1&b=2", `{"k":"v"}`, h)
	sig, err := Sign(base, signed, []byte("sk"))
	if err != nil {
		t.Fatal(err)
	}
	auth := Authorization{AccessKey: "AK", SignedHeaders: signed, Signature: sig}
	now := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	if err := checkSignature(base, auth, []byte("sk"), now); err != nil {
		t.Fatalf("untampered: %v", err)
	}
	for name, mutate := range map[string]func(r *SignedRequest){
		"body":   func(r *SignedRequest) { r.BodySHA256 = strings.Repeat("0", 64) },
		"path":   func(r *SignedRequest) { r.EscapedPath = "/v1.0/q/x" },
		"query":  func(r *SignedRequest) { r.RawQuery = "a=1&b=3" },
		"method": func(r *SignedRequest) { r.Method = "PUT" },
		"host":   func(r *SignedRequest) { r.Host = "evil.example" },
		"header": func(r *SignedRequest) {
			h2 := h.Clone()
			h2.Set("X-Domain-Id", "d2")
			r.Header = func(n string) []string { return h2.Values(n) }
		},
	} {
		r := base
		mutate(&r)
		if err := checkSignature(r, auth, []byte("sk"), now); aiccd.KindOf(err) != aiccd.KindUnauthorized {
			t.Errorf("tampered %s accepted: %v", name, err)
		}
	}
	if err := checkSignature(base, auth, []byte("other"), now); err == nil {
		t.Error("wrong secret accepted")
	}
	for _, skew := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		if err := checkSignature(base, auth, []byte("sk"), now.Add(skew)); err == nil {
			t.Errorf("skew %s accepted", skew)
		}
	}
	for _, skew := range []time.Duration{14 * time.Minute, -14 * time.Minute} {
		if err := checkSignature(base, auth, []byte("sk"), now.Add(skew)); err != nil {
			t.Errorf("skew %s refused: %v", skew, err)
		}
	}
}

func TestCanonicalForms(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":             "/",
		"/":            "/",
		"/a/b":         "/a/b/",
		"/a%20b/c":     "/a%20b/c/",
		"/%E4%B8%AD/x": "/%E4%B8%AD/x/",
		"/a~b_c.d-e/":  "/a~b_c.d-e/",
		"/v1.0/id:1/x": "/v1.0/id%3A1/x/",
	} {
		got, err := canonicalPath(in)
		if err != nil || got != want {
			t.Errorf("canonicalPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":            "",
		"b=2&a=1":     "a=1&b=2",
		"a=2&a=1":     "a=1&a=2",
		"k=a+b&j=%2F": "j=%2F&k=a%20b",
		"empty=&x":    "empty=&x=",
	} {
		got, err := canonicalQuery(in)
		if err != nil || got != want {
			t.Errorf("canonicalQuery(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	t.Parallel()
	sig := strings.Repeat("a", 64)
	ok := "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=" + sig
	a, err := ParseAuthorization(ok)
	if err != nil || a.AccessKey != "AK1" || len(a.SignedHeaders) != 2 || a.Signature != sig {
		t.Fatalf("%+v %v", a, err)
	}
	for _, bad := range []string{
		"", "Bearer x", "SDK-HMAC-SHA256", "SDK-HMAC-SHA256 Access=AK1",
		"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date, Signature=short",
		"SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=X-Sdk-Date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date;host, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date, Signature=" + sig + ", Extra=1",
		"sdk-hmac-sha256 Access=AK1, SignedHeaders=x-sdk-date, Signature=" + sig,
	} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) accepted", bad)
		}
	}
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=" + strings.Repeat("a", 64))
	f.Add("SDK-HMAC-SHA256 ,,,=")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			return
		}
		if a.AccessKey == "" || len(a.Signature) != 64 {
			t.Fatalf("accepted %q as %+v", h, a)
		}
	})
}

func FuzzCanonicalRequest(f *testing.F) {
	f.Add("GET", "/a/b%20c", "x=1&y=%zz")
	f.Fuzz(func(t *testing.T, method, path, query string) {
		r := signedRequest(method, path, "", http.Header{"X-Sdk-Date": {"20060102T150405Z"}})
		r.RawQuery = query
		canonicalRequest(r, []string{"host", "x-sdk-date"})
	})
}

// TestContentHashHoldsTheBody: X-Sdk-Content-Sha256 replaces the body's
// hash in the signature only when it is signed and is the hash of the body
// received, or UNSIGNED-PAYLOAD.
func TestContentHashHoldsTheBody(t *testing.T) {
	t.Parallel()
	now := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	body, other := `{"domain_name":"signed"}`, `{"domain_name":"swapped"}`
	bodyHash := signedRequest("POST", "/v2/partners/sub-customers", body, nil).BodySHA256
	for _, tc := range []struct {
		name     string
		hashes   []string // the X-Sdk-Content-Sha256 values sent
		signed   bool     // whether x-sdk-content-sha256 is a signed header
		received string   // the body the server received
		ok       bool
	}{
		{"no content hash", nil, false, body, true},
		{"no content hash, another body", nil, false, other, false},
		{"the body's hash, signed", []string{bodyHash}, true, body, true},
		{"the body's hash, signed, another body", []string{bodyHash}, true, other, false},
		{"the body's hash, unsigned", []string{bodyHash}, false, body, false},
		{"the body's hash, unsigned, another body", []string{bodyHash}, false, other, false},
		{"UNSIGNED-PAYLOAD, signed", []string{"UNSIGNED-PAYLOAD"}, true, other, true},
		{"UNSIGNED-PAYLOAD, unsigned", []string{"UNSIGNED-PAYLOAD"}, false, other, false},
		{"the hash in upper case, signed", []string{strings.ToUpper(bodyHash)}, true, body, false},
		{"sent twice, signed", []string{bodyHash, bodyHash}, true, body, false},
		{"empty, signed", []string{""}, true, body, false},
	} {
		h := http.Header{"X-Sdk-Date": {"20060102T150405Z"}}
		if tc.hashes != nil {
			h["X-Sdk-Content-Sha256"] = tc.hashes
		}
		signed := []string{"host", "x-sdk-date"}
		if tc.signed {
			signed = []string{"host", "x-sdk-content-sha256", "x-sdk-date"}
		}
		sig, err := Sign(signedRequest("POST", "/v2/partners/sub-customers", body, h), signed, []byte("sk"))
		if err != nil {
			t.Fatal(err)
		}
		auth := Authorization{AccessKey: "AK", SignedHeaders: signed, Signature: sig}
		err = checkSignature(signedRequest("POST", "/v2/partners/sub-customers", tc.received, h), auth, []byte("sk"), now)
		if (err == nil) != tc.ok || (err != nil && aiccd.KindOf(err) != aiccd.KindUnauthorized) {
			t.Errorf("%s: %v, want accepted %v", tc.name, err, tc.ok)
		}
	}
}
