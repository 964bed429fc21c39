package httpapi

import (
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database"
)

func TestAdminTenantAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	call := func(method, path, body string, status int) map[string]any {
		t.Helper()
		w := e.do(request{method: method, path: path, body: body, header: admin})
		if w.Code != status {
			t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		return decode(t, w)
	}

	created := call("POST", "/admin/v1/tenants", `{"id":"acme","name":"Acme","kind":"trial","vdn":"42",
		"company":"Acme 科技","contact_name":"李雷","email":"li@acme.cn","mobile":"138 0013 8000",
		"created_at":"2026-01-01T00:00:00Z","trial_expires_at":"2026-02-01T00:00:00Z"}`, 201)
	profile := created["profile"].(map[string]any)
	if created["kind"] != "trial" || created["space_status"] != "5" || profile["mobile"] != "13800138000" || created["trial_expires_at"] != "2026-02-01T00:00:00Z" {
		t.Fatalf("created %v", created)
	}
	shown := call("GET", "/admin/v1/tenants/acme", "", 200)
	if shown["profile"].(map[string]any)["contact_name"] != "李雷" {
		t.Fatalf("shown %v", shown)
	}
	listed := call("GET", "/admin/v1/tenants", "", 200)
	if strings.Contains(e.do(request{method: "GET", path: "/admin/v1/tenants", header: admin}).Body.String(), "li@acme.cn") {
		t.Fatalf("the list shows personal data: %v", listed)
	}

	updated := call("PATCH", "/admin/v1/tenants/acme", `{"email":"ops@acme.cn","trial_expires_at":"2099-01-01T00:00:00Z"}`, 200)
	if updated["profile"].(map[string]any)["email"] != "ops@acme.cn" || updated["space_status"] != "5" {
		t.Fatalf("updated %v", updated)
	}
	if got := call("POST", "/admin/v1/tenants/acme/expire", "", 200); got["space_status"] != "6" {
		t.Fatalf("expired %v", got)
	}
	if got := call("POST", "/admin/v1/tenants/acme/convert", "", 200); got["kind"] != "formal" || got["space_status"] != "2" || got["trial_expires_at"] != nil {
		t.Fatalf("converted %v", got)
	}
	if got := call("PATCH", "/admin/v1/tenants/acme", `{"space_status":"suspended"}`, 200); got["space_status"] != "3" {
		t.Fatalf("suspended %v", got)
	}

	res := call("POST", "/admin/v1/tenants/acme/resources", `{"type":"agent","spec":"voice","quantity":5,
		"start_at":"2026-01-01T00:00:00Z","end_at":"2099-01-01T00:00:00Z"}`, 201)
	if res["id"] != "1001" || res["status"] != "active" {
		t.Fatalf("resource %v", res)
	}
	if items := call("GET", "/admin/v1/tenants/acme/resources", "", 200)["items"].([]any); len(items) != 1 {
		t.Fatalf("resources %v", items)
	}
	call("DELETE", "/admin/v1/tenants/acme/resources/1001", "", 200)
	call("DELETE", "/admin/v1/tenants/acme/resources/1001", "", 404)

	// Refusals name the field, never the value.
	w := e.do(request{method: "PATCH", path: "/admin/v1/tenants/acme", body: `{"email":"secret-value"}`, header: admin})
	if w.Code != 400 || strings.Contains(w.Body.String(), "secret-value") || !strings.Contains(w.Body.String(), "email address is not valid") {
		t.Fatalf("invalid email: %d %s", w.Code, w.Body)
	}
	call("PATCH", "/admin/v1/tenants/acme", `{"space_status":"trial"}`, 400)
	call("POST", "/admin/v1/tenants/acme/expire", "", 409)
	call("GET", "/admin/v1/tenants/nobody", "", 404)
	call("POST", "/admin/v1/tenants/nobody/resources", `{"type":"agent","quantity":1,"start_at":"2026-01-01T00:00:00Z","end_at":"2027-01-01T00:00:00Z"}`, 404)
	call("POST", "/admin/v1/verificationcodes", `{"phone":"12"}`, 400)
}

// TestAdminListsUnderUnknownTenants: a list under a tenant or account
// that does not exist is a 404 that names it, not an empty list.
func TestAdminListsUnderUnknownTenants(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	for path, want := range map[string]string{
		"/admin/v1/tenants/nosuch/resources":        `tenant \"nosuch\" does not exist`,
		"/admin/v1/tenants/nosuch/appkeys":          `tenant \"nosuch\" does not exist`,
		"/admin/v1/tenants/nosuch/malltokens":       `tenant \"nosuch\" does not exist`,
		"/admin/v1/tenants/nosuch/accesscodes":      `tenant \"nosuch\" does not exist`,
		"/admin/v1/tenants/nosuch/calledroutes":     `tenant \"nosuch\" does not exist`,
		"/admin/v1/tenants/nosuch/smartcare/scenes": `tenant \"nosuch\" does not exist`,
		"/admin/v1/tenants/nosuch/smartcare/rules":  `tenant \"nosuch\" does not exist`,
		"/admin/v1/accounts/nosuch/users":           `account \"nosuch\" does not exist`,
		"/admin/v1/accounts/nosuch/accesskeys":      `account \"nosuch\" does not exist`,
		"/admin/v1/requests?tenant=nosuch":          `no tenant or cloud account has ID \"nosuch\"`,
	} {
		w := e.do(request{method: "GET", path: path, header: admin})
		if w.Code != 404 || !strings.Contains(strings.ToLower(w.Body.String()), strings.ToLower(want)) {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
	}
	// A partner account has a journal too.
	if w := e.do(request{method: "GET", path: "/admin/v1/requests?tenant=demo-partner", header: admin}); w.Code != 200 {
		t.Errorf("the journal of a partner account: %d %s", w.Code, w.Body)
	}
}
