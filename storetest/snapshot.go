package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snapshot"
	"github.com/aiccd/aiccd/tenant"
)

// snapshotNow is within the demo's SmartCare records' retention.
var snapshotNow = time.Date(2024, 7, 18, 12, 0, 0, 0, time.UTC)

// demoServices builds the services the demo dataset is loaded through,
// with this database's shared ID counter.
func demoServices(db *database.DB) demo.Services {
	clock := aiccd.ClockFunc(func() time.Time { return snapshotNow })
	key, _ := masterkey.New(bytes.Repeat([]byte{7}, masterkey.Size))
	ids := counter{&nextID}
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock, Keys: key, IDs: ids})
	creds := credential.NewService(credential.Options{Store: db.Credentials, Clock: clock, Sealer: key})
	return demo.Services{
		Tenants:     tenants,
		Credentials: creds,
		Customers: partner.NewService(partner.Options{Store: db.Customers, Accounts: creds, Clock: clock, Sealer: key, Blinder: key,
			MobileLimit: partner.DefaultMobileLimit}),
		SmartCare:   smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: clock, IDs: ids}),
		AccessCodes: accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: ids}),
	}
}

// tenantState is what the stores answer about a tenant, as JSON: two equal
// states are the same tenant to every reader. The revision and the
// SmartCare versions, which a restore advances, are left out.
func tenantState(t *testing.T, db *database.DB, id string) string {
	t.Helper()
	ctx := context.Background()
	var st struct {
		Tenant        tenant.Tenant
		Resources     []tenant.Resource
		AppKeys       []credential.AppKey
		MallTokens    []credential.Token
		Codes, ByDesc accesscode.Page
		Routes        accesscode.RoutePage
		Config        smartcare.Config
		Rules         []smartcare.FaultRule
		Records       []smartcare.Record
		Faults        []fault.Fault
		Missing       []string
	}
	var err error
	note := func(what string, e error) {
		if errors.Is(e, aiccd.ErrNotFound) {
			st.Missing = append(st.Missing, what)
		} else if e != nil && err == nil {
			err = fmt.Errorf("%s: %w", what, e)
		}
	}
	st.Tenant, err = db.Tenants.Get(ctx, id)
	if errors.Is(err, aiccd.ErrNotFound) {
		st.Missing, err = append(st.Missing, "tenant"), nil
	}
	st.Tenant.Revision = 0
	var e error
	st.Resources, _, e = db.Tenants.Resources(ctx, id, tenant.ResourceQuery{From: time.Unix(0, 0), To: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), Limit: 99})
	note("resources", e)
	st.AppKeys, e = db.Credentials.AppKeys(ctx, id)
	note("app keys", e)
	st.MallTokens, e = db.Credentials.Tokens(ctx, credential.TokenMall, id)
	note("mall tokens", e)
	st.Codes, e = db.AccessCodes.Search(ctx, id, accesscode.Filter{}, accesscode.Paging{Limit: 1000})
	note("access codes", e)
	st.ByDesc, e = db.AccessCodes.Search(ctx, id, accesscode.Filter{Description: "hotline"}, accesscode.Paging{Limit: 1000})
	note("access codes by description", e)
	st.Routes, e = db.AccessCodes.SearchRoutes(ctx, id, accesscode.RouteFilter{}, 0, 1000)
	note("routes", e)
	st.Config, e = db.SmartCare.LoadConfig(ctx, id)
	note("smartcare config", e)
	st.Config.Version = 0
	_, st.Rules, e = db.SmartCare.LoadRules(ctx, id)
	note("smartcare rules", e)
	st.Records, e = db.SmartCare.Records(ctx, id, demo.FaultyMSISDN, snapshotNow.Add(-72*time.Hour), snapshotNow.Add(72*time.Hour), 1000)
	note("smartcare records", e)
	fs, e := db.Faults.Faults(ctx)
	note("faults", e)
	keys := map[string]bool{}
	for _, k := range st.AppKeys {
		keys[k.Key] = true
	}
	for _, f := range fs {
		if f.TenantID == id || f.TenantID == "" && keys[f.AppKey] {
			st.Faults = append(st.Faults, f)
		}
	}
	if err != nil {
		t.Fatalf("state of %s: %v", id, err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testSnapshots holds every engine to the contract of snapshot.Store: a
// restore gives back exactly the state snapshotted and touches no other
// tenant; a reader never sees a restore half done; deleting a tenant
// leaves nothing of it behind.
func testSnapshots(t *testing.T, db *database.DB) {
	ctx := context.Background()
	svc := demoServices(db)
	if err := demo.Load(ctx, svc, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	ruleID := nextID.Add(1)
	if err := db.Faults.CreateFault(ctx, fault.Fault{ID: ruleID, TenantID: demo.TenantID, Endpoint: "queryfaultyuser", Status: 500, Remaining: -1, Percent: 100, CreatedAt: snapshotNow}); err != nil {
		t.Fatal(err)
	}
	// A rule scoped to the tenant's app key alone is the tenant's too.
	keyRuleID := nextID.Add(1)
	if err := db.Faults.CreateFault(ctx, fault.Fault{ID: keyRuleID, AppKey: demo.AppKey, Status: 503, Remaining: 3, Percent: 100, CreatedAt: snapshotNow}); err != nil {
		t.Fatal(err)
	}
	snaps := snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: aiccd.ClockFunc(func() time.Time { return snapshotNow })})
	before, trialBefore := tenantState(t, db, demo.TenantID), tenantState(t, db, demo.TrialTenantID)
	if strings.Contains(before, `"Missing":["`) {
		t.Fatalf("the demo tenant lacks something: %s", before)
	}

	base, err := snaps.Create(ctx, demo.TenantID, "base")
	if err != nil {
		t.Fatal(err)
	}
	if base.Size <= 0 || base.Rows < 50 || base.Schema < 15 || !base.CreatedAt.Equal(snapshotNow) {
		t.Errorf("snapshot %+v", base)
	}
	for _, c := range []struct {
		tenant, name string
		kind         aiccd.Kind
	}{
		{demo.TenantID, "base", aiccd.KindConflict},
		{demo.TenantID, "", aiccd.KindInvalid},
		{demo.TenantID, "a/b", aiccd.KindInvalid},
		{demo.TenantID, strings.Repeat("n", snapshot.MaxNameLength+1), aiccd.KindInvalid},
		{"no-such-tenant", "base", aiccd.KindNotFound},
	} {
		if _, err := snaps.Create(ctx, c.tenant, c.name); aiccd.KindOf(err) != c.kind {
			t.Errorf("Create(%q, %q) = %v, want %s", c.tenant, c.name, err, c.kind)
		}
	}
	list, err := snaps.List(ctx, demo.TenantID)
	if err != nil || len(list) != 1 || list[0].Name != "base" || list[0].Size != base.Size || list[0].Rows != base.Rows || list[0].Data != nil {
		t.Fatalf("List = %+v, %v", list, err)
	}

	// Change every kind of row the tenant owns.
	if _, err := svc.Tenants.Update(ctx, demo.TenantID, tenant.Patch{Name: str("changed")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Credentials.CreateAppKey(ctx, demo.TenantID, "extra"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Credentials.RevokeMallTokens(ctx, demo.TenantID, ""); err != nil {
		t.Fatal(err)
	}
	routes, err := db.AccessCodes.SearchRoutes(ctx, demo.TenantID, accesscode.RouteFilter{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routes.Items {
		if err := db.AccessCodes.DeleteRoute(ctx, demo.TenantID, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.AccessCodes.Delete(ctx, demo.TenantID, demo.PageAccessCodeID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AccessCodes.Add(ctx, demo.TenantID, accesscode.Draft{Code: "7700001", MediaType: 5, CallAttr: 1, Description: str("hotline added later")}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SmartCare.DeleteScene(ctx, demo.TenantID, demo.ComplaintScene); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SmartCare.IngestNDJSON(ctx, demo.TenantID, strings.NewReader(`{"msisdn":"`+demo.FaultyMSISDN+`","eventTime":"2024-07-19 10:00:00","ccmSceneCode":"SMS","LAC_TAC":"1"}`+"\n")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{ruleID, keyRuleID} {
		if err := db.Faults.DeleteFault(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if after := tenantState(t, db, demo.TenantID); after == before {
		t.Fatal("the changes changed nothing the state shows")
	}

	restored, err := snaps.Restore(ctx, demo.TenantID, "base")
	if err != nil {
		t.Fatal(err)
	}
	if restored.Name != "base" || restored.Rows != base.Rows {
		t.Errorf("Restore = %+v", restored)
	}
	if got := tenantState(t, db, demo.TenantID); got != before {
		t.Errorf("restored state\n%s\nwant\n%s", got, before)
	}
	if got := tenantState(t, db, demo.TrialTenantID); got != trialBefore {
		t.Errorf("another tenant changed by the restore:\n%s\nwant\n%s", got, trialBefore)
	}
	// Restoring twice in a row is the same state.
	if _, err := snaps.Restore(ctx, demo.TenantID, "base"); err != nil {
		t.Fatal(err)
	}
	if got := tenantState(t, db, demo.TenantID); got != before {
		t.Errorf("state after a second restore\n%s\nwant\n%s", got, before)
	}
	// The rows restored are writable as before: the page's access code
	// can be deleted again and found by its code.
	if _, err := svc.AccessCodes.Update(ctx, demo.TenantID, demo.PageAccessCodeID, accesscode.Patch{Description: str("after restore")}); err != nil {
		t.Fatalf("update a restored access code: %v", err)
	}
	if _, err := snaps.Restore(ctx, demo.TenantID, "nothing"); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Errorf("Restore of an unknown snapshot = %v", err)
	}

	t.Run("count bound", func(t *testing.T) {
		for i := 1; i < snapshot.MaxPerTenant; i++ {
			if _, err := snaps.Create(ctx, demo.TenantID, fmt.Sprintf("s%02d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := snaps.Create(ctx, demo.TenantID, "one-more"); aiccd.KindOf(err) != aiccd.KindConflict {
			t.Errorf("snapshot %d: %v, want a conflict", snapshot.MaxPerTenant+1, err)
		}
		for i := 1; i < snapshot.MaxPerTenant; i++ {
			if err := snaps.Delete(ctx, demo.TenantID, fmt.Sprintf("s%02d", i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := snaps.Delete(ctx, demo.TenantID, "s01"); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Errorf("second Delete = %v", err)
		}
	})

	t.Run("readers see one state or the other", func(t *testing.T) {
		if _, err := snaps.Restore(ctx, demo.TenantID, "base"); err != nil {
			t.Fatal(err)
		}
		a, err := db.Snapshots.Capture(ctx, demo.TenantID, snapshot.MaxRows, snapshot.MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			if _, err := svc.AccessCodes.Add(ctx, demo.TenantID, accesscode.Draft{Code: fmt.Sprintf("88%05d", i), MediaType: 5, CallAttr: 1}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := snaps.Create(ctx, demo.TenantID, "bigger"); err != nil {
			t.Fatal(err)
		}
		b, err := db.Snapshots.Capture(ctx, demo.TenantID, snapshot.MaxRows, snapshot.MaxBytes)
		if err != nil {
			t.Fatal(err)
		}
		// Each restore deletes every row and inserts the other state's:
		// a reader that saw any other count saw it half done.
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var seen [2]int
		var bad []int64
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := db.Snapshots.Capture(ctx, demo.TenantID, snapshot.MaxRows, snapshot.MaxBytes)
				switch {
				case err != nil:
					bad = append(bad, -1)
				case c.Rows == a.Rows:
					seen[0]++
				case c.Rows == b.Rows:
					seen[1]++
				default:
					bad = append(bad, c.Rows)
				}
			}
		})
		for i := range 20 {
			name := "base"
			if i%2 == 1 {
				name = "bigger"
			}
			if _, err := snaps.Restore(ctx, demo.TenantID, name); err != nil {
				t.Error(err)
			}
		}
		close(stop)
		wg.Wait()
		if len(bad) > 0 {
			t.Errorf("a reader saw %d rows (or failed: -1) %d times; the states have %d and %d", bad[0], len(bad), a.Rows, b.Rows)
		}
		if seen[0]+seen[1] == 0 {
			t.Error("the reader read nothing")
		}
		if err := snaps.Delete(ctx, demo.TenantID, "bigger"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("delete tenant", func(t *testing.T) {
		if _, err := snaps.Restore(ctx, demo.TenantID, "base"); err != nil {
			t.Fatal(err)
		}
		if err := snaps.DeleteTenant(ctx, demo.TenantID); err != nil {
			t.Fatal(err)
		}
		fs, err := db.Faults.Faults(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.ID == ruleID || f.ID == keyRuleID {
				t.Errorf("fault rule %+v of the deleted tenant is left", f)
			}
		}
		// Engines answer nothing as null or as [] alike.
		gone := strings.ReplaceAll(tenantState(t, db, demo.TenantID), "[]", "null")
		for _, want := range []string{`"Missing":["tenant"`, `"AppKeys":null`, `"MallTokens":null`, `"Codes":{"Total":0`,
			`"Routes":{"Total":0`, `"Scenes":null`, `"Rules":null`, `"Records":null`, `"Faults":null`, `"Resources":null`} {
			if !strings.Contains(gone, want) {
				t.Errorf("deleted tenant's state lacks %s:\n%s", want, gone)
			}
		}
		if _, err := snaps.List(ctx, demo.TenantID); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Errorf("List of a deleted tenant = %v", err)
		}
		if err := snaps.DeleteTenant(ctx, demo.TenantID); aiccd.KindOf(err) != aiccd.KindNotFound {
			t.Errorf("second DeleteTenant = %v", err)
		}
		if got := tenantState(t, db, demo.TrialTenantID); got != trialBefore {
			t.Errorf("another tenant changed by the deletion:\n%s\nwant\n%s", got, trialBefore)
		}
		// Nothing is left to clash with: the demo loads again whole.
		if err := demo.Load(ctx, svc, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatalf("load the demo again: %v", err)
		}
		if _, err := snaps.Create(ctx, demo.TenantID, "base"); err != nil {
			t.Fatalf("snapshot of the tenant created again: %v", err)
		}
	})
}
