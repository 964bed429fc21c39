// Package redis shares the lockout counters and rate buckets of
// credentials between aiccd replicas through Redis (a credential.Guard).
// Without Redis each replica counts on its own, and while Redis is
// unreachable the Guard counts in the process. Revocations need no Redis:
// every replica learns of them from its database's change feed (package
// changefeed).
package redis

import (
	"fmt"
	"net/url"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// keyPrefix starts every key aiccd writes, so that a shared Redis can hold
// other data too.
const keyPrefix = "aiccd:"

// timeout bounds every step of a command by default: dialling, writing,
// reading and waiting for a pooled connection. Every authentication asks
// Redis, so a Redis that does not answer must cost little more than this
// before the Guard stops asking it. The URL's own dial_timeout,
// read_timeout, write_timeout and pool_timeout parameters override it,
// for a Redis known to be farther away.
const timeout = 250 * time.Millisecond

// Open returns a client of the Redis a URL names
// (redis://[user:pass@]host:port/db, rediss:// for TLS). It does not wait
// for Redis: aiccd starts and serves without it, and the Guard counts in
// the process until Redis answers.
func Open(rawURL string) (*goredis.Client, error) {
	opts, err := goredis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	q := u.Query()
	for _, t := range []struct {
		param string
		value *time.Duration
	}{
		{"dial_timeout", &opts.DialTimeout},
		{"read_timeout", &opts.ReadTimeout},
		{"write_timeout", &opts.WriteTimeout},
		{"pool_timeout", &opts.PoolTimeout},
	} {
		if !q.Has(t.param) {
			*t.value = timeout
		}
	}
	opts.DialerRetries = 1 // one attempt: the Guard's breaker decides when to try again
	opts.MaxRetries = -1
	return goredis.NewClient(opts), nil
}
