package httpapi

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/partner"
)

// loadConnections is how many keep-alive connections the load benchmark
// keeps busy.
const loadConnections = 32

// BenchmarkCheckUserHTTP is the load figure of check-user: loadConnections
// clients, each on its own keep-alive connection, send the page's request
// with an IAM token to a listening server whose directory holds 10,000
// customers, or 1,000,000 with AICCD_BENCH_LARGE=1. Clients and server
// share the machine.
//
//	AICCD_BENCH_LARGE=1 go test -run XXX -bench BenchmarkCheckUserHTTP -benchtime 20s -timeout 1h ./httpapi
func BenchmarkCheckUserHTTP(b *testing.B) {
	n := 10_000
	if os.Getenv("AICCD_BENCH_LARGE") == "1" {
		n = 1_000_000
	}
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		// The server belongs to the parent, which runs once.
		e := newEnv(b, engine.dsn(b))
		e.follow() // the IAM token verified from memory, as aiccd serve does
		start := time.Now()
		fillBenchDirectory(b, e.customers, n)
		b.Logf("%s: %d customers imported in %s", engine.name, n, time.Since(start).Round(time.Millisecond))
		token := e.iamToken()
		ts := httptest.NewServer(e.srv)
		b.Cleanup(ts.Close)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadConnections, MaxConnsPerHost: loadConnections}}
		bodies := benchBodies(n)

		b.Run(fmt.Sprintf("%s/%d/%dconns", engine.name, n, loadConnections), func(b *testing.B) {
			b.SetParallelism((loadConnections + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					body := bodies[int(next.Add(1))%len(bodies)]
					req, _ := http.NewRequest("POST", ts.URL+checkUserPath, strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Auth-Token", token)
					resp, err := client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Fatalf("status %d", resp.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// fillBenchDirectory adds n customers to the demo partner: bench-0000001 …
// with bench0000001@example.com …, every third with a mobile number of
// its own.
func fillBenchDirectory(tb testing.TB, s *partner.Service, n int) {
	ctx := context.Background()
	batch := make([]partner.Record, 0, 5000)
	for i := 1; i <= n; i++ {
		c := partner.NewCustomer{Name: fmt.Sprintf("bench-%07d", i), Email: fmt.Sprintf("bench%07d@example.com", i)}
		if i%3 == 0 {
			c.Mobile = fmt.Sprintf("0086-1%010d", i)
		}
		r, err := s.Prepare(demo.PartnerID, c)
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
}

// benchBodies are check-user requests mixing hits and misses of every
// search type.
func benchBodies(n int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	var out []string
	for range 500 {
		i := 1 + rng.IntN(n)
		for _, q := range [][2]string{
			{"name", fmt.Sprintf("bench-%07d", i)},
			{"name", fmt.Sprintf("free-%07d", i)},
			{"email", fmt.Sprintf("bench%07d@example.com", i)},
			{"mobile", fmt.Sprintf("0086-1%010d", 3*(1+rng.IntN(n/3)))},
			{"mobile", fmt.Sprintf("0086-2%010d", i)},
		} {
			out = append(out, fmt.Sprintf(`{"searchType":%q,"searchKey":%q}`, q[0], q[1]))
		}
	}
	return out
}
