package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/spf13/cobra"
)

// TestAdminTenantSnapshots snapshots a tenant, changes it, restores it and
// deletes it through the CLI, on both engines.
func TestAdminTenantSnapshots(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		run := runner(t, dsn)
		must := func(args ...string) string {
			t.Helper()
			out, errOut, err := run(args...)
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, errOut)
			}
			return out
		}
		keys := func() int {
			t.Helper()
			var list struct{ Items []any }
			if err := json.Unmarshal([]byte(must("admin", "appkey", "list", "--tenant", "acme", "-o", "json")), &list); err != nil {
				t.Fatal(err)
			}
			return len(list.Items)
		}
		must("admin", "tenant", "create", "acme", "--name", "Acme")
		must("admin", "appkey", "create", "--tenant", "acme")
		var created struct {
			Name string `json:"name"`
			Rows int64  `json:"rows"`
		}
		if err := json.Unmarshal([]byte(must("admin", "tenant", "snapshot", "create", "acme", "base", "-o", "json")), &created); err != nil || created.Name != "base" || created.Rows != 2 {
			t.Fatalf("create: %+v %v", created, err)
		}
		if _, _, err := run("admin", "tenant", "snapshot", "create", "acme", "base"); err == nil || !strings.Contains(err.Error(), `already has a snapshot named "base"`) {
			t.Errorf("duplicate: %v", err)
		}
		if _, _, err := run("admin", "tenant", "snapshot", "create", "acme", "../x"); err == nil || !strings.Contains(err.Error(), "snapshot name") {
			t.Errorf("bad name: %v", err)
		}
		if out := must("admin", "tenant", "snapshot", "list", "acme"); !strings.Contains(out, "NAME") || !strings.Contains(out, "base") {
			t.Errorf("list: %s", out)
		}

		must("admin", "appkey", "create", "--tenant", "acme")
		must("admin", "tenant", "update", "acme", "--name", "Changed")
		if n := keys(); n != 2 {
			t.Fatalf("%d app keys before the restore", n)
		}
		if out := must("admin", "tenant", "snapshot", "restore", "acme", "base"); !strings.Contains(out, "restored tenant acme to snapshot base (2 rows") {
			t.Errorf("restore: %s", out)
		}
		if n := keys(); n != 1 {
			t.Errorf("%d app keys after the restore, want the snapshot's 1", n)
		}
		if out := must("admin", "tenant", "show", "acme"); !strings.Contains(out, "Acme") {
			t.Errorf("name after the restore: %s", out)
		}
		if out := must("admin", "tenant", "snapshot", "delete", "acme", "base", "-o", "json"); !strings.Contains(out, `"deleted": true`) {
			t.Errorf("delete: %s", out)
		}
		if _, _, err := run("admin", "tenant", "snapshot", "restore", "acme", "base"); err == nil || !strings.Contains(err.Error(), `no snapshot named "base"`) {
			t.Errorf("restore of a deleted snapshot: %v", err)
		}

		// Without a terminal to confirm on and without --yes, nothing is deleted.
		if _, _, err := run("admin", "tenant", "delete", "acme"); err == nil || !strings.Contains(err.Error(), "--yes") {
			t.Errorf("delete without --yes: %v", err)
		}
		must("admin", "tenant", "show", "acme")
		if out := must("admin", "tenant", "delete", "acme", "--yes"); !strings.Contains(out, "deleted tenant acme") {
			t.Errorf("delete: %s", out)
		}
		if _, _, err := run("admin", "tenant", "show", "acme"); err == nil || !strings.Contains(err.Error(), `tenant "acme" does not exist`) {
			t.Errorf("show after the deletion: %v", err)
		}
		if _, _, err := run("admin", "tenant", "delete", "acme", "--yes"); err == nil || !strings.Contains(err.Error(), `tenant "acme" does not exist`) {
			t.Errorf("second delete: %v", err)
		}
	})
}

// TestAdminTenantDeleteConfirmation types the tenant's ID, or another, at
// the prompt of a terminal. Not parallel: it replaces terminalIn.
func TestAdminTenantDeleteConfirmation(t *testing.T) {
	run := runner(t, migratedSQLite(t))
	var typed string
	saved := terminalIn
	terminalIn = func(*cobra.Command) (io.Reader, bool) { return strings.NewReader(typed), true }
	t.Cleanup(func() { terminalIn = saved })
	if _, errOut, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err, errOut)
	}
	typed = "acm\n"
	_, errOut, err := run("admin", "tenant", "delete", "acme")
	if err == nil || !strings.Contains(err.Error(), "not confirmed") || !strings.Contains(errOut, "Type the tenant's ID to confirm") {
		t.Fatalf("a wrong ID typed: %v\n%s", err, errOut)
	}
	if _, _, err := run("admin", "tenant", "show", "acme"); err != nil {
		t.Fatalf("the tenant is gone after a wrong ID: %v", err)
	}
	typed = "acme\n"
	if out, errOut, err := run("admin", "tenant", "delete", "acme"); err != nil || !strings.Contains(out, "deleted tenant acme") {
		t.Fatalf("the ID typed: %v %s %s", err, out, errOut)
	}
}

// TestDeletedTenantRefusedByARunningServer deletes the demo tenant with the
// CLI, another process as far as the server is concerned, while the server
// holds the tenant's credentials in memory: from the change feed's Lease
// on it refuses them.
func TestDeletedTenantRefusedByARunningServer(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		base, _, _ := startServer(t, "--database", dsn, "--demo")
		call := func(method, path, header, value, body string) int {
			req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
			req.Header.Set(header, value)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		mall := func() int {
			return call("GET", "/rest/oma/softwareconsole/tenant/querytenantbasic", "X-Auth-Token", "demo-mall-token", "")
		}
		appKey := func() int {
			return call("POST", "/apigovernance/api/oauth/tokenByAkSk", "X-Request-Id", "t",
				`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`)
		}
		if mall() != 200 || appKey() != 200 {
			t.Fatal("the demo's credentials are refused before the deletion")
		}
		if _, errOut, err := runCLI(t, dsn, "admin", "tenant", "delete", "demo", "--yes"); err != nil {
			t.Fatal(err, errOut)
		}
		start := time.Now()
		for mall() != 401 || appKey() != 401 {
			if time.Since(start) > changefeed.Lease+50*time.Millisecond {
				t.Fatalf("the server accepts the deleted tenant's credentials %s after the deletion", time.Since(start))
			}
			time.Sleep(time.Millisecond)
		}
	})
}
