package credential

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"golang.org/x/time/rate"
)

// Lockout is a lockout policy: MaxFailures failed authentications of one
// key, each within Duration of the one before, lock the key for Duration.
type Lockout struct {
	MaxFailures int
	Duration    time.Duration
}

// The lockout policies (docs/authentication.md, "Abuse protection").
var (
	// SourceLockout is the gateway's rule, five failures in a row lock
	// for five minutes, applied to a credential and one source address:
	// whoever knows an app key, AK or user name can lock it out for
	// their own address, not for its owner's.
	SourceLockout = Lockout{MaxFailures: 5, Duration: 5 * time.Minute}
	// PrincipalLockout is the slower limit of a credential from every
	// address together, for guessing spread over many addresses.
	PrincipalLockout = Lockout{MaxFailures: 50, Duration: 5 * time.Minute}
)

// Guard counts failed authentications and meters requests per key. Keys
// name a credential ("app:KEY", "ak:AK", "iam:ACCOUNT/USER"), possibly
// with the source address it is used from ("app:KEY@192.0.2.1"), whether
// or not the credential exists, so that lockout behaves the same for
// unknown ones. MemoryGuard keeps the counts in the process; a shared
// implementation lets replicas agree.
type Guard interface {
	// Locked reports whether any of keys is locked out.
	Locked(ctx context.Context, keys ...string) (bool, error)
	// Fail records a failed authentication of key under policy.
	Fail(ctx context.Context, key string, policy Lockout) error
	// Succeed forgets the failures of keys; a lock in force stays.
	Succeed(ctx context.Context, keys ...string) error
	// Allow takes one request from key's token bucket, which limit
	// fills. A key is always used with the same limit.
	Allow(ctx context.Context, key string, limit RateLimit) (bool, error)
}

// RateLimit is a token bucket: Rate requests per second on average, Burst
// at once. A zero Rate means no limit.
type RateLimit struct {
	Rate  float64
	Burst int
}

// MemoryGuard is a Guard for one process, bounded in memory. Locks in
// force are kept apart from failure counts and rate buckets, so that
// however many keys a client makes up, no lock is forgotten before it
// runs out.
type MemoryGuard struct {
	clock  aiccd.Clock
	max    int
	logger *slog.Logger

	mu       sync.Mutex
	failures map[string]*failures // keys with failures and no lock in force
	locks    map[string]time.Time // locks in force, by key: until when
	buckets  map[string]*rate.Limiter
	warned   time.Time // when a full lock table was last logged
}

type failures struct {
	count  int
	last   time.Time
	window time.Duration // the policy's: failures further apart start over
}

// NewMemoryGuard returns a Guard that keeps at most max keys with
// failures, max locks in force and max rate buckets. When the failure
// counts or the buckets are full, those that can no longer matter are
// forgotten first, then a random tenth. Locks are never forgotten while
// in force: when max locks are in force at once, further locks are not
// taken until some run out, and logger is told (at most once a minute).
func NewMemoryGuard(clock aiccd.Clock, max int, logger *slog.Logger) *MemoryGuard {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &MemoryGuard{
		clock: clock, max: max, logger: logger,
		failures: map[string]*failures{}, locks: map[string]time.Time{}, buckets: map[string]*rate.Limiter{},
	}
}

// Locked implements Guard.
func (g *MemoryGuard) Locked(_ context.Context, keys ...string) (bool, error) {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, key := range keys {
		if until, ok := g.locks[key]; ok {
			if now.Before(until) {
				return true, nil
			}
			delete(g.locks, key)
		}
	}
	return false, nil
}

// Fail implements Guard.
func (g *MemoryGuard) Fail(_ context.Context, key string, p Lockout) error {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if until, ok := g.locks[key]; ok && now.Before(until) {
		return nil
	}
	f, ok := g.failures[key]
	if !ok {
		if len(g.failures) >= g.max {
			g.forgetFailures(now)
		}
		f = &failures{}
		g.failures[key] = f
	}
	if now.Sub(f.last) > p.Duration {
		f.count = 0
	}
	f.count++
	f.last, f.window = now, p.Duration
	if f.count >= p.MaxFailures && g.lock(key, now.Add(p.Duration), now) {
		delete(g.failures, key)
	}
	return nil
}

// lock records a lock of key until then, and reports whether it could.
func (g *MemoryGuard) lock(key string, until, now time.Time) bool {
	if _, ok := g.locks[key]; !ok && len(g.locks) >= g.max {
		for k, u := range g.locks {
			if !now.Before(u) {
				delete(g.locks, k)
			}
		}
		if len(g.locks) >= g.max {
			// Making room would lift a lock in force early. The key keeps
			// its failures and is locked by the first failure after a lock
			// runs out.
			if now.Sub(g.warned) >= time.Minute {
				g.warned = now
				g.logger.Warn("lockout table full: no further credential is locked until a lock runs out", "locks", len(g.locks))
			}
			return false
		}
	}
	g.locks[key] = until
	return true
}

// forgetFailures drops counts that can no longer lead to a lock, or else
// a random tenth.
func (g *MemoryGuard) forgetFailures(now time.Time) {
	for k, f := range g.failures {
		if now.Sub(f.last) > f.window {
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
func (g *MemoryGuard) Succeed(_ context.Context, keys ...string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, key := range keys {
		delete(g.failures, key)
	}
	return nil
}

// Lock is a lock in force and the time it has left.
type Lock struct {
	Key       string
	Remaining time.Duration
}

// Locks returns the locks in force, for a shared Guard to take over what
// was locked while it could not be reached.
func (g *MemoryGuard) Locks() []Lock {
	now := g.clock.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	locks := make([]Lock, 0, len(g.locks))
	for k, until := range g.locks {
		if now.Before(until) {
			locks = append(locks, Lock{Key: k, Remaining: until.Sub(now)})
		}
	}
	return locks
}

// Allow implements Guard.
func (g *MemoryGuard) Allow(_ context.Context, key string, limit RateLimit) (bool, error) {
	if limit.Rate <= 0 {
		return true, nil
	}
	now := g.clock.Now()
	g.mu.Lock()
	b, ok := g.buckets[key]
	if !ok {
		if len(g.buckets) >= g.max {
			g.forgetBuckets(now)
		}
		b = rate.NewLimiter(rate.Limit(limit.Rate), max(limit.Burst, 1))
		g.buckets[key] = b
	}
	g.mu.Unlock()
	return b.AllowN(now, 1), nil
}

// forgetBuckets drops full buckets, which a new bucket would equal, or
// else a random tenth.
func (g *MemoryGuard) forgetBuckets(now time.Time) {
	for k, b := range g.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(g.buckets, k)
		}
	}
	for k := range g.buckets {
		if len(g.buckets) < g.max*9/10 {
			break
		}
		delete(g.buckets, k)
	}
}
