package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
)

// TestAdminAPIRefusesUnknownFields sends a misspelt field to every admin
// endpoint that takes a JSON body: each refuses it with 400 and the list
// of the fields it knows, and changes nothing.
func TestAdminAPIRefusesUnknownFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	firstID := func(path string) string {
		w := e.do(request{method: "GET", path: path, header: admin})
		var list struct{ Items []map[string]any }
		if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
			t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
		}
		return list.Items[0]["id"].(string)
	}
	values := map[string]string{
		"{tenant}":  "demo",
		"{key}":     demo.AppKey,
		"{account}": "demo-partner",
		"{user}":    "demo-partner-admin",
		"{ak}":      "DEMOPARTNERAK",
	}
	// Endpoints whose {id} names a thing the demo has.
	ids := map[string]string{
		"/admin/v1/tenants/{tenant}/accesscodes/{id}":      firstID("/admin/v1/tenants/demo/accesscodes"),
		"/admin/v1/tenants/{tenant}/calledroutes/{id}":     firstID("/admin/v1/tenants/demo/calledroutes"),
		"/admin/v1/tenants/{tenant}/smartcare/rules/{id}":  firstID("/admin/v1/tenants/demo/smartcare/rules"),
		"/admin/v1/tenants/{tenant}/smartcare/scenes/{id}": "1",
	}
	// Endpoints that take no JSON object.
	bodiless := map[string]bool{
		"POST /admin/v1/tenants/{tenant}/expire":                   true,
		"POST /admin/v1/tenants/{tenant}/convert":                  true,
		"POST /admin/v1/appkeys/{key}/rotate":                      true,
		"POST /admin/v1/accesskeys/{ak}/rotate":                    true,
		"POST /admin/v1/tenants/{tenant}/smartcare/records":        true, // NDJSON
		"POST /admin/v1/tenants/{tenant}/snapshots/{name}/restore": true,
	}
	tested := 0
	for _, route := range e.srv.Routes() {
		method, pattern, _ := strings.Cut(route, " ")
		if !strings.HasPrefix(pattern, "/admin/v1/") || method == "GET" || method == "DELETE" || bodiless[route] {
			continue
		}
		path := pattern
		if id, ok := ids[pattern]; ok {
			path = strings.ReplaceAll(path, "{id}", id)
		}
		for k, v := range values {
			path = strings.ReplaceAll(path, k, v)
		}
		if strings.Contains(path, "{") {
			t.Fatalf("%s: no value for a path parameter", route)
		}
		w := e.do(request{method: method, path: path, header: admin, body: `{"staus":503}`})
		if w.Code != 400 || !strings.Contains(w.Body.String(), `Unknown field \"staus\"; the fields are `) {
			t.Errorf("%s: %d %s", route, w.Code, w.Body)
		}
		tested++
	}
	if tested < 20 {
		t.Fatalf("only %d endpoints tested", tested)
	}
}

func TestFaultRuleRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	for body, want := range map[string]string{
		`{"tenant_id":"demo","staus":503,"latency_ms":10,"remaining":1}`:              `Unknown field \"staus\"; the fields are app_key, body, body_match, code, endpoint, free_form, headers, latency_ms, percent, remaining, reset, status, tenant_id`,
		`{"tenant_id":"demo","endpoint":"nosuchendpoint","status":503,"remaining":1}`: `Endpoint \"nosuchendpoint\" is not one that fault rules apply to; give one of querytenantbasic, querytenantinfo, queryresource, applyTenant`,
		`{"tenant_id":"demo","id":"1","status":503,"remaining":1}`:                    `Unknown field \"id\"`,
	} {
		w := e.do(request{method: "POST", path: "/admin/v1/faults", header: admin, body: body})
		if w.Code != 400 || !strings.Contains(w.Body.String(), want) {
			t.Errorf("%s: %d %s, want it to say %s", body, w.Code, w.Body, want)
		}
	}
	w := e.do(request{method: "GET", path: "/admin/v1/faults", header: admin})
	if w.Body.String() != `{"items":[]}` {
		t.Fatalf("refused rules were stored: %s", w.Body)
	}
}

// TestFaultEndpointsAreTheServedOnes: every endpoint a fault rule may name
// runs as an authenticated tenant or account, where rules apply.
func TestFaultEndpointsAreTheServedOnes(t *testing.T) {
	t.Parallel()
	got := FaultEndpoints()
	if len(got) != 13 {
		t.Fatalf("%d endpoints: %v", len(got), got)
	}
	for _, route := range got {
		if strings.Contains(route, "tokenByAkSk") || strings.Contains(route, "/v3/auth/tokens") || strings.Contains(route, "/admin/") {
			t.Errorf("%s: fault rules never apply to it", route)
		}
	}
}
