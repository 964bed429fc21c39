package snapshot_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snapshot"
	"github.com/aiccd/aiccd/tenant"
)

type ids struct{ n int64 }

func (g *ids) NextID() int64 { g.n++; return g.n }

// BenchmarkRestoreDemo restores the demo tenant (the --demo dataset: its
// profile, app key, mall token, resources, access codes and called routes,
// SmartCare settings, scene, rules and records) to its demo state, on each
// engine: through the store alone, and as the admin API does, waiting
// until the change feed this process follows has delivered the restore's
// changes. Target: under 100 ms.
//
//	go test -run XXX -bench BenchmarkRestoreDemo -benchtime 50x ./snapshot
func BenchmarkRestoreDemo(b *testing.B) {
	ctx := context.Background()
	// Within the retention of the demo's SmartCare records, so that they
	// are loaded and restored too.
	clock := aiccd.ClockFunc(func() time.Time { return time.Date(2024, 7, 18, 12, 0, 0, 0, time.UTC) })
	key, _ := masterkey.New(bytes.Repeat([]byte{5}, masterkey.Size))
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		db := dbtest.Open(b, engine.dsn(b))
		g := &ids{}
		tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock, Keys: key, IDs: g})
		creds := credential.NewService(credential.Options{Store: db.Credentials, Clock: clock, Sealer: key})
		if err := demo.Load(ctx, demo.Services{
			Tenants: tenants, Credentials: creds,
			Customers: partner.NewService(partner.Options{Store: db.Customers, Accounts: creds, Clock: clock, Sealer: key, Blinder: key,
				MobileLimit: partner.DefaultMobileLimit}),
			SmartCare:   smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: clock, IDs: g}),
			AccessCodes: accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: g}),
		}, slog.New(slog.DiscardHandler)); err != nil {
			b.Fatal(err)
		}
		s, err := snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: clock}).Create(ctx, demo.TenantID, "demo")
		if err != nil {
			b.Fatal(err)
		}
		for _, via := range []struct {
			name string
			svc  *snapshot.Service
		}{
			{"store", snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: clock})},
			{"served", snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: clock, Feed: dbtest.Follow(b, db)})},
		} {
			b.Run(engine.name+"/"+via.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := via.svc.Restore(ctx, demo.TenantID, "demo"); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(s.Rows), "rows")
				b.ReportMetric(float64(s.Size), "bytes")
			})
		}
	}
}
