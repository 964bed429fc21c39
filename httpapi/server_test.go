package httpapi

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database/dbtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// newTestServer returns a Server on a fresh database of the engine dsn names.
func newTestServer(t *testing.T, dsn string) *Server {
	t.Helper()
	return New(Options{DB: dbtest.Open(t, dsn), MaxBodyBytes: 1024})
}

// do sends one request through the whole middleware chain.
func do(s http.Handler, method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	r.Header.Set("X-Request-Id", "test-request-id")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	answered(w, r)
	return w
}

// golden compares a response with testdata/golden/name, or rewrites it
// with -update. The file holds the request (method and target), the
// status line, the headers a client keys on, and the body.
func golden(t *testing.T, name string, w *httptest.ResponseRecorder) {
	t.Helper()
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n%d\n", goldenRequest(t, w), w.Code)
	for _, h := range []string{"Content-Type", "Allow"} {
		if v := w.Header().Values(h); len(v) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", h, strings.Join(v, ", "))
		}
	}
	b.WriteString("\n")
	b.Write(w.Body.Bytes())
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./httpapi -update to create it)", err)
	}
	if !bytes.Equal(want, b.Bytes()) {
		t.Fatalf("%s differs:\n--- want\n%s\n--- got\n%s", name, want, b.Bytes())
	}
}

func TestOpsEndpoints(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		s := newTestServer(t, dsn)
		if w := do(s, "GET", "/healthz", nil); w.Code != 200 || w.Body.String() != `{"status":"ok"}` {
			t.Fatalf("healthz: %d %s", w.Code, w.Body)
		}
		if w := do(s, "GET", "/readyz", nil); w.Code != 200 {
			t.Fatalf("readyz: %d %s", w.Code, w.Body)
		}
		do(s, "GET", "/rest/oma/nothing", nil)
		w := do(s, "GET", "/metrics", nil)
		if w.Code != 200 {
			t.Fatalf("metrics: %d", w.Code)
		}
		for _, want := range []string{
			`aiccd_http_requests_total{route="GET /healthz",status="200"} 1`,
			`aiccd_http_requests_total{route="unmatched",status="404"} 1`,
			`aiccd_http_request_duration_seconds_bucket{route="GET /readyz"`,
			`aiccd_db_pool_connections{pool=`,
			`go_goroutines`,
		} {
			if !strings.Contains(w.Body.String(), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

func TestReadyzFailsWhenDatabaseIsDown(t *testing.T) {
	t.Parallel()
	db := dbtest.Open(t, dbtest.SQLiteURL(t))
	s := New(Options{DB: db})
	db.Close()
	w := do(s, "GET", "/readyz", nil)
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a closed database: %d %s", w.Code, w.Body)
	}
	if w := do(s, "GET", "/healthz", nil); w.Code != 200 {
		t.Fatalf("healthz must not depend on the database: %d", w.Code)
	}
}

// TestUnroutedByFamily pins the 404 and 405 answers of every API family.
func TestUnroutedByFamily(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for _, tc := range []struct{ method, path, golden string }{
		{"GET", "/rest/oma/softwareconsole/nothing", "oma_404.golden"},
		{"POST", "/apiaccess/rest/cc-management/v1/nothing", "cc_404.golden"},
		{"POST", "/apiaccess/CC-Management/v1/smartcare/nothing", "smartcare_404.golden"},
		{"POST", "/v1.0/demo-partner/partner/nothing", "partner_404.golden"},
		{"POST", "/v3/nothing", "iam_404.golden"},
		{"GET", "/apigovernance/api/nothing", "gateway_404.golden"},
		{"GET", "/admin/v1/nothing", "admin_404.golden"},
		{"GET", "/no/such/family", "unknown_404.golden"},
		{"GET", "/v1.0/../admin/v1/tenants", "dotdot_404.golden"},
		{"DELETE", "/healthz", "ops_405.golden"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			golden(t, tc.golden, do(s, tc.method, tc.path, nil))
		})
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	w := do(s, "GET", "/healthz", nil)
	if got := w.Header().Get("X-Request-Id"); got != "test-request-id" {
		t.Fatalf("sent request ID not echoed: %q", got)
	}
	r := httptest.NewRequest("GET", "/healthz", nil)
	w = httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if got := w.Header().Get("X-Request-Id"); len(got) != 32 {
		t.Fatalf("generated request ID %q is not 32 hex digits", got)
	}
	r.Header.Set("X-Request-Id", "bad id\twith controls")
	w = httptest.NewRecorder()
	s.ServeHTTP(w, r)
	if got := w.Header().Get("X-Request-Id"); len(got) != 32 {
		t.Fatalf("an unsafe request ID was echoed: %q", got)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	s := New(Options{MaxBodyBytes: 16})
	big := strings.Repeat("x", 17)
	w := do(s, "POST", "/apiaccess/rest/cc-management/v1/nothing", strings.NewReader(big))
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared oversized body: %d %s", w.Code, w.Body)
	}
	golden(t, "cc_413.golden", w)

	// A streamed body (no Content-Length) is cut off while it is read.
	r := httptest.NewRequest("POST", "/apiaccess/rest/cc-management/v1/x", strings.NewReader(big))
	r.ContentLength = -1
	w = httptest.NewRecorder()
	s.limitBody(s.api(func(w http.ResponseWriter, r *http.Request) error {
		return decodeJSON(r, &struct{}{})
	})).ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("streamed oversized body: %d %s", w.Code, w.Body)
	}
}

func TestPanicIsRecoveredInFamilyFormat(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	h := s.instrument(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	w := do(h, "POST", "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", nil)
	golden(t, "smartcare_panic.golden", w)
	w = do(h, "GET", "/rest/oma/softwareconsole/tenant/querytenantbasic", nil)
	if w.Code != 500 || strings.Contains(w.Body.String(), "boom") || strings.Contains(w.Body.String(), "goroutine") {
		t.Fatalf("OMA panic answer: %d %q", w.Code, w.Body)
	}
}

func TestInternalErrorsAreNotSent(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	secret := fmt.Errorf("pq: password authentication failed for user aiccd at 10.0.0.7")
	for _, path := range []string{
		"/rest/oma/x", "/apiaccess/rest/cc-management/x", "/apiaccess/CC-Management/v1/smartcare/x",
		"/v1.0/p/partner/x", "/v3/auth/tokens", "/apigovernance/x", "/admin/v1/x",
	} {
		for _, err := range []error{secret, aiccd.Wrap(aiccd.KindUnavailable, secret, "")} {
			w := httptest.NewRecorder()
			s.writeError(w, httptest.NewRequest("GET", path, nil), err)
			if strings.Contains(w.Body.String(), "10.0.0.7") || w.Body.Len() == 0 {
				t.Errorf("%s: %d %q", path, w.Code, w.Body)
			}
		}
	}
}

func TestCleanPath(t *testing.T) {
	t.Parallel()
	for p, want := range map[string]bool{
		"/": true, "/a/b": true, "/a/b/": true, "/a/.b": true, "/a/..b": true,
		"": false, "a": false, "//a": false, "/a//b": false, "/a/./b": false, "/a/../b": false, "/a/..": false, "/a/.": false,
		"/v1.0/中文/x": true, "/a/\x00": false, "/a/b\nc": false, "/a/\x7f": false, "/a/\xff": false, "/a/\xc3\x28": false,
	} {
		if got := cleanPath(p); got != want {
			t.Errorf("cleanPath(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestEveryFamilyHasARenderer(t *testing.T) {
	t.Parallel()
	for f := range familyNames {
		if renderers[f] == nil {
			t.Errorf("family %s has no renderer", family(f))
		}
	}
}
