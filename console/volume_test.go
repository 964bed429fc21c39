package console_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/accesscode/accesscodetest"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/tenant"
)

// BenchmarkConsoleAtVolume measures every console page on a tenant of
// 1,000,000 access codes and 10,000,000 SmartCare records (five days of
// them, 100,000 rules), written through the stores' bulk paths
// (accesscode.Service.CreateBatch, smartcare.Service.AppendRecords and
// CreateRules), on each engine. It runs only with AICCD_BENCH_LARGE=1;
// AICCD_BENCH_CODES and AICCD_BENCH_RECORDS change the volume:
//
//	AICCD_BENCH_LARGE=1 go test ./console -run '^$' -bench 'ConsoleAtVolume/sqlite' -benchtime 1x -timeout 2h
//
// Each page is asked for 50 times over loopback HTTP, signed in (the
// whole round trip, an upper bound of the server's time); the log has
// each page's median and worst time.
func BenchmarkConsoleAtVolume(b *testing.B) {
	if os.Getenv("AICCD_BENCH_LARGE") != "1" {
		b.Skip("set AICCD_BENCH_LARGE=1 to build a tenant of a million access codes and ten million SmartCare records")
	}
	codes, records := envInt("AICCD_BENCH_CODES", 1_000_000), envInt("AICCD_BENCH_RECORDS", 10_000_000)
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		b.Run(engine.name, func(b *testing.B) { benchAtVolume(b, engine.dsn(b), codes, records) })
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

const volumeTenant = "load"

func benchAtVolume(b *testing.B, dsn string, codes, records int) {
	ctx := context.Background()
	db := dbtest.Open(b, dsn)
	ids, err := snowflake.New(3, aiccd.SystemClock)
	if err != nil {
		b.Fatal(err)
	}
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: aiccd.SystemClock})
	if _, err := tenants.Create(ctx, volumeTenant, "load test"); err != nil {
		b.Fatal(err)
	}

	t0 := time.Now()
	acs := accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: aiccd.SystemClock, IDs: ids})
	batch := make([]accesscode.AccessCode, 0, 100_000)
	for d := range accesscodetest.Drafts(2026, codes) {
		a, err := acs.Prepare(volumeTenant, d)
		if err != nil {
			b.Fatal(err)
		}
		if batch = append(batch, a); len(batch) == cap(batch) {
			if err := acs.CreateBatch(ctx, volumeTenant, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := acs.CreateBatch(ctx, volumeTenant, batch); err != nil {
		b.Fatal(err)
	}
	if err := acs.Maintain(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d access codes in %s", codes, time.Since(t0).Round(time.Second))

	t0 = time.Now()
	end := time.Now().Truncate(time.Hour)
	start := end.Add(-5 * 24 * time.Hour)
	sc := smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: aiccd.SystemClock, IDs: ids})
	keep := 0
	if _, err := sc.UpdateSettings(ctx, volumeTenant, smartcare.SettingsPatch{RetentionDays: &keep}); err != nil {
		b.Fatal(err)
	}
	feed := demo.NewFeed(demo.FeedOptions{Seed: 2026, Records: records, Start: start, Span: end.Sub(start), Faults: 60, HistoryRules: 100_000 - 60})
	for _, s := range feed.Scenes() {
		if _, err := sc.CreateScene(ctx, volumeTenant, s); err != nil {
			b.Fatal(err)
		}
	}
	recs := make([]smartcare.Record, 0, smartcare.IngestBatchSize)
	for r := range feed.Records() {
		if recs = append(recs, r); len(recs) == cap(recs) {
			if err := sc.AppendRecords(ctx, volumeTenant, recs); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	if err := sc.AppendRecords(ctx, volumeTenant, recs); err != nil {
		b.Fatal(err)
	}
	var rules []smartcare.FaultRule
	for in := range feed.Rules() {
		r, err := sc.NewRule(volumeTenant, in)
		if err != nil {
			b.Fatal(err)
		}
		if rules = append(rules, r); len(rules) == 10_000 {
			if err := sc.CreateRules(ctx, volumeTenant, rules); err != nil {
				b.Fatal(err)
			}
			rules = rules[:0]
		}
	}
	if err := sc.CreateRules(ctx, volumeTenant, rules); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d SmartCare records and 100,000 rules in %s", records, time.Since(t0).Round(time.Second))

	srv := startServer(b, dsn)
	c := newClient(b, srv.URL)
	c.signIn("vic")
	msisdn := feed.MSISDNs()[len(feed.MSISDNs())/2]
	fault := end.Add(-36 * time.Hour).UnixMilli()
	explorer := "/console/tenants/load/smartcare?" + url.Values{"msisdn": {msisdn}, "faultTime": {strconv.FormatInt(fault, 10)},
		"complaintScene": {"3"}, "backtraceDuration": {"86400"}}.Encode()
	pages := []struct{ name, path string }{
		{"overview", "/console/"},
		{"tenants", "/console/tenants"},
		{"tenants-search", "/console/tenants?q=loa"},
		{"tenant", "/console/tenants/load"},
		{"accesscodes", "/console/tenants/load/accesscodes"},
		{"accesscodes-late-page", "/console/tenants/load/accesscodes?after=10990000"},
		{"accesscodes-code", "/console/tenants/load/accesscodes?code=4217"},
		{"accesscodes-description", "/console/tenants/load/accesscodes?description=store+4217"},
		{"accesscodes-common-word", "/console/tenants/load/accesscodes?description=hotline"},
		{"accesscodes-media", "/console/tenants/load/accesscodes?media=53"},
		{"smartcare-explorer", explorer},
		{"smartcare-rules", "/console/tenants/load/smartcare/rules"},
		{"smartcare-rules-scene", "/console/tenants/load/smartcare/rules?scene_code=SMS"},
		{"smartcare-settings", "/console/tenants/load/smartcare/settings"},
		{"accounts", "/console/accounts"},
		{"partners", "/console/partners"},
		{"journal", "/console/journal"},
		{"faults", "/console/faults"},
		{"audit", "/console/audit"},
	}
	b.ResetTimer()
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			var times []time.Duration
			for range 50 {
				t0 := time.Now()
				res, body := c.do("GET", p.path, nil, nil)
				times = append(times, time.Since(t0))
				if res.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %d\n%s", p.path, res.StatusCode, body)
				}
			}
			for b.Loop() {
				c.do("GET", p.path, nil, nil)
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "max-ms")
			b.Logf("%-26s p50 %7.2f ms  max %7.2f ms", p.name,
				float64(times[len(times)/2].Microseconds())/1000, float64(times[len(times)-1].Microseconds())/1000)
		})
	}
}
