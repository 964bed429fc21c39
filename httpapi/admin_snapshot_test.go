package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
)

func adminCall(method, path, body string) request {
	return request{method: method, path: path, body: body, header: adminHeader}
}

// adminError checks that w is the admin API's error with status and code.
func adminError(t *testing.T, what string, w *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("%s: %d %s, want %d", what, w.Code, w.Body, status)
	}
	e, _ := decode(t, w)["error"].(map[string]any)
	if e["code"] != code || e["message"] == "" || e["request_id"] != "test-request-id" {
		t.Errorf("%s: body %s, want the admin error %q", what, w.Body, code)
	}
}

// TestSnapshotsAdminAPI takes, lists, restores and deletes snapshots of the
// demo tenant through the admin API, with the admin format's answers for
// every refusal.
func TestSnapshotsAdminAPI(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.follow()
		const base = "/admin/v1/tenants/demo/snapshots"
		w := e.do(adminCall("POST", base, `{"name":"base"}`))
		if w.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		created := decode(t, w)
		if created["name"] != "base" || created["tenant"] != "demo" || created["size"].(float64) <= 0 || created["rows"].(float64) <= 0 {
			t.Errorf("created %s", w.Body)
		}
		adminError(t, "duplicate", e.do(adminCall("POST", base, `{"name":"base"}`)), 409, "conflict")
		adminError(t, "bad name", e.do(adminCall("POST", base, `{"name":"a b"}`)), 400, "invalid")
		adminError(t, "long name", e.do(adminCall("POST", base, `{"name":"`+strings.Repeat("x", 65)+`"}`)), 400, "invalid")
		adminError(t, "unknown field", e.do(adminCall("POST", base, `{"name":"x","nmae":"y"}`)), 400, "invalid")
		adminError(t, "unknown tenant", e.do(adminCall("POST", "/admin/v1/tenants/nobody/snapshots", `{"name":"x"}`)), 404, "not_found")
		adminError(t, "list of an unknown tenant", e.do(adminCall("GET", "/admin/v1/tenants/nobody/snapshots", "")), 404, "not_found")

		w = e.do(adminCall("GET", base, ""))
		items, _ := decode(t, w)["items"].([]any)
		if w.Code != 200 || len(items) != 1 || items[0].(map[string]any)["name"] != "base" {
			t.Fatalf("list: %d %s", w.Code, w.Body)
		}

		if w := e.do(adminCall("PATCH", "/admin/v1/tenants/demo", `{"name":"changed"}`)); w.Code != 200 {
			t.Fatalf("patch: %d %s", w.Code, w.Body)
		}
		if w := e.do(adminCall("POST", base+"/base/restore", "")); w.Code != 200 || decode(t, w)["name"] != "base" {
			t.Fatalf("restore: %d %s", w.Code, w.Body)
		}
		if name := decode(t, e.do(adminCall("GET", "/admin/v1/tenants/demo", "")))["name"]; name == "changed" {
			t.Errorf("the tenant's name after the restore is %q", name)
		}
		adminError(t, "restore of an unknown snapshot", e.do(adminCall("POST", base+"/other/restore", "")), 404, "not_found")
		if w := e.do(adminCall("DELETE", base+"/base", "")); w.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		adminError(t, "second delete", e.do(adminCall("DELETE", base+"/base", "")), 404, "not_found")
	})
}

// TestDeleteTenantRefusesItsCredentialsAtOnce deletes the demo tenant
// through one server while another, on the same database, holds its app
// key, gateway token and mall token in memory: both refuse them within
// the change feed's Lease, and the server that deleted it at once.
func TestDeleteTenantRefusesItsCredentialsAtOnce(t *testing.T) {
	demoData.Engines(t, func(t *testing.T, dsn string) {
		db := dbtest.Open(t, dsn)
		a, b := newEnvOn(t, db), newEnvOn(t, db)
		a.follow()
		b.follow()
		tokenA, tokenB := a.gatewayToken(), b.gatewayToken()
		gateway := func(e *env, token string) int {
			h := e.srv.instrument(e.srv.api(e.srv.gateway(false, e.srv.whoami)))
			r := httptest.NewRequest("POST", "/apiaccess/rest/cc-management/v1/x", nil)
			r.Header.Set("Authorization", "Bearer "+token)
			rw := httptest.NewRecorder()
			h.ServeHTTP(rw, r)
			return rw.Code
		}
		mall := func(e *env) int { return e.do(mallGet(pathTenantBasic, demo.MallToken)).Code }
		for _, e := range []*env{a, b} {
			if mall(e) != 200 {
				t.Fatal("the mall token is refused before the deletion")
			}
		}
		if gateway(a, tokenA) != 200 || gateway(b, tokenB) != 200 {
			t.Fatal("the gateway token is refused before the deletion")
		}

		if w := a.do(adminCall("DELETE", "/admin/v1/tenants/demo", "")); w.Code != http.StatusNoContent || w.Body.Len() != 0 {
			t.Fatalf("delete: %d %s", w.Code, w.Body)
		}
		// The server that deleted it answers from its own write at once.
		if code := gateway(a, tokenA); code != 401 {
			t.Errorf("gateway token right after the deletion: %d", code)
		}
		if code := mall(a); code != 401 {
			t.Errorf("mall token right after the deletion: %d", code)
		}
		if w := a.do(tokenRequest(demo.AppKey, demo.AppSecret, nil)); w.Code != 401 {
			t.Errorf("tokenByAkSk right after the deletion: %d %s", w.Code, w.Body)
		}
		start := time.Now()
		for gateway(b, tokenB) != 401 || mall(b) != 401 {
			if time.Since(start) > changefeed.Lease+20*time.Millisecond {
				t.Fatalf("the other server still accepts the deleted tenant's credentials %s after the deletion", time.Since(start))
			}
			time.Sleep(time.Millisecond)
		}
		adminError(t, "get", a.do(adminCall("GET", "/admin/v1/tenants/demo", "")), 404, "not_found")
		adminError(t, "second delete", a.do(adminCall("DELETE", "/admin/v1/tenants/demo", "")), 404, "not_found")
		adminError(t, "an ID no tenant may have", a.do(adminCall("DELETE", "/admin/v1/tenants/Bad%20ID", "")), 404, "not_found")
	})
}
