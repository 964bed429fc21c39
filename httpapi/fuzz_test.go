package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzServeHTTP drives arbitrary methods, paths, headers and bodies through
// the whole middleware chain and route table: every answer must be a
// complete response in some family's format, never a panic.
func FuzzServeHTTP(f *testing.F) {
	f.Add("GET", "/healthz", "", "")
	f.Add("POST", "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", `{"msisdn":1}`, "Bearer x")
	f.Add("POST", "/v1.0/../../etc/passwd/partner/customer-mgr/check-user", "{", "SDK-HMAC-SHA256 Access=a")
	f.Add("PUT", "/rest/oma/softwareconsole/tenant/querytenantbasic", "\x00\xff", "")
	f.Add("DELETE", "//admin/v1", strings.Repeat("[", 5000), "")
	s := New(Options{MaxBodyBytes: 4096})
	f.Fuzz(func(t *testing.T, method, path, body, auth string) {
		if !validMethod(method) || !strings.HasPrefix(path, "/") {
			return // the HTTP parser refuses these before any handler runs
		}
		r := &http.Request{
			Method:     method,
			URL:        &url.URL{Path: path},
			Header:     http.Header{"Authorization": {auth}, "Content-Type": {"application/json"}},
			Body:       http.NoBody,
			Host:       "aiccd.test",
			RemoteAddr: "192.0.2.1:1234",
			Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		}
		if body != "" {
			r = httptest.NewRequest(method, "/", strings.NewReader(body))
			r.URL = &url.URL{Path: path}
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code < 200 || w.Code > 599 {
			t.Fatalf("status %d", w.Code)
		}
		if w.Header().Get("Content-Type") == "" {
			t.Fatalf("%s %q: %d without Content-Type", method, path, w.Code)
		}
		if w.Header().Get("X-Request-Id") == "" {
			t.Fatal("no request ID")
		}
		if strings.Contains(w.Body.String(), "goroutine ") || strings.Contains(w.Body.String(), "panic") {
			t.Fatalf("stack trace in body: %s", w.Body)
		}
	})
}

func validMethod(m string) bool {
	if m == "" || m == "CONNECT" {
		return false
	}
	for _, c := range m {
		if c < '!' || c > '~' || strings.ContainsRune("()<>@,;:\\\"/[]?={}", c) {
			return false
		}
	}
	return true
}
