package client_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/credential"
)

// FuzzSignerAgreesWithServer signs arbitrary requests with the client's
// signer and verifies them with aiccd's (credential.Sign): the two must
// compute the same signature for every path, query, body, domain and
// content hash, and the client must sign a content hash it sends.
func FuzzSignerAgreesWithServer(f *testing.F) {
	f.Add("v1.0/demo-partner/partner/customer-mgr/check-user", "", []byte(`{"searchType":"mobile","searchKey":"0086-13700000000"}`), "demo-partner", "")
	f.Add("v2/partners/sub-customers", "limit=1&offset=0&a=z&a=y", []byte{}, "", "UNSIGNED-PAYLOAD")
	f.Add("a b/中文/%2F/~x", "q=a+b&k=%E4%B8%AD&empty=", []byte("\x00\xff"), "dom ain", "")
	f.Fuzz(func(t *testing.T, path, query string, body []byte, domain, contentHash string) {
		if _, err := url.ParseQuery(query); err != nil || strings.ContainsAny(domain+contentHash, "\r\n\x00") {
			return
		}
		u := &url.URL{Scheme: "http", Host: "aiccd.test:8080", Path: "/" + path, RawQuery: query}
		req := &http.Request{Method: http.MethodPost, URL: u, Host: u.Host, Header: http.Header{}}
		if strings.TrimSpace(domain) != "" {
			req.Header.Set("X-Domain-Id", domain)
		}
		if strings.TrimSpace(contentHash) != "" {
			req.Header.Set("X-Sdk-Content-Sha256", contentHash)
		}
		s := &client.Signer{AK: "AK", SK: "the secret key"}
		if err := s.Sign(req, body, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)); err != nil {
			return // a path the signer cannot encode is refused, not signed wrongly
		}
		a, err := credential.ParseAuthorization(req.Header.Get("Authorization"))
		if err != nil {
			t.Fatalf("the server cannot parse %q: %v", req.Header.Get("Authorization"), err)
		}
		if req.Header.Get("X-Sdk-Content-Sha256") != "" && !slices.Contains(a.SignedHeaders, "x-sdk-content-sha256") {
			t.Fatalf("X-Sdk-Content-Sha256 sent but not signed: %s", req.Header.Get("Authorization"))
		}
		sum := sha256.Sum256(body)
		want, err := credential.Sign(credential.SignedRequest{
			Method: req.Method, EscapedPath: u.EscapedPath(), RawQuery: u.RawQuery, Host: req.Host,
			Header: req.Header.Values, BodySHA256: hex.EncodeToString(sum[:]),
		}, a.SignedHeaders, []byte(s.SK))
		if err != nil {
			t.Fatalf("the server cannot sign what the client signed: %v", err)
		}
		if a.Signature != want {
			t.Fatalf("client signature %s, server %s for %s %s?%s", a.Signature, want, req.Method, u.EscapedPath(), u.RawQuery)
		}
	})
}

// TestSignedCallsAreAccepted sends AK/SK-signed calls to the demo server:
// accepted with the right SK, APIG.0301 with a wrong one, CBC.5001 for an
// account that is not a partner.
func TestSignedCallsAreAccepted(t *testing.T) {
	ctx := t.Context()
	good := must(client.New(demoURL, client.WithAKSK(demoPartner, demoAK, demoSK)))
	if r, err := good.CheckIdentity(ctx, client.SearchMobile, "0086-13700000000"); err != nil || !r.Available() {
		t.Fatalf("signed check-identity: %+v %v", r, err)
	}
	wrong := must(client.New(demoURL, client.WithAKSK(demoPartner, demoAK, "not the sk")))
	if _, err := wrong.CheckIdentity(ctx, client.SearchMobile, "0086-13700000000"); !client.IsCode(err, "APIG.0301") {
		t.Fatalf("a wrong SK: %v", err)
	}
	other := must(client.New(demoURL, client.WithAKSK("demo-nonpartner", "DEMONONPARTNERAK", "demo-nonpartner-sk")))
	if _, err := other.CheckUser(ctx, "demo-nonpartner", client.SearchName, "someone-new"); !client.IsCode(err, "CBC.5001") {
		t.Fatalf("not a partner: %v", err)
	}
}
