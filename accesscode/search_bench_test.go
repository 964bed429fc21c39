package accesscode_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/accesscode/accesscodetest"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/tenant"
)

// largeRows is the size of the large tenant: AICCD_BENCH_ROWS, or a
// million.
func largeRows() int {
	if n, err := strconv.Atoi(os.Getenv("AICCD_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkQueryLargeTenant measures queryAccessCodeList's searches on a
// tenant with a million access codes (beside a small tenant), on both
// engines, and reports the median and 99th percentile latency of each.
// It runs only with AICCD_BENCH_LARGE=1:
//
//	AICCD_BENCH_LARGE=1 go test ./accesscode -run '^$' -bench QueryLargeTenant -benchtime 2000x -timeout 60m
func BenchmarkQueryLargeTenant(b *testing.B) {
	if os.Getenv("AICCD_BENCH_LARGE") != "1" {
		b.Skip("set AICCD_BENCH_LARGE=1 to load a million access codes")
	}
	cases := []struct {
		name string
		q    accesscode.Query
	}{
		{"description rare phrase", query(accesscode.Filter{Description: "store 4217"}, 10, 0)},
		{"description city and department", query(accesscode.Filter{Description: "Hangzhou Billing"}, 10, 0)},
		{"description chinese phrase", query(accesscode.Filter{Description: "杭州 账单"}, 10, 0)},
		{"description chinese phrase page 11", query(accesscode.Filter{Description: "杭州 账单"}, 10, 100)},
		{"description case-insensitive", query(accesscode.Filter{Description: "HANGZHOU billing HOTLINE"}, 10, 0)},
		{"description and media type", query(accesscode.Filter{Description: "Hangzhou Billing", MediaType: 19}, 10, 0)},
		{"description chinese word 2 chars", query(accesscode.Filter{Description: "杭州"}, 10, 0)},
		{"description common word", query(accesscode.Filter{Description: "hotline"}, 10, 0)},
		{"description absent word", query(accesscode.Filter{Description: "no such words"}, 10, 0)},
		{"access code 7 digits", query(accesscode.Filter{AccessCode: "1234567"}, 10, 0)},
		{"access code 4 digits", query(accesscode.Filter{AccessCode: "4217"}, 10, 0)},
		{"access code 32 digits", query(accesscode.Filter{AccessCode: "12345678901234567890123456789012"}, 10, 0)},
		{"no filter limit 100", query(accesscode.Filter{}, 100, 0)},
		{"media type only offset 100", query(accesscode.Filter{MediaType: 18}, 100, 100)},
	}
	for _, engine := range []database.Engine{database.SQLite, database.Postgres} {
		dsn := dbtest.SQLiteURL(b)
		if engine == database.Postgres {
			dsn = dbtest.PostgresURL(b)
		}
		svc := loadLargeTenant(b, dsn, largeRows())
		for _, c := range cases {
			b.Run(string(engine)+"/"+c.name, func(b *testing.B) {
				ctx := context.Background()
				page, err := svc.Query(ctx, "big", c.q)
				if err != nil {
					b.Fatal(err)
				}
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for b.Loop() {
					start := time.Now()
					if _, err := svc.Query(ctx, "big", c.q); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
				}
				slices.Sort(lat)
				b.ReportMetric(float64(page.Total), "matches")
				b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
				b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			})
		}
	}
}

func query(f accesscode.Filter, limit, offset int) accesscode.Query {
	return accesscode.Query{Filter: f, Limit: limit, Offset: offset}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loadLargeTenant fills tenant "big" with n synthetic access codes and
// tenant "small" with a thousand, through the service's batch path.
func loadLargeTenant(b *testing.B, dsn string, n int) *accesscode.Service {
	b.Helper()
	ctx := context.Background()
	db := dbtest.Open(b, dsn)
	clock := aiccd.SystemClock
	ids, _ := snowflake.New(1, clock)
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock})
	svc := accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: ids})
	start := time.Now()
	for id, size := range map[string]int{"big": n, "small": 1000} {
		if _, err := tenants.Create(ctx, id, id); err != nil {
			b.Fatal(err)
		}
		batch := make([]accesscode.AccessCode, 0, 100000)
		flush := func() {
			if err := svc.CreateBatch(ctx, id, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
		for d := range accesscodetest.Drafts(uint64(len(id)), size) {
			a, err := svc.Prepare(id, d)
			if err != nil {
				b.Fatal(err)
			}
			if batch = append(batch, a); len(batch) == cap(batch) {
				flush()
			}
		}
		flush()
	}
	if err := svc.Maintain(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: loaded %d access codes in %s", db.Engine, n+1000, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(os.Stderr, "%s: loaded %d access codes in %s\n", db.Engine, n+1000, time.Since(start).Round(time.Millisecond))
	return svc
}
