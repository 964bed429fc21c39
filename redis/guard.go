package redis

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"github.com/aiccd/aiccd/credential"
	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"
)

// Guard is a credential.Guard whose counts live in Redis, so that every
// replica sees the same lockouts and rate buckets.
//
// When Redis fails, a breaker opens: from then on every call is answered
// by the fallback, in the process, without asking Redis, and at most one
// call a second starts a probe in the background. When a probe finds
// Redis answering, the breaker closes and the locks the fallback took
// meanwhile are written to Redis, so that every replica enforces them.
// Locks the fallback holds are enforced here whatever Redis says.
type Guard struct {
	rdb      *goredis.Client
	prefix   string
	limiter  *redis_rate.Limiter
	fallback *credential.MemoryGuard
	logger   *slog.Logger

	down       atomic.Bool  // the breaker: open while Redis is unreachable
	probing    atomic.Bool  // a probe is under way
	nextProbe  atomic.Int64 // unix nanoseconds before which no probe starts
	probeEvery time.Duration
}

var _ credential.Guard = (*Guard)(nil)

// NewGuard returns a Guard on rdb, with fallback counting while Redis is
// unreachable. prefix separates deployments sharing one Redis.
func NewGuard(rdb *goredis.Client, prefix string, fallback *credential.MemoryGuard, logger *slog.Logger) *Guard {
	return &Guard{
		rdb: rdb, prefix: keyPrefix + prefix, limiter: redis_rate.NewLimiter(rdb),
		fallback: fallback, logger: logger, probeEvery: time.Second,
	}
}

// rateLimit expresses a per-second rate, possibly fractional, as redis_rate's
// whole number of requests per period.
func rateLimit(l credential.RateLimit) redis_rate.Limit {
	if l.Rate <= 0 {
		return redis_rate.Limit{}
	}
	burst := max(l.Burst, 1)
	if l.Rate >= 1 {
		return redis_rate.Limit{Rate: int(math.Round(l.Rate)), Period: time.Second, Burst: burst}
	}
	return redis_rate.Limit{Rate: 1, Period: time.Duration(float64(time.Second) / l.Rate), Burst: burst}
}

// failScript counts a failure and, at the limit, turns the count into a
// lock: KEYS[1] the failure counter, KEYS[2] the lock; ARGV the limit and
// the lock's length in milliseconds, which is also how long a failure
// counts.
var failScript = goredis.NewScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if n >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('DEL', KEYS[1])
end
return n`)

// takeOverScript sets the lock KEYS[1] for ARGV[1] milliseconds unless
// Redis holds it longer already.
var takeOverScript = goredis.NewScript(`
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 0`)

func (g *Guard) failKey(key string) string { return g.prefix + "fail:" + key }
func (g *Guard) lockKey(key string) string { return g.prefix + "lock:" + key }

// shared reports whether to ask Redis: not while the breaker is open,
// when the call may start a probe instead.
func (g *Guard) shared() bool {
	if !g.down.Load() {
		return true
	}
	g.probe()
	return false
}

// failed reports whether a call to Redis failed, and opens the breaker
// when Redis is to blame: not when the caller went away.
func (g *Guard) failed(ctx context.Context, err error) bool {
	if err == nil || errors.Is(err, goredis.Nil) {
		return false
	}
	if ctx.Err() != nil {
		return true
	}
	if g.down.CompareAndSwap(false, true) {
		g.nextProbe.Store(time.Now().Add(g.probeEvery).UnixNano())
		g.logger.Warn("redis unreachable; counting lockouts and rate limits in this process until it answers", "err", err)
	}
	return true
}

// probe checks in the background whether Redis answers again, at most
// once per probeEvery, and closes the breaker once it has taken over the
// fallback's locks.
func (g *Guard) probe() {
	if time.Now().UnixNano() < g.nextProbe.Load() || !g.probing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer g.probing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		n, err := g.takeOverLocks(ctx)
		if err != nil {
			g.nextProbe.Store(time.Now().Add(g.probeEvery).UnixNano())
			return
		}
		g.down.Store(false)
		g.logger.Info("redis reachable again; lockouts and rate limits are shared", "locks_taken_over", n)
	}()
}

// takeOverLocks writes the fallback's locks in force to Redis, in
// batches, and returns how many there were. A lock Redis holds longer
// stays as it is.
func (g *Guard) takeOverLocks(ctx context.Context) (int, error) {
	if err := g.rdb.Ping(ctx).Err(); err != nil {
		return 0, err
	}
	locks := g.fallback.Locks()
	const batch = 1000
	for i := 0; i < len(locks); i += batch {
		pipe := g.rdb.Pipeline()
		for _, l := range locks[i:min(i+batch, len(locks))] {
			takeOverScript.Eval(ctx, pipe, []string{g.lockKey(l.Key)}, max(l.Remaining.Milliseconds(), 1))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return 0, err
		}
	}
	return len(locks), nil
}

// Locked implements credential.Guard.
func (g *Guard) Locked(ctx context.Context, keys ...string) (bool, error) {
	shared := g.shared() // first: a call may start a probe whatever the fallback holds
	if locked, _ := g.fallback.Locked(ctx, keys...); locked || !shared {
		return locked, nil
	}
	lockKeys := make([]string, len(keys))
	for i, k := range keys {
		lockKeys[i] = g.lockKey(k)
	}
	n, err := g.rdb.Exists(ctx, lockKeys...).Result()
	if g.failed(ctx, err) {
		return false, nil // the fallback, asked above, holds no lock
	}
	return n > 0, nil
}

// Fail implements credential.Guard.
func (g *Guard) Fail(ctx context.Context, key string, p credential.Lockout) error {
	if g.shared() {
		err := failScript.Run(ctx, g.rdb, []string{g.failKey(key), g.lockKey(key)}, p.MaxFailures, p.Duration.Milliseconds()).Err()
		if !g.failed(ctx, err) {
			return nil
		}
	}
	return g.fallback.Fail(ctx, key, p)
}

// Succeed implements credential.Guard: it forgets the failures counted
// in Redis and those counted here while Redis was unreachable.
func (g *Guard) Succeed(ctx context.Context, keys ...string) error {
	if g.shared() {
		failKeys := make([]string, len(keys))
		for i, k := range keys {
			failKeys[i] = g.failKey(k)
		}
		g.failed(ctx, g.rdb.Del(ctx, failKeys...).Err())
	}
	return g.fallback.Succeed(ctx, keys...)
}

// Allow implements credential.Guard.
func (g *Guard) Allow(ctx context.Context, key string, limit credential.RateLimit) (bool, error) {
	if limit.Rate <= 0 {
		return true, nil
	}
	if g.shared() {
		res, err := g.limiter.Allow(ctx, g.prefix+"rate:"+key, rateLimit(limit))
		if !g.failed(ctx, err) {
			return res.Allowed > 0, nil
		}
	}
	return g.fallback.Allow(ctx, key, limit)
}
