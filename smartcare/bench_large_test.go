package smartcare_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

// BenchmarkLarge measures SmartCare at the volume of the issue: one
// tenant with 10,000,000 records (two million a day over five days) and
// 100,000 rules, on each engine. It is skipped unless AICCD_BENCH_LARGE=1:
//
//	AICCD_BENCH_LARGE=1 go test ./smartcare/ -run '^$' -bench 'Large/sqlite' -benchtime 1x -timeout 2h
//	AICCD_BENCH_LARGE=1 go test ./smartcare/ -run '^$' -bench 'Large/postgres' -benchtime 1x -timeout 2h
//
// Each engine's database is built once (the ingest figure) and then
// measured by the sub-benchmarks ingest, rules, query, query-parallel and
// retention; -bench 'Large/sqlite/query' runs one of them (after the
// build). AICCD_BENCH_RECORDS overrides the record count for a quick run.
func BenchmarkLarge(b *testing.B) {
	if os.Getenv("AICCD_BENCH_LARGE") != "1" {
		b.Skip("set AICCD_BENCH_LARGE=1 to run the 10,000,000-record benchmarks")
	}
	records := 10_000_000
	if n, err := strconv.Atoi(os.Getenv("AICCD_BENCH_RECORDS")); err == nil && n > 0 {
		records = n
	}
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		b.Run(engine.name, func(b *testing.B) { benchLarge(b, engine.dsn(b), records) })
	}
}

const benchTenant = "load"

// largeSet is the data set of BenchmarkLarge and what building it took.
type largeSet struct {
	feed        *demo.Feed
	svc         *smartcare.Service
	db          *database.DB
	clock       *testClock
	ingest      time.Duration // writing only
	ingestWall  time.Duration // generating and writing
	rulesTime   time.Duration
	ruleCount   int
	start, end  time.Time
	subscribers []string
	firstDay    int // records of the first day, which retention deletes
}

func benchLarge(b *testing.B, dsn string, records int) {
	ctx := context.Background()
	db := dbtest.Open(b, dsn)
	start := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	span := 5 * 24 * time.Hour
	clock := &testClock{t: start.Add(span)}
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: clock})
	svc := smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenants, Clock: clock, IDs: &counter{}})
	if _, err := tenants.Create(ctx, benchTenant, "load test"); err != nil {
		b.Fatal(err)
	}
	keep := 0
	if _, err := svc.UpdateSettings(ctx, benchTenant, smartcare.SettingsPatch{RetentionDays: &keep}); err != nil {
		b.Fatal(err)
	}
	feed := demo.NewFeed(demo.FeedOptions{Seed: 2026, Records: records, Start: start, Span: span, Faults: 60, HistoryRules: 100_000 - 60})
	for _, sc := range feed.Scenes() {
		if _, err := svc.CreateScene(ctx, benchTenant, sc); err != nil {
			b.Fatal(err)
		}
	}
	set := &largeSet{feed: feed, svc: svc, db: db, clock: clock, start: start, end: start.Add(span), subscribers: feed.MSISDNs()}

	// Ingest: the records are generated a batch at a time, and only the
	// writes are timed, so that the figure is the service's and the
	// store's, not the generator's (which would share the two cores).
	var writing time.Duration
	batch := make([]smartcare.Record, 0, smartcare.IngestBatchSize)
	done, lastDone, lastWriting := 0, 0, time.Duration(0)
	t0 := time.Now()
	write := func() {
		w0 := time.Now()
		if err := svc.AppendRecords(ctx, benchTenant, batch); err != nil {
			b.Fatal(err)
		}
		writing += time.Since(w0)
		done += len(batch)
		batch = batch[:0]
		if done-lastDone >= 1_000_000 {
			b.Logf("%d records: %.0f records/s over the last million", done, float64(done-lastDone)/(writing-lastWriting).Seconds())
			lastDone, lastWriting = done, writing
		}
	}
	for r := range feed.Records() {
		if r.EventTime.Before(start.Add(24 * time.Hour)) {
			set.firstDay++
		}
		batch = append(batch, r)
		if len(batch) == smartcare.IngestBatchSize {
			write()
		}
	}
	write()
	set.ingest, set.ingestWall = writing, time.Since(t0)

	t0 = time.Now()
	var rules []smartcare.FaultRule
	for in := range feed.Rules() {
		r, err := svc.NewRule(benchTenant, in)
		if err != nil {
			b.Fatal(err)
		}
		rules = append(rules, r)
		if len(rules) == 10000 {
			if err := svc.CreateRules(ctx, benchTenant, rules); err != nil {
				b.Fatal(err)
			}
			set.ruleCount += len(rules)
			rules = rules[:0]
		}
	}
	if err := svc.CreateRules(ctx, benchTenant, rules); err != nil {
		b.Fatal(err)
	}
	set.ruleCount += len(rules)
	set.rulesTime = time.Since(t0)

	b.Run("ingest", func(b *testing.B) {
		b.ReportMetric(float64(records)/set.ingest.Seconds(), "records/s")
		b.ReportMetric(set.ingest.Seconds(), "s-writing")
		b.ReportMetric(set.ingestWall.Seconds(), "s-with-generation")
	})
	b.Run("rules", func(b *testing.B) {
		// The first query after a change loads the tenant's rules.
		t0 := time.Now()
		if _, err := svc.QueryFaultyUser(ctx, benchTenant, set.request(rand.New(rand.NewPCG(1, 1)))); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(set.ruleCount), "rules")
		b.ReportMetric(float64(set.ruleCount)/set.rulesTime.Seconds(), "rules/s")
		b.ReportMetric(float64(time.Since(t0).Milliseconds()), "ms-index-load")
	})
	b.Run("query", func(b *testing.B) { set.benchQueries(b, 1) })
	b.Run("query-parallel", func(b *testing.B) { set.benchQueries(b, 4) })
	b.Run("retention", func(b *testing.B) { set.benchRetention(b) })
}

// request makes a random complaint: a random subscriber (complaints do
// not follow activity), a fault time in the data set, scene 3 (every
// service), and the tenant's default backtrace, a day, or anything
// between.
func (s *largeSet) request(rng *rand.Rand) smartcare.FaultyUserRequest {
	fault := s.start.Add(time.Hour + time.Duration(rng.Int64N(int64(s.end.Sub(s.start)-time.Hour))))
	req := smartcare.FaultyUserRequest{
		MSISDN: s.subscribers[rng.IntN(len(s.subscribers))], FaultTime: strconv.FormatInt(fault.UnixMilli(), 10),
		ComplaintScene: "3", QueryFlag: "1",
	}
	switch rng.IntN(4) {
	case 0, 1:
	case 2:
		req.BacktraceDuration = "86400"
	default:
		req.BacktraceDuration = strconv.Itoa(60 + rng.IntN(86340))
	}
	return req
}

// latencies summarises per-query durations.
type latencies []time.Duration

func (l latencies) report(b *testing.B, prefix string) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	q := func(p float64) float64 {
		return float64(l[min(int(p*float64(len(l))), len(l)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), prefix+"p50-ms")
	b.ReportMetric(q(0.99), prefix+"p99-ms")
	b.ReportMetric(q(0.999), prefix+"p999-ms")
	b.ReportMetric(float64(l[len(l)-1].Microseconds())/1000, prefix+"max-ms")
}

// benchQueries runs b.N queries (at least 20,000) from clients
// goroutines and reports their latency percentiles and throughput.
func (s *largeSet) benchQueries(b *testing.B, clients int) {
	ctx := context.Background()
	n := max(b.N, 20000)
	// The first query after a change loads the rule index (see "rules").
	if _, err := s.svc.QueryFaultyUser(ctx, benchTenant, s.request(rand.New(rand.NewPCG(0, 0)))); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var all latencies
	var found int
	var wg sync.WaitGroup
	b.ResetTimer()
	t0 := time.Now()
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 99))
			own := make(latencies, 0, n/clients)
			hits := 0
			for range n / clients {
				req := s.request(rng)
				q0 := time.Now()
				res, err := s.svc.QueryFaultyUser(ctx, benchTenant, req)
				own = append(own, time.Since(q0))
				if err != nil {
					b.Error(err)
					return
				}
				if res.Found() {
					hits++
				}
			}
			mu.Lock()
			all, found = append(all, own...), found+hits
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "queries/s")
	b.ReportMetric(100*float64(found)/float64(len(all)), "%found")
	all.report(b, "")
}

// benchRetention lets the first day of the data set expire and measures
// how long retention takes to delete it while a client keeps querying the
// days that stay, and how long those queries take meanwhile.
func (s *largeSet) benchRetention(b *testing.B) {
	ctx := context.Background()
	days := 4
	if _, err := s.svc.UpdateSettings(ctx, benchTenant, smartcare.SettingsPatch{RetentionDays: &days}); err != nil {
		b.Fatal(err)
	}
	horizon := s.clock.Now().AddDate(0, 0, -days)
	done := make(chan struct{})
	var lat latencies
	var wg sync.WaitGroup
	wg.Go(func() {
		rng := rand.New(rand.NewPCG(5, 5))
		for {
			select {
			case <-done:
				return
			default:
			}
			req := s.request(rng)
			if ms, _ := strconv.ParseInt(req.FaultTime, 10, 64); time.UnixMilli(ms).Before(horizon) {
				continue
			}
			q0 := time.Now()
			if _, err := s.svc.QueryFaultyUser(ctx, benchTenant, req); err != nil {
				b.Error(err)
				return
			}
			lat = append(lat, time.Since(q0))
		}
	})
	b.ResetTimer()
	t0 := time.Now()
	rep, err := s.svc.RunRetention(ctx)
	elapsed := time.Since(t0)
	b.StopTimer()
	close(done)
	wg.Wait()
	if err != nil {
		b.Fatal(err)
	}
	// Whatever the engine reports, the first day must be gone.
	for _, m := range s.subscribers[:100] {
		recs, err := s.db.SmartCare.Records(ctx, benchTenant, m, s.start, s.start.Add(24*time.Hour-time.Millisecond), 10)
		if err != nil || len(recs) > 0 {
			b.Fatalf("after retention %s still has %d records of the expired day (%v)", m, len(recs), err)
		}
	}
	b.ReportMetric(elapsed.Seconds(), "s-retention")
	b.ReportMetric(float64(s.firstDay), "records-expired")
	b.ReportMetric(float64(rep.Records), "records-reported")
	b.ReportMetric(float64(len(lat)), "queries-meanwhile")
	lat.report(b, "during-")
}
