package partner_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/partner"
)

// benchSize is the size of the benchmark directory: 10,000 customers, or
// 1,000,000 with AICCD_BENCH_LARGE=1.
func benchSize() int {
	if os.Getenv("AICCD_BENCH_LARGE") == "1" {
		return 1_000_000
	}
	return 10_000
}

// fillDirectory adds n customers to partner p1 through Prepare and Import:
// bench-0000001 … with bench0000001@example.com …, every third with a
// mobile number of its own (0086-10000000001 …).
func fillDirectory(tb testing.TB, s *partner.Service, n int) {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	batch := make([]partner.Record, 0, 5000)
	for i := 1; i <= n; i++ {
		c := partner.NewCustomer{Name: fmt.Sprintf("bench-%07d", i), Email: fmt.Sprintf("bench%07d@example.com", i)}
		if i%3 == 0 {
			c.Mobile = fmt.Sprintf("0086-1%010d", i)
		}
		r, err := s.Prepare("p1", c)
		if err != nil {
			tb.Fatal(err)
		}
		if batch = append(batch, r); len(batch) == cap(batch) || i == n {
			if err := s.Import(ctx, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	tb.Logf("%d customers imported in %s", n, time.Since(start).Round(time.Millisecond))
}

type benchQuery struct{ typ, value string }

// benchQueries mixes hits and misses of every search type, on customers
// spread over the whole directory.
func benchQueries(n int) []benchQuery {
	rng := rand.New(rand.NewPCG(1, 2))
	qs := make([]benchQuery, 0, 6000)
	for range 1000 {
		i := 1 + rng.IntN(n)
		m := 3 * (1 + rng.IntN(n/3))
		qs = append(qs,
			benchQuery{"name", fmt.Sprintf("bench-%07d", i)},
			benchQuery{"name", fmt.Sprintf("free-%07d", i)},
			benchQuery{"email", fmt.Sprintf("bench%07d@example.com", i)},
			benchQuery{"email", fmt.Sprintf("free%07d@example.com", i)},
			benchQuery{"mobile", fmt.Sprintf("0086-1%010d", m)},
			benchQuery{"mobile", fmt.Sprintf("0086-2%010d", m)},
		)
	}
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}

// BenchmarkCheck is a registration check in-process, one at a time, on a
// directory of benchSize customers: one normalisation, one keyed digest
// for e-mail addresses and mobile numbers, one indexed lookup (two for a
// name no customer has: the names of accounts and IAM users too). It
// reports the median and 99th percentile latency.
//
//	AICCD_BENCH_LARGE=1 go test -run XXX -bench BenchmarkCheck -benchtime 20000x -timeout 1h ./partner
func BenchmarkCheck(b *testing.B) {
	ctx := context.Background()
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		// The directory belongs to the parent, which runs once.
		s, _ := newService(b, engine.dsn(b))
		n := benchSize()
		fillDirectory(b, s, n)
		queries := benchQueries(n)
		b.Run(fmt.Sprintf("%s/%d", engine.name, n), func(b *testing.B) {
			lat := make([]time.Duration, 0, 1<<16)
			i := 0
			for b.Loop() {
				q := queries[i%len(queries)]
				i++
				t0 := time.Now()
				if _, err := s.Check(ctx, q.typ, q.value); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
		})
	}
}
