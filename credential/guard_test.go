package credential

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
)

func TestMemoryGuardRateLimit(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := aiccd.ClockFunc(func() time.Time { return now })
	g := NewMemoryGuard(clock, 100, nil)
	limit := RateLimit{Rate: 1, Burst: 2}
	ctx := context.Background()
	for i, want := range []bool{true, true, false} {
		if ok, _ := g.Allow(ctx, "app:a", limit); ok != want {
			t.Fatalf("request %d: allowed %v, want %v", i, ok, want)
		}
	}
	if ok, _ := g.Allow(ctx, "app:b", limit); !ok {
		t.Fatal("one credential's bucket throttled another")
	}
	now = now.Add(time.Second)
	if ok, _ := g.Allow(ctx, "app:a", limit); !ok {
		t.Fatal("the bucket did not refill")
	}
	for range 1000 {
		if ok, _ := g.Allow(ctx, "x", RateLimit{}); !ok {
			t.Fatal("a zero rate throttled")
		}
	}
}

func TestMemoryGuardLockout(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := NewMemoryGuard(aiccd.ClockFunc(func() time.Time { return now }), 100, nil)
	ctx := context.Background()
	p := Lockout{MaxFailures: 3, Duration: time.Minute}
	locked := func(keys ...string) bool { l, _ := g.Locked(ctx, keys...); return l }

	g.Fail(ctx, "a", p)
	g.Fail(ctx, "a", p)
	now = now.Add(p.Duration + time.Second)
	g.Fail(ctx, "a", p) // the first two are too old to count
	if locked("a") {
		t.Fatal("failures further apart than the policy's duration locked")
	}
	g.Fail(ctx, "a", p)
	g.Succeed(ctx, "a")
	g.Fail(ctx, "a", p)
	if locked("a") {
		t.Fatal("a success did not start the count over")
	}
	g.Fail(ctx, "a", p)
	g.Fail(ctx, "a", p)
	if !locked("a") || !locked("b", "a") || locked("b") {
		t.Fatal("three failures in a row did not lock, or locked another key")
	}
	g.Succeed(ctx, "a")
	if !locked("a") {
		t.Fatal("a success lifted a lock in force")
	}
	if l := g.Locks(); len(l) != 1 || l[0].Key != "a" || l[0].Remaining != p.Duration {
		t.Fatalf("locks in force: %+v", l)
	}
	now = now.Add(p.Duration)
	if locked("a") || len(g.Locks()) != 0 {
		t.Fatal("the lock did not run out")
	}
}

func TestMemoryGuardStaysBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := NewMemoryGuard(aiccd.ClockFunc(func() time.Time { return now }), 100, nil)
	ctx := context.Background()
	for i := range 10_000 {
		key := fmt.Sprint("ak:", i)
		for range SourceLockout.MaxFailures {
			g.Fail(ctx, key, SourceLockout)
		}
		g.Allow(ctx, key, RateLimit{Rate: 1, Burst: 1})
	}
	if len(g.failures) > 100 || len(g.locks) > 100 || len(g.buckets) > 100 {
		t.Fatalf("%d failure entries, %d locks, %d buckets; bound is 100", len(g.failures), len(g.locks), len(g.buckets))
	}
}

// TestMemoryGuardKeepsLocksInForce floods the guard with failures of
// made-up keys, as a client can: the locks in force before the flood
// hold until they run out.
func TestMemoryGuardKeepsLocksInForce(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := NewMemoryGuard(aiccd.ClockFunc(func() time.Time { return now }), 100, nil)
	ctx := context.Background()
	lock := func(key string) {
		for range SourceLockout.MaxFailures {
			g.Fail(ctx, key, SourceLockout)
		}
	}
	lock("app:target")
	for i := range 10_000 {
		g.Fail(ctx, fmt.Sprint("app:unknown-", i), SourceLockout) // counts, no locks
	}
	if l, _ := g.Locked(ctx, "app:target"); !l {
		t.Fatal("failures of unknown keys made the guard forget a lock in force")
	}
	// Locks of made-up keys fill the lock table: the locks in force stay,
	// the new ones wait for room.
	for i := range 1_000 {
		lock(fmt.Sprint("app:locked-", i))
	}
	if l, _ := g.Locked(ctx, "app:target"); !l || len(g.locks) != 100 {
		t.Fatalf("with the lock table full: target locked %v, %d locks", l, len(g.locks))
	}
	if l, _ := g.Locked(ctx, "app:locked-999"); l {
		t.Fatal("a lock was taken beyond the table's bound")
	}
	// Once the locks run out, the next failure of a key at its limit
	// locks it.
	now = now.Add(SourceLockout.Duration)
	g.Fail(ctx, "app:locked-999", SourceLockout)
	if l, _ := g.Locked(ctx, "app:locked-999"); !l {
		t.Fatal("a key at its limit was not locked once there was room")
	}
	if l, _ := g.Locked(ctx, "app:target"); l {
		t.Fatal("the lock did not run out")
	}
}
