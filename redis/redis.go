// Package redis shares state between aiccd replicas through Redis: the
// lockout counters and rate buckets of credentials (a credential.Guard) and
// the invalidation events that evict cached credentials at once (a
// credential.EventBus). Without Redis each replica counts on its own and
// learns of invalidations by polling the database.
package redis

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// keyPrefix starts every key aiccd writes, so that a shared Redis can hold
// other data too.
const keyPrefix = "aiccd:"

// Open connects to the Redis a URL names (redis://[user:pass@]host:port/db,
// rediss:// for TLS) and checks it answers.
func Open(ctx context.Context, url string) (*goredis.Client, error) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	opts.DialTimeout = 2 * time.Second
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	c := goredis.NewClient(opts)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := c.Ping(pctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("redis: %w", err)
	}
	return c, nil
}
