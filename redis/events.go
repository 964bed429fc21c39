package redis

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aiccd/aiccd/credential"
	goredis "github.com/redis/go-redis/v9"
)

// EventBus broadcasts credential invalidations to every replica through
// Redis pub/sub, so that a revocation takes effect everywhere at once
// rather than at the next poll of the database. Delivery is best effort:
// the database's event log stays the source of truth.
type EventBus struct {
	rdb     *goredis.Client
	channel string
	logger  *slog.Logger
}

var _ credential.EventBus = (*EventBus)(nil)

// NewEventBus returns an EventBus on rdb; prefix separates deployments.
func NewEventBus(rdb *goredis.Client, prefix string, logger *slog.Logger) *EventBus {
	return &EventBus{rdb: rdb, channel: keyPrefix + prefix + "credential-events", logger: logger}
}

// Publish implements credential.EventBus.
func (b *EventBus) Publish(ctx context.Context, e credential.Event) error {
	msg, _ := json.Marshal(e)
	return b.rdb.Publish(ctx, b.channel, msg).Err()
}

// Subscribe implements credential.EventBus: it calls fn for every event
// until ctx is done, resubscribing after connection losses.
func (b *EventBus) Subscribe(ctx context.Context, fn func(credential.Event)) {
	for ctx.Err() == nil {
		sub := b.rdb.Subscribe(ctx, b.channel)
		ch := sub.Channel()
	receive:
		for {
			select {
			case <-ctx.Done():
				break receive
			case m, ok := <-ch:
				if !ok {
					break receive
				}
				var e credential.Event
				if err := json.Unmarshal([]byte(m.Payload), &e); err != nil {
					b.logger.Warn("ignoring a malformed credential event", "err", err)
					continue
				}
				fn(e)
			}
		}
		sub.Close()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
