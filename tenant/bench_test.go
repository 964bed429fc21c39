package tenant_test

import (
	"context"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/tenant"
)

// BenchmarkCheckInService is the check every authenticated request of the
// vendor APIs makes, of a tenant with a profile, on each engine, from 2
// goroutines: from the store (a service that follows no change feed, as
// admin commands) and from the tenants' read model (following it, as
// aiccd serve).
//
//	go test -run XXX -bench BenchmarkCheckInService -benchtime 2s ./tenant
func BenchmarkCheckInService(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		db := dbtest.Open(b, engine.dsn(b))
		c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
		if _, err := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c, Keys: testKey}).CreateFrom(ctx, tenant.Draft{ID: "acme", Profile: huawei}); err != nil {
			b.Fatal(err)
		}
		for _, from := range []struct {
			name string
			svc  *tenant.Service
		}{
			{"store", tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c, Keys: testKey})},
			{"read model", tenant.NewService(tenant.Options{Store: db.Tenants, Clock: c, Keys: testKey, Feed: dbtest.Follow(b, db)})},
		} {
			b.Run(engine.name+"/"+from.name, func(b *testing.B) {
				svc := from.svc
				// Open the pool's connections before timing.
				for range 100 {
					if err := svc.CheckInService(ctx, "acme"); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := svc.CheckInService(ctx, "acme"); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}
