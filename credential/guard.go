package credential

import (
	"context"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"golang.org/x/time/rate"
)

// Lockout policy of the gateway: this many consecutive failed
// authentications lock a credential for LockDuration.
const (
	MaxFailures  = 5
	LockDuration = 5 * time.Minute
)

// Guard counts failed authentications and meters requests per credential.
// Keys name a credential ("app:KEY", "ak:AK", "iam:DOMAIN/USER") whether
// or not it exists, so that lockout behaves the same for unknown ones.
// MemoryGuard keeps the counts in the process; a shared implementation
// lets replicas agree.
type Guard interface {
	// Locked reports whether key is locked out.
	Locked(ctx context.Context, key string) (bool, error)
	// Fail records a failed authentication of key.
	Fail(ctx context.Context, key string) error
	// Succeed forgets key's failures.
	Succeed(ctx context.Context, key string) error
	// Allow takes one request from key's token bucket.
	Allow(ctx context.Context, key string) (bool, error)
}

// RateLimit is a token bucket: Rate requests per second on average, Burst
// at once. A zero Rate means no limit.
type RateLimit struct {
	Rate  float64
	Burst int
}

// MemoryGuard is a Guard for one process, bounded in memory.
type MemoryGuard struct {
	clock aiccd.Clock
	limit RateLimit
	max   int

	mu       sync.Mutex
	failures map[string]*failures
	buckets  map[string]*rate.Limiter
}

type failures struct {
	count       int
	lockedUntil time.Time
	last        time.Time
}

// NewMemoryGuard returns a Guard that tracks at most max keys of each kind
// (the oldest are forgotten first when full).
func NewMemoryGuard(clock aiccd.Clock, limit RateLimit, max int) *MemoryGuard {
	return &MemoryGuard{
		clock: clock, limit: limit, max: max,
		failures: map[string]*failures{}, buckets: map[string]*rate.Limiter{},
	}
}

// Locked implements Guard.
func (g *MemoryGuard) Locked(_ context.Context, key string) (bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.failures[key]
	return ok && g.clock.Now().Before(f.lockedUntil), nil
}

// Fail implements Guard.
func (g *MemoryGuard) Fail(_ context.Context, key string) error {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.failures[key]
	if !ok {
		if len(g.failures) >= g.max {
			g.forgetOldest(now)
		}
		f = &failures{}
		g.failures[key] = f
	}
	if !f.lockedUntil.IsZero() && !now.Before(f.lockedUntil) {
		f.count, f.lockedUntil = 0, time.Time{} // the lock ran out: start over
	}
	f.count++
	f.last = now
	if f.count >= MaxFailures {
		f.lockedUntil = now.Add(LockDuration)
	}
	return nil
}

// forgetOldest drops entries that can no longer matter, or else the
// oldest tenth.
func (g *MemoryGuard) forgetOldest(now time.Time) {
	for k, f := range g.failures {
		if now.After(f.lockedUntil) && now.Sub(f.last) > LockDuration {
			delete(g.failures, k)
		}
	}
	for k := range g.failures {
		if len(g.failures) < g.max*9/10 {
			break
		}
		delete(g.failures, k) // map order is random: an even spread
	}
}

// Succeed implements Guard.
func (g *MemoryGuard) Succeed(_ context.Context, key string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if f, ok := g.failures[key]; ok && !g.clock.Now().Before(f.lockedUntil) {
		delete(g.failures, key)
	}
	return nil
}

// Allow implements Guard.
func (g *MemoryGuard) Allow(_ context.Context, key string) (bool, error) {
	if g.limit.Rate <= 0 {
		return true, nil
	}
	g.mu.Lock()
	b, ok := g.buckets[key]
	if !ok {
		if len(g.buckets) >= g.max {
			for k := range g.buckets {
				delete(g.buckets, k)
				if len(g.buckets) < g.max*9/10 {
					break
				}
			}
		}
		b = rate.NewLimiter(rate.Limit(g.limit.Rate), max(g.limit.Burst, 1))
		g.buckets[key] = b
	}
	g.mu.Unlock()
	return b.AllowN(g.clock.Now(), 1), nil
}
