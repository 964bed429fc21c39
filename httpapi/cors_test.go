package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
)

// withCORS has the test server allow origins, as --cors-origins does.
func (e *env) withCORS(origins ...string) *env {
	e.srv.corsPolicy = newCORSPolicy(origins)
	e.srv.buildHandler()
	return e
}

func preflight(path, origin, method string) request {
	return request{method: "OPTIONS", path: path, header: map[string]string{
		"Origin": origin, "Access-Control-Request-Method": method,
		"Access-Control-Request-Headers": "authorization, x-app-key, content-type",
	}}
}

// TestCORSPreflightOnEveryVendorEndpoint answers a browser's preflight on
// each vendor endpoint with its methods and the headers the pages use,
// and none on aiccd's own endpoints.
func TestCORSPreflightOnEveryVendorEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite)).withCORS("https://app.example.com")
	const origin = "https://app.example.com"
	vendor := 0
	for _, route := range e.srv.Routes() {
		method, path, _ := strings.Cut(route, " ")
		target := strings.NewReplacer("{partner_id}", demo.PartnerID).Replace(path)
		w := e.do(preflight(target, origin, method))
		if !journaledFamily(familyOf(path)) {
			if w.Header().Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("%s: aiccd's own endpoint answered a preflight: %d %v", route, w.Code, w.Header())
			}
			continue
		}
		vendor++
		h := w.Header()
		if w.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != origin ||
			!slices.Contains(strings.Split(h.Get("Access-Control-Allow-Methods"), ", "), method) ||
			!slices.Contains(h.Values("Vary"), "Origin") || h.Get("Access-Control-Max-Age") != "600" {
			t.Errorf("%s: preflight %d %v", route, w.Code, h)
		}
		for _, name := range []string{"Authorization", "X-APP-Key", "X-Auth-Token", "X-Sdk-Date", "X-Sdk-Content-Sha256", "X-Domain-Id", "Content-Type", "X-Request-Id"} {
			if !strings.Contains(h.Get("Access-Control-Allow-Headers"), name) {
				t.Errorf("%s: %s not allowed: %s", route, name, h.Get("Access-Control-Allow-Headers"))
			}
		}
	}
	if vendor < 14 {
		t.Fatalf("%d vendor endpoints preflighted", vendor)
	}
}

// TestCORSAnswers marks answers, errors too, as readable by an allowed
// origin, and leaves everything else as it is without CORS.
func TestCORSAnswers(t *testing.T) {
	t.Parallel()
	const sc = "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser"
	e := newEnv(t, demoData.URL(t, database.SQLite)).withCORS("https://app.example.com", "http://localhost:3000")
	token := e.gatewayToken()
	w := e.do(request{method: "POST", path: sc, body: exampleRequest(), header: map[string]string{
		"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey, "Origin": "http://localhost:3000"}})
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		!strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Fatalf("an answer: %d %v", w.Code, w.Header())
	}
	w = e.do(request{method: "POST", path: sc, body: exampleRequest(), header: map[string]string{"Origin": "https://app.example.com"}})
	if w.Code != 401 || w.Header().Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("a refusal: %d %v", w.Code, w.Header())
	}
	w = e.do(request{method: "POST", path: "/v3/auth/tokens", body: `{}`, header: map[string]string{"Origin": "https://app.example.com"}})
	if !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "X-Subject-Token") {
		t.Fatalf("IAM's token header is not readable: %v", w.Header())
	}
	// An origin not allowed: no CORS headers, and a preflight answered
	// as without CORS.
	w = e.do(preflight(sc, "https://evil.example", "POST"))
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Vary") != "Origin" {
		t.Fatalf("another origin's preflight: %d %v", w.Code, w.Header())
	}
	// A preflight to a path no endpoint serves is not answered as one.
	if w := e.do(preflight("/apiaccess/nowhere", "https://app.example.com", "POST")); w.Code != http.StatusNotFound {
		t.Fatalf("a preflight to nowhere: %d", w.Code)
	}
	// The admin API stays same-origin.
	w = e.do(request{method: "GET", path: "/admin/v1/tenants", header: map[string]string{"Authorization": "Bearer " + testAdminToken, "Origin": "https://app.example.com"}})
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Vary") != "" {
		t.Fatalf("the admin API: %d %v", w.Code, w.Header())
	}
}

// TestCORSEveryOrigin is the sandbox's "*".
func TestCORSEveryOrigin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite)).withCORS("*")
	w := e.do(preflight("/rest/oma/softwareconsole/tenant/querytenantbasic", "https://anything.example", "GET"))
	if w.Code != 204 || w.Header().Get("Access-Control-Allow-Origin") != "*" || w.Header().Get("Access-Control-Allow-Methods") != "GET" {
		t.Fatalf("preflight: %d %v", w.Code, w.Header())
	}
}

// TestCORSOff keeps today's answers: an OPTIONS to a vendor endpoint is
// 405 with Allow, and no answer carries CORS headers.
func TestCORSOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	w := e.do(preflight("/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", "https://app.example.com", "POST"))
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" || w.Header().Get("Access-Control-Allow-Origin") != "" || w.Header().Get("Vary") != "" {
		t.Fatalf("OPTIONS without CORS: %d %v", w.Code, w.Header())
	}
}
