package demo_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

type counter struct{ n int64 }

// newServices builds every service the demo dataset is loaded through.
func newServices(db *database.DB, clock aiccd.Clock) demo.Services {
	key, _ := masterkey.New(bytes.Repeat([]byte{1}, masterkey.Size))
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock, Keys: key, IDs: &counter{}, Demo: true, FrozenTrial: demo.TrialTenantID})
	creds := credential.NewService(credential.Options{Store: db.Credentials, Clock: clock, Sealer: key})
	return demo.Services{
		Tenants:     tenants,
		Credentials: creds,
		Customers: partner.NewService(partner.Options{Store: db.Customers, Accounts: creds, Clock: clock, Sealer: key, Blinder: key,
			MobileLimit: partner.DefaultMobileLimit}),
		SmartCare:   smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: clock, IDs: &counter{}}),
		AccessCodes: accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: &counter{}}),
	}
}

func (c *counter) NextID() int64 { c.n++; return c.n }

// TestLoadIsIdempotentAndKeepsChanges loads the demo dataset on a
// database where the demo tenants exist with a name only (as earlier
// versions left them), loads it again after an integrator's change, and
// checks that the change stays and nothing is duplicated.
func TestLoadIsIdempotentAndKeepsChanges(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := dbtest.Open(t, dsn)
		clock := aiccd.ClockFunc(func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) })
		svc := newServices(db, clock)
		log := slog.New(slog.DiscardHandler)
		if _, err := svc.Tenants.Create(ctx, demo.TrialTenantID, "Demo trial tenant"); err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, svc, log); err != nil {
			t.Fatal(err)
		}
		trial, err := svc.Tenants.Get(ctx, demo.TrialTenantID)
		if err != nil || trial.Kind != tenant.KindTrial || trial.Status != tenant.StatusTrial ||
			!trial.TrialExpiresAt.Equal(demo.TrialExpires) || trial.Profile.Mobile != "13212347077" {
			t.Fatalf("demo trial: %+v %+v, %v", trial, trial.Profile, err)
		}

		email, vdn := "ops@integrator.example", "151"
		if _, err := svc.Tenants.Update(ctx, demo.TenantID, tenant.Patch{Email: &email, VDN: &vdn}); err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, svc, log); err != nil {
			t.Fatal(err)
		}
		got, _ := svc.Tenants.Get(ctx, demo.TenantID)
		if got.Profile.Email != email || got.VDN != vdn || got.Profile.Company != "Huawei Tech Corp" || !got.CreatedAt.Equal(demo.Created) {
			t.Fatalf("after a second load: %+v %+v", got, got.Profile)
		}
		rs, total, err := svc.Tenants.Resources(ctx, demo.TenantID, tenant.ResourceQuery{})
		if err != nil || total != 2 || len(rs) != 2 {
			t.Fatalf("resources after two loads: %d, %v", total, err)
		}
	})
}

// TestLapsedTenantsAreLoadedOutOfService loads the tenants an integrator's
// refusal paths need, each in its state with its credentials, and keeps
// an integrator's change to one of them on a second load.
func TestLapsedTenantsAreLoadedOutOfService(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := dbtest.Open(t, dsn)
		clock := aiccd.ClockFunc(func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) })
		svc := newServices(db, clock)
		log := slog.New(slog.DiscardHandler)
		if err := demo.Load(ctx, svc, log); err != nil {
			t.Fatal(err)
		}
		want := map[string]tenant.SpaceStatus{
			"demo-suspended": tenant.StatusSuspended, "demo-released": tenant.StatusReleased, "demo-trial-expired": tenant.StatusTrialExpired,
		}
		if len(demo.LapsedTenants) != len(want) {
			t.Fatalf("%d lapsed tenants, want %d", len(demo.LapsedTenants), len(want))
		}
		for _, l := range demo.LapsedTenants {
			got, err := svc.Tenants.Get(ctx, l.TenantID)
			if err != nil || got.Status != want[l.TenantID] {
				t.Fatalf("%s: %+v, %v", l.TenantID, got, err)
			}
			if err := svc.Tenants.CheckInService(ctx, l.TenantID); aiccd.CodeOf(err) != tenant.CodeNotInService {
				t.Fatalf("%s is in service: %v", l.TenantID, err)
			}
			if id, err := svc.Credentials.VerifyMallToken(ctx, l.MallToken); err != nil || id != l.TenantID {
				t.Fatalf("%s's mall token: %q, %v", l.TenantID, id, err)
			}
			if keys, err := svc.Credentials.AppKeys(ctx, l.TenantID); err != nil || len(keys) != 1 || keys[0].Key != l.AppKey {
				t.Fatalf("%s's app keys: %+v, %v", l.TenantID, keys, err)
			}
		}
		// An integrator reactivates one; the next load leaves it so.
		active := tenant.StatusActive
		if _, err := svc.Tenants.Update(ctx, "demo-suspended", tenant.Patch{Status: &active}); err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, svc, log); err != nil {
			t.Fatal(err)
		}
		if err := svc.Tenants.CheckInService(ctx, "demo-suspended"); err != nil {
			t.Fatalf("the reactivated tenant after a second load: %v", err)
		}
	})
}
