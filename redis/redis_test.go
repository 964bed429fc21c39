package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
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
	c, err := Open(testRedisURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = c.Ping(ctx).Err()
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is unreachable and CI=true: %v", testRedisURL(), err)
		}
		t.Skipf("Redis tests skipped: %s is unreachable (%v); set AICCD_TEST_REDIS_URL", testRedisURL(), err)
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

// testRedisURL names the test Redis with timeouts of seconds rather than
// aiccd's 250 ms: a Redis that is up must answer even on a loaded machine
// running the race detector, or the breaker opens and the test fails for
// nothing. Tests of an unreachable Redis use aiccd's own timeouts.
func testRedisURL() string {
	url := os.Getenv("AICCD_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	return url + "?dial_timeout=3s&read_timeout=3s&write_timeout=3s&pool_timeout=3s"
}

// throughProxy returns a client of the test Redis through a proxy the
// test controls.
func throughProxy(t *testing.T) (*goredis.Client, *proxy) {
	t.Helper()
	u, err := url.Parse(testRedisURL())
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.addr
	c, err := Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, p
}

func logger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func memGuard() *credential.MemoryGuard {
	return credential.NewMemoryGuard(aiccd.SystemClock, 100, nil)
}

func TestLockoutIsShared(t *testing.T) {
	t.Parallel()
	c, prefix := testRedis(t)
	ctx := context.Background()
	g1 := NewGuard(c, prefix, memGuard(), logger())
	g2 := NewGuard(c, prefix, memGuard(), logger())
	p := credential.SourceLockout
	for range p.MaxFailures - 1 {
		g1.Fail(ctx, "ak:A", p)
	}
	if locked, _ := g2.Locked(ctx, "ak:A"); locked {
		t.Fatal("locked before the fifth failure")
	}
	g2.Fail(ctx, "ak:A", p) // the fifth, on the other replica
	for _, g := range []*Guard{g1, g2} {
		if locked, err := g.Locked(ctx, "ak:B", "ak:A"); !locked || err != nil {
			t.Fatalf("not locked on every replica: %v %v", locked, err)
		}
	}
	if ttl := c.PTTL(ctx, g1.lockKey("ak:A")).Val(); ttl <= 4*time.Minute || ttl > p.Duration {
		t.Fatalf("lock lasts %s, want 5 minutes", ttl)
	}
	if locked, _ := g1.Locked(ctx, "ak:B"); locked {
		t.Fatal("another key is locked")
	}
	// A success clears the count of consecutive failures.
	g1.Fail(ctx, "ak:C", p)
	g1.Succeed(ctx, "ak:C")
	if n := c.Exists(ctx, g1.failKey("ak:C")).Val(); n != 0 {
		t.Fatal("Succeed left the failure count")
	}
}

func TestRateLimitIsShared(t *testing.T) {
	t.Parallel()
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

// TestOpenDoesNotWaitForRedis: aiccd starts while Redis is down.
func TestOpenDoesNotWaitForRedis(t *testing.T) {
	t.Parallel()
	c, err := Open("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatalf("Open refused a Redis that is down: %v", err)
	}
	c.Close()
	if _, err := Open("http://127.0.0.1:1"); err == nil {
		t.Fatal("Open accepted a URL that is not Redis's")
	}
}

func TestGuardFallsBackWhenRedisIsDown(t *testing.T) {
	t.Parallel()
	dead, err := Open("redis://127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
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
	if ok, err := g.Allow(ctx, "app:k", credential.RateLimit{Rate: 1, Burst: 1}); !ok || err != nil {
		t.Fatalf("the fallback's bucket: %v %v", ok, err)
	}
	if ok, _ := g.Allow(ctx, "app:k", credential.RateLimit{Rate: 1, Burst: 1}); ok {
		t.Fatal("the fallback did not throttle")
	}
	if !g.down.Load() {
		t.Fatal("the breaker did not open")
	}
}

// TestBreakerStopsAskingRedis: when Redis stops answering, one call waits
// for its timeout; the calls after it are answered in the process without
// going near Redis, until a probe finds it back.
func TestBreakerStopsAskingRedis(t *testing.T) {
	t.Parallel()
	c, p := throughProxy(t)
	g := NewGuard(c, "breaker:", memGuard(), logger())
	g.probeEvery = time.Hour
	ctx := context.Background()
	if _, err := g.Locked(ctx, "app:k"); err != nil || g.down.Load() {
		t.Fatalf("with Redis answering: %v, breaker open %v", err, g.down.Load())
	}
	p.swallow()
	if locked, err := g.Locked(ctx, "app:k"); locked || err != nil || !g.down.Load() {
		t.Fatalf("Redis silent: locked %v, %v, breaker open %v", locked, err, g.down.Load())
	}
	before := p.accepted.Load()
	for range 100 {
		g.Locked(ctx, "app:k")
		g.Fail(ctx, "app:k", credential.SourceLockout)
		g.Allow(ctx, "app:k", credential.RateLimit{Rate: 1000, Burst: 1000})
	}
	if n := p.accepted.Load() - before; n != 0 {
		t.Fatalf("with the breaker open, %d connections were made to Redis", n)
	}
	if locked, _ := g.Locked(ctx, "app:k"); !locked {
		t.Fatal("failures counted with the breaker open did not lock")
	}
}

// TestLocksTakenDuringAnOutageReachRedis: locks the fallback took while
// Redis was down are written to Redis when it is back, where every
// replica sees them.
func TestLocksTakenDuringAnOutageReachRedis(t *testing.T) {
	t.Parallel()
	direct, prefix := testRedis(t)
	c, p := throughProxy(t)
	g := NewGuard(c, prefix, memGuard(), logger())
	other := NewGuard(direct, prefix, memGuard(), logger())
	ctx := context.Background()
	p.stop()
	for range credential.SourceLockout.MaxFailures {
		g.Fail(ctx, "app:k@192.0.2.1", credential.SourceLockout)
	}
	if locked, _ := g.Locked(ctx, "app:k@192.0.2.1"); !locked {
		t.Fatal("the fallback did not lock")
	}
	if locked, _ := other.Locked(ctx, "app:k@192.0.2.1"); locked {
		t.Fatal("another replica saw a lock Redis could not have been told of")
	}
	p.start(t)
	g.probeEvery = 10 * time.Millisecond
	g.nextProbe.Store(0)
	for deadline := time.Now().Add(5 * time.Second); g.down.Load(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the breaker did not close within 5 s of Redis coming back")
		}
		g.Locked(ctx, "app:k@192.0.2.1") // calls start the probes, the fallback's locked keys' too
	}
	if locked, _ := other.Locked(ctx, "app:k@192.0.2.1"); !locked {
		t.Fatal("the lock taken during the outage did not reach Redis")
	}
	if ttl := direct.PTTL(ctx, g.lockKey("app:k@192.0.2.1")).Val(); ttl <= 4*time.Minute || ttl > credential.SourceLockout.Duration {
		t.Fatalf("the lock taken over lasts %s, want what was left of 5 minutes", ttl)
	}
	if locked, _ := g.Locked(ctx, "app:k@192.0.2.1"); !locked {
		t.Fatal("the replica that took the lock forgot it")
	}
}
