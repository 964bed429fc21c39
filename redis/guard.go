package redis

import (
	"context"
	"log/slog"
	"math"
	"sync/atomic"
	"time"

	"github.com/aiccd/aiccd/credential"
	"github.com/go-redis/redis_rate/v10"
	goredis "github.com/redis/go-redis/v9"
)

// Guard is a credential.Guard whose counts live in Redis, so that every
// replica sees the same lockouts and rate buckets. When Redis cannot be
// reached it falls back to counting in the process rather than refusing
// every caller, and logs that it did.
type Guard struct {
	rdb      *goredis.Client
	prefix   string
	limiter  *redis_rate.Limiter
	fallback credential.Guard
	logger   *slog.Logger
	degraded atomic.Bool
}

var _ credential.Guard = (*Guard)(nil)

// NewGuard returns a Guard on rdb, with fallback used while Redis is
// unreachable. prefix separates deployments sharing one Redis.
func NewGuard(rdb *goredis.Client, prefix string, fallback credential.Guard, logger *slog.Logger) *Guard {
	return &Guard{
		rdb: rdb, prefix: keyPrefix + prefix, limiter: redis_rate.NewLimiter(rdb),
		fallback: fallback, logger: logger,
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

func (g *Guard) failKey(key string) string { return g.prefix + "fail:" + key }
func (g *Guard) lockKey(key string) string { return g.prefix + "lock:" + key }

// ok records whether Redis answered; the first failure and the recovery
// are logged once each.
func (g *Guard) ok(err error) bool {
	if err == nil {
		if g.degraded.CompareAndSwap(true, false) {
			g.logger.Info("redis reachable again; lockouts and rate limits are shared")
		}
		return true
	}
	if g.degraded.CompareAndSwap(false, true) {
		g.logger.Warn("redis unreachable; counting lockouts and rate limits in this process", "err", err)
	}
	return false
}

// Locked implements credential.Guard.
func (g *Guard) Locked(ctx context.Context, keys ...string) (bool, error) {
	lockKeys := make([]string, len(keys))
	for i, k := range keys {
		lockKeys[i] = g.lockKey(k)
	}
	n, err := g.rdb.Exists(ctx, lockKeys...).Result()
	if !g.ok(err) {
		return g.fallback.Locked(ctx, keys...)
	}
	return n > 0, nil
}

// Fail implements credential.Guard.
func (g *Guard) Fail(ctx context.Context, key string, p credential.Lockout) error {
	err := failScript.Run(ctx, g.rdb, []string{g.failKey(key), g.lockKey(key)}, p.MaxFailures, p.Duration.Milliseconds()).Err()
	if !g.ok(err) {
		return g.fallback.Fail(ctx, key, p)
	}
	return nil
}

// Succeed implements credential.Guard.
func (g *Guard) Succeed(ctx context.Context, key string) error {
	if !g.ok(g.rdb.Del(ctx, g.failKey(key)).Err()) {
		return g.fallback.Succeed(ctx, key)
	}
	return nil
}

// Allow implements credential.Guard.
func (g *Guard) Allow(ctx context.Context, key string, limit credential.RateLimit) (bool, error) {
	if limit.Rate <= 0 {
		return true, nil
	}
	res, err := g.limiter.Allow(ctx, g.prefix+"rate:"+key, rateLimit(limit))
	if !g.ok(err) {
		return g.fallback.Allow(ctx, key, limit)
	}
	return res.Allowed > 0, nil
}
