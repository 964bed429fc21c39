package smartcare_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
)

// benchEngines runs fn as a sub-benchmark per engine.
func benchEngines(b *testing.B, fn func(b *testing.B, dsn string)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, dbtest.SQLiteURL(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, dbtest.PostgresURL(b)) })
}

// BenchmarkAppendRecords measures ingest through the service, batches of
// IngestBatchSize already parsed: the store's share of an import.
func BenchmarkAppendRecords(b *testing.B) {
	benchEngines(b, func(b *testing.B, dsn string) {
		f := newFixture(b, dsn)
		ctx := context.Background()
		feed := demo.NewFeed(demo.FeedOptions{Seed: 9, Records: 200_000, Start: testNow.Add(-24 * time.Hour)})
		var recs []smartcare.Record
		for r := range feed.Records() {
			recs = append(recs, r)
		}
		b.ResetTimer()
		n := 0
		for b.Loop() {
			for i := 0; i < len(recs); i += smartcare.IngestBatchSize {
				if err := f.svc.AppendRecords(ctx, demo.TenantID, recs[i:min(i+smartcare.IngestBatchSize, len(recs))]); err != nil {
					b.Fatal(err)
				}
			}
			n += len(recs)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkQueryFaultyUser measures the page's example on the demo data:
// the fixed cost of a query (versions, records, correlation).
func BenchmarkQueryFaultyUser(b *testing.B) {
	benchEngines(b, func(b *testing.B, dsn string) {
		f := newFixture(b, dsn)
		ctx := context.Background()
		req := exampleRequest()
		for b.Loop() {
			if res, err := f.svc.QueryFaultyUser(ctx, demo.TenantID, req); err != nil || !res.Found() {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRecordFromJSON measures decoding one NDJSON record line.
func BenchmarkRecordFromJSON(b *testing.B) {
	f := newFixture(b, dbtest.SQLiteURL(b))
	p, err := f.svc.RecordParser(context.Background(), demo.TenantID)
	if err != nil {
		b.Fatal(err)
	}
	feed := demo.NewFeed(demo.FeedOptions{Seed: 1, Records: 1000, Start: testNow.Add(-time.Hour), Span: time.Hour})
	var lines [][]byte
	for r := range feed.Records() {
		lines = append(lines, smartcare.AppendRecordJSON(nil, r))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if _, err := p.FromJSON(lines[rng.IntN(len(lines))]); err != nil {
			b.Fatal(err)
		}
	}
}
