package client

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
)

// TestSignatureVectors checks the signer against the reference's test
// vectors of SDK-HMAC-SHA256 (AK AccessKey, SK SecretKey).
func TestSignatureVectors(t *testing.T) {
	s := &Signer{AK: "AccessKey", SK: "SecretKey"}
	for _, tc := range []struct {
		method, path, query, body, want string
	}{
		{"GET", "/path", "limit=1", "", "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{"POST", "/path", "key=value", "{\"Name\":\"test\",\"Id\":1}\n", "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	} {
		h := http.Header{"X-Sdk-Date": {"20060102T150405Z"}}
		sum := sha256.Sum256([]byte(tc.body))
		got, err := s.signature(tc.method, tc.path, tc.query, "example.com", h, []string{"x-sdk-date"}, hex.EncodeToString(sum[:]))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s %s?%s: signature %s, want %s", tc.method, tc.path, tc.query, got, tc.want)
		}
	}
}

func TestCanonicalForms(t *testing.T) {
	for in, want := range map[string]string{
		"/v1.0/demo-partner/x": "/v1.0/demo-partner/x/",
		"/a%20b/c~d/":          "/a%20b/c~d/",
		"/%E4%B8%AD":           "/%E4%B8%AD/",
		"/a+b":                 "/a%2Bb/",
	} {
		if got, err := canonicalPath(in); err != nil || got != want {
			t.Errorf("canonicalPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got, _ := canonicalQuery("b=2&a=z&a=y&c=%20"); got != "a=y&a=z&b=2&c=%20" {
		t.Errorf("canonicalQuery: %q", got)
	}
}
