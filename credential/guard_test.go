package credential

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
)

func TestMemoryGuardRateLimit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := aiccd.ClockFunc(func() time.Time { return now })
	g := NewMemoryGuard(clock, RateLimit{Rate: 1, Burst: 2}, 100)
	ctx := context.Background()
	for i, want := range []bool{true, true, false} {
		if ok, _ := g.Allow(ctx, "app:a"); ok != want {
			t.Fatalf("request %d: allowed %v, want %v", i, ok, want)
		}
	}
	if ok, _ := g.Allow(ctx, "app:b"); !ok {
		t.Fatal("one credential's bucket throttled another")
	}
	now = now.Add(time.Second)
	if ok, _ := g.Allow(ctx, "app:a"); !ok {
		t.Fatal("the bucket did not refill")
	}
	off := NewMemoryGuard(clock, RateLimit{}, 100)
	for range 1000 {
		if ok, _ := off.Allow(ctx, "x"); !ok {
			t.Fatal("a zero rate throttled")
		}
	}
}

func TestMemoryGuardStaysBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := NewMemoryGuard(aiccd.ClockFunc(func() time.Time { return now }), RateLimit{Rate: 1, Burst: 1}, 100)
	ctx := context.Background()
	for i := range 10_000 {
		key := fmt.Sprint("ak:", i)
		g.Fail(ctx, key)
		g.Allow(ctx, key)
	}
	if len(g.failures) > 100 || len(g.buckets) > 100 {
		t.Fatalf("%d failure entries, %d buckets; bound is 100", len(g.failures), len(g.buckets))
	}
}
