package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/client"
)

// adminSnapshots resets a tenant of its own between "tests" as an
// integrator's suite does: snapshots through the admin API and the CLI,
// restores while a client of the vendor API reads, and deletes the tenant.
func (c *contract) adminSnapshots(t *testing.T) {
	ctx := t.Context()
	a := c.admin(t)
	c.w.admin(t, "tenant", "create", "initech", "--name", "Initech")
	var k struct {
		AppKey    string `json:"app_key"`
		AppSecret string `json:"app_secret"`
	}
	c.w.adminJSON(t, &k, "appkey", "create", "--tenant", "initech", "--name", "suite")
	addCodes := func(from, n int) {
		t.Helper()
		for i := from; i < from+n; i++ {
			_, err := a.AddAccessCode(ctx, "initech", client.AccessCodeDraft{AccessCode: fmt.Sprintf("55500%02d", i), MediaType: 5, CallAttr: 3})
			ok(t, "add an access code", err)
		}
	}
	addCodes(0, 3)
	initech := c.client(t, client.WithAppKey(k.AppKey, k.AppSecret))
	total := func() (int, error) {
		page, err := initech.QueryAccessCodeList(ctx, client.AccessCodeQuery{Limit: client.Ptr(1)})
		if err != nil {
			return 0, err
		}
		return page.Total, nil
	}

	// The tenant, its app key, three access codes and their count.
	small, err := a.CreateSnapshot(ctx, "initech", "three-codes")
	ok(t, "create snapshot", err)
	if small.Name != "three-codes" || small.Tenant != "initech" || small.Rows != 6 || small.SchemaVersion < 15 {
		t.Fatalf("snapshot: %+v", small)
	}
	_, err = a.CreateSnapshot(ctx, "initech", "three-codes")
	wantCode(t, "a duplicate snapshot", err, 409, "conflict")
	_, err = a.CreateSnapshot(ctx, "initech", "no/slash")
	wantCode(t, "a name with a slash", err, 400, "invalid")
	addCodes(3, 5)
	if out := c.w.admin(t, "tenant", "snapshot", "create", "initech", "eight-codes"); !strings.Contains(out, "eight-codes") {
		t.Fatalf("snapshot create: %s", out)
	}
	list, err := a.ListSnapshots(ctx, "initech")
	ok(t, "list snapshots", err)
	if len(list) != 2 || list[0].Name != "eight-codes" || list[1].Name != "three-codes" {
		t.Fatalf("snapshots: %+v", list)
	}

	// A reader of the vendor API sees one state or the other, never one
	// half restored, while the tenant goes back and forth.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	seen := map[int]int{}
	var readErr error
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			n, err := total()
			if err != nil {
				readErr = err
				return
			}
			seen[n]++
		}
	})
	for i := range 10 {
		name := "three-codes"
		if i%2 == 1 {
			name = "eight-codes"
		}
		_, err := a.RestoreSnapshot(ctx, "initech", name)
		ok(t, "restore", err)
	}
	close(stop)
	wg.Wait()
	if readErr != nil {
		t.Fatalf("a read during the restores: %v", readErr)
	}
	for n := range seen {
		if n != 3 && n != 8 {
			t.Errorf("a reader saw %d access codes during the restores (all seen: %v); the snapshots have 3 and 8", n, seen)
		}
	}
	if n, err := total(); err != nil || n != 8 {
		t.Fatalf("after restoring eight-codes: %d, %v", n, err)
	}

	if out := c.w.admin(t, "tenant", "snapshot", "restore", "initech", "three-codes"); !strings.Contains(out, "restored tenant initech to snapshot three-codes") {
		t.Fatalf("snapshot restore: %s", out)
	}
	// Another process's restore reaches the server's read models through
	// the change feed, within its 80 ms lease (docs/architecture.md).
	n, err := total()
	for deadline := time.Now().Add(time.Second); err == nil && n != 3 && time.Now().Before(deadline); n, err = total() {
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || n != 3 {
		t.Fatalf("after the CLI's restore: %d, %v", n, err)
	}
	ok(t, "delete snapshot", a.DeleteSnapshot(ctx, "initech", "eight-codes"))
	wantCode(t, "a deleted snapshot", a.DeleteSnapshot(ctx, "initech", "eight-codes"), 404, "not_found")
	_, err = a.RestoreSnapshot(ctx, "initech", "eight-codes")
	wantCode(t, "restoring a deleted snapshot", err, 404, "not_found")

	ok(t, "delete tenant", a.DeleteTenant(ctx, "initech"))
	_, err = total()
	wantCode(t, "the deleted tenant's app key", err, 401, "APIG.0301")
	wantCode(t, "deleting it again", a.DeleteTenant(ctx, "initech"), 404, "not_found")
	_, err = a.ListSnapshots(ctx, "initech")
	wantCode(t, "the deleted tenant's snapshots", err, 404, "not_found")

	// The CLI deletes with --yes, there being no terminal to confirm on.
	c.w.admin(t, "tenant", "create", "initech")
	if out := c.w.admin(t, "tenant", "delete", "initech", "--yes"); !strings.Contains(out, "deleted tenant initech") {
		t.Fatalf("tenant delete: %s", out)
	}
}
