package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	goredis "github.com/redis/go-redis/v9"
)

// testRedis connects to AICCD_TEST_REDIS_URL (default the local Redis) and
// returns a key prefix of the test's own; its keys are deleted afterwards.
// Without Redis the test skips, except under CI=true, where it fails.
func testRedis(t *testing.T) (*goredis.Client, string) {
	t.Helper()
	url := os.Getenv("AICCD_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	c, err := Open(context.Background(), url)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is unreachable and CI=true: %v", url, err)
		}
		t.Skipf("Redis tests skipped: %s is unreachable (%v); set AICCD_TEST_REDIS_URL", url, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "test-" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := c.Keys(ctx, keyPrefix+prefix+"*").Result()
		if len(keys) > 0 {
			c.Del(ctx, keys...)
		}
		c.Close()
	})
	return c, prefix
}

func logger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func memGuard() credential.Guard {
	return credential.NewMemoryGuard(aiccd.SystemClock, 100, nil)
}

func TestLockoutIsShared(t *testing.T) {
	c, prefix := testRedis(t)
	ctx := context.Background()
	g1 := NewGuard(c, prefix, memGuard(), logger())
	g2 := NewGuard(c, prefix, memGuard(), logger())
	for range credential.SourceLockout.MaxFailures - 1 {
		g1.Fail(ctx, "ak:A", credential.SourceLockout)
	}
	if locked, _ := g2.Locked(ctx, "ak:A"); locked {
		t.Fatal("locked before the fifth failure")
	}
	g2.Fail(ctx, "ak:A", credential.SourceLockout) // the fifth, on the other replica
	for _, g := range []*Guard{g1, g2} {
		if locked, err := g.Locked(ctx, "ak:A"); !locked || err != nil {
			t.Fatalf("not locked on every replica: %v %v", locked, err)
		}
	}
	if ttl := c.PTTL(ctx, g1.lockKey("ak:A")).Val(); ttl <= 4*time.Minute || ttl > credential.SourceLockout.Duration {
		t.Fatalf("lock lasts %s, want 5 minutes", ttl)
	}
	if locked, _ := g1.Locked(ctx, "ak:B"); locked {
		t.Fatal("another key is locked")
	}
	// A success clears the count of consecutive failures.
	g1.Fail(ctx, "ak:C", credential.SourceLockout)
	g1.Succeed(ctx, "ak:C")
	if n := c.Exists(ctx, g1.failKey("ak:C")).Val(); n != 0 {
		t.Fatal("Succeed left the failure count")
	}
}

func TestRateLimitIsShared(t *testing.T) {
	c, prefix := testRedis(t)
	ctx := context.Background()
	limit := credential.RateLimit{Rate: 1, Burst: 2}
	g1 := NewGuard(c, prefix, memGuard(), logger())
	g2 := NewGuard(c, prefix, memGuard(), logger())
	var allowed int
	for _, g := range []*Guard{g1, g2, g1, g2} {
		if ok, err := g.Allow(ctx, "app:k", limit); err != nil {
			t.Fatal(err)
		} else if ok {
			allowed++
		}
	}
	if allowed != 2 {
		t.Fatalf("%d of 4 requests across two replicas allowed; the shared burst is 2", allowed)
	}
	if got := rateLimit(credential.RateLimit{Rate: 0.5, Burst: 1}); got.Rate != 1 || got.Period != 2*time.Second {
		t.Fatalf("0.5/s = %v", got)
	}
}

func TestGuardFallsBackWhenRedisIsDown(t *testing.T) {
	dead := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer dead.Close()
	g := NewGuard(dead, "x:", memGuard(), logger())
	ctx := context.Background()
	for range credential.SourceLockout.MaxFailures {
		if err := g.Fail(ctx, "iam:u", credential.SourceLockout); err != nil {
			t.Fatal(err)
		}
	}
	if locked, err := g.Locked(ctx, "iam:u"); !locked || err != nil {
		t.Fatalf("the in-process fallback did not lock: %v %v", locked, err)
	}
	if !g.degraded.Load() {
		t.Fatal("degraded mode not recorded")
	}
}

func TestEventBus(t *testing.T) {
	c, prefix := testRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bus := NewEventBus(c, prefix, logger())
	got := make(chan credential.Event, 1)
	go bus.Subscribe(ctx, func(e credential.Event) { got <- e })
	want := credential.Event{Kind: credential.EventAppKey, Subject: "k1"}
	deadline := time.After(5 * time.Second)
	for {
		// Publish until the subscription is live.
		if err := bus.Publish(ctx, want); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-got:
			if e != want {
				t.Fatalf("got %+v", e)
			}
			return
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no event delivered")
		}
	}
}
