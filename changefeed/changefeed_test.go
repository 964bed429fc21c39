package changefeed_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aiccd/aiccd/changefeed"
)

// started returns a hub a Source has just started, and when.
func started(t *testing.T) (*changefeed.Hub, time.Time) {
	h := changefeed.NewHub(nil)
	t0 := time.Now()
	h.Start(h.Mark())
	return h, t0
}

// TestHubTrustLapsesWithoutConfirmation: memory is trusted for a Lease
// after the last confirmed instant and not a moment longer, whether or
// not the Source says anything.
func TestHubTrustLapsesWithoutConfirmation(t *testing.T) {
	t.Parallel()
	if changefeed.NewHub(nil).Live() {
		t.Fatal("a hub no Source follows is live")
	}
	h, t0 := started(t)
	if !h.Live() && time.Since(t0) < changefeed.Lease {
		t.Fatal("a started hub is not live")
	}
	time.Sleep(changefeed.Lease + 10*time.Millisecond)
	if h.Live() {
		t.Fatal("the hub is live a Lease after its last confirmation")
	}
	t1 := time.Now()
	h.Confirm(h.Mark())
	if !h.Live() && time.Since(t1) < changefeed.Lease {
		t.Fatal("a confirmation did not make the hub live again")
	}
	h.Break(errors.New("test"))
	if h.Live() {
		t.Fatal("a broken hub is live")
	}
}

// TestSyncWaitsForConfirmation: a write's Sync returns once the feed has
// confirmed an instant after it, and no later than a Lease.
func TestSyncWaitsForConfirmation(t *testing.T) {
	t.Parallel()
	changefeed.NewHub(nil).Sync(context.Background()) // no Source: at once

	h, _ := started(t)
	returned := make(chan struct{})
	go func() { h.Sync(context.Background()); close(returned) }()
	time.Sleep(time.Millisecond)
	select {
	case <-returned:
		t.Fatal("Sync returned before any confirmation")
	default:
	}
	h.Confirm(h.Mark())
	select {
	case <-returned:
	case <-time.After(changefeed.Lease / 2):
		t.Fatal("Sync did not return on a confirmation after it was called")
	}

	start := time.Now()
	h.Sync(context.Background())
	if time.Since(start) < changefeed.Lease {
		t.Fatalf("Sync returned after %s without a confirmation; want a Lease", time.Since(start))
	}
}

func TestCacheReadsThroughUnlessLive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loads := 0
	load := func(context.Context, string) (int, error) { loads++; return loads, nil }

	idle := changefeed.NewCache[string, int](changefeed.NewHub(nil), changefeed.Tenant, changefeed.StringKey, 10)
	idle.Load(ctx, "a", load)
	if v, _ := idle.Load(ctx, "a", load); v != 2 {
		t.Fatalf("a cache of a hub no Source follows kept a value: got %d, want 2 loads", v)
	}

	h, t0 := started(t)
	c := changefeed.NewCache[string, int](h, changefeed.Tenant, changefeed.StringKey, 10)
	loads = 0
	c.Load(ctx, "a", load)
	if v, _ := c.Load(ctx, "a", load); v != 1 && time.Since(t0) < changefeed.Lease {
		t.Fatalf("a live cache read through: %d loads", v)
	}
	h.Deliver(changefeed.Change{Kind: changefeed.AppKey, Key: "a"})
	if _, ok := c.Get("a"); !ok && time.Since(t0) < changefeed.Lease {
		t.Fatal("a change of another kind dropped the value")
	}
	h.Deliver(changefeed.Change{Kind: changefeed.Tenant, Key: "a"})
	if _, ok := c.Get("a"); ok {
		t.Fatal("the value is kept after a change named it")
	}
	c.Load(ctx, "a", load)
	h.Break(errors.New("test"))
	if _, ok := c.Get("a"); ok {
		t.Fatal("a broken hub's cache answers")
	}
	h.Start(h.Mark())
	if _, ok := c.Get("a"); ok {
		t.Fatal("a value kept before the feed broke survived its return")
	}
}

// TestCacheKeepsNothingAChangeOvertook: a value loaded while a change of
// it (or a flush) arrived may predate the change, and is not kept.
func TestCacheKeepsNothingAChangeOvertook(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, t0 := started(t)
	c := changefeed.NewCache[string, string](h, changefeed.Tenant, changefeed.StringKey, 10)
	for _, during := range []func(){
		func() { h.Deliver(changefeed.Change{Kind: changefeed.Tenant, Key: "a"}) },
		func() { h.Deliver(changefeed.Change{Kind: changefeed.Tenant, Key: "b"}) },
		func() { h.Break(errors.New("test")); h.Start(h.Mark()) },
	} {
		v, err := c.Load(ctx, "a", func(context.Context, string) (string, error) { during(); return "old", nil })
		if v != "old" || err != nil {
			t.Fatalf("Load = %q, %v", v, err)
		}
		if _, ok := c.Get("a"); ok {
			t.Fatal("a value loaded while a change arrived was kept")
		}
	}
	c.Load(ctx, "a", func(context.Context, string) (string, error) { return "new", nil })
	if v, ok := c.Get("a"); (!ok || v != "new") && time.Since(t0) < changefeed.Lease {
		t.Fatalf("Get = %q, %v after an undisturbed load", v, ok)
	}
}

func TestCacheIsBounded(t *testing.T) {
	t.Parallel()
	h, _ := started(t)
	c := changefeed.NewCache[int, int](h, changefeed.Fault, func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil
	}, 100)
	for i := range 1000 {
		h.Confirm(h.Mark()) // the test's feed, confirming as it goes
		c.Load(context.Background(), i, func(_ context.Context, k int) (int, error) { return k, nil })
	}
	t0 := time.Now()
	h.Confirm(h.Mark())
	held := 0
	for i := range 1000 {
		if _, ok := c.Get(i); ok {
			held++
		}
	}
	if held > 100 || (held == 0 && time.Since(t0) < changefeed.Lease) {
		t.Fatalf("the cache holds %d values; want 1 to 100", held)
	}
	h.Deliver(changefeed.Change{Kind: changefeed.Fault, Key: "999"})
	if _, ok := c.Get(999); ok {
		t.Fatal("a change parsed to the cache's key did not drop the value")
	}
}

// TestGroupCacheForgetsTheGroup: a change naming a group drops every
// value in it, whichever of the cache's kinds it is, and no other.
func TestGroupCacheForgetsTheGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, t0 := started(t)
	type key struct{ tenant, subscriber string }
	c := changefeed.NewGroupCache[key, int](h, func(k key) string { return k.tenant }, 10, changefeed.SmartCareRecords, changefeed.Tenant)
	fill := func() {
		for i, k := range []key{{"t1", "a"}, {"t1", "b"}, {"t2", "a"}} {
			c.Load(ctx, k, func(context.Context, key) (int, error) { return i, nil })
		}
	}
	held := func(k key) bool { _, ok := c.Get(k); return ok }
	for _, kind := range []changefeed.Kind{changefeed.SmartCareRecords, changefeed.Tenant} {
		fill()
		h.Deliver(changefeed.Change{Kind: changefeed.AccessCodes, Key: "t1"})
		if time.Since(t0) < changefeed.Lease && !held(key{"t1", "a"}) {
			t.Fatal("a change of another kind dropped a value")
		}
		h.Deliver(changefeed.Change{Kind: kind, Key: "t1"})
		if held(key{"t1", "a"}) || held(key{"t1", "b"}) {
			t.Fatalf("a %s change of t1 left t1's values", kind)
		}
		if time.Since(t0) < changefeed.Lease && !held(key{"t2", "a"}) {
			t.Fatalf("a %s change of t1 dropped t2's value", kind)
		}
	}
	c.Load(ctx, key{"t1", "a"}, func(context.Context, key) (int, error) {
		h.Deliver(changefeed.Change{Kind: changefeed.SmartCareRecords, Key: "t2"})
		return 1, nil
	})
	if held(key{"t1", "a"}) {
		t.Fatal("a value loaded while a change of another group arrived was kept")
	}
}
