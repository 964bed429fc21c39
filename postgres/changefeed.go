package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/jackc/pgx/v5/pgconn"
)

// The change feed on PostgreSQL: triggers (migrations 0012 and 0019) notify the
// channel aiccd_changes in the transaction of every write that changes a
// cached entity, and PostgreSQL delivers the notification to every
// LISTEN connection once that transaction has committed. Each replica
// listens on a connection of its own, outside the pool, named
// FeedApplicationName in pg_stat_activity.
//
// Between notifications the feed pings its connection every
// changefeed.ConfirmEvery. PostgreSQL sends a listening session the
// notifications of every transaction committed before a query of that
// session before the query's answer, so an answered ping confirms that
// everything committed before it was sent has been delivered; a lost
// connection shows at the next ping at the latest.
const (
	FeedApplicationName = "aiccd changefeed"
	feedChannel         = "aiccd_changes"
)

// Feed is the change feed of a PostgreSQL database.
type Feed struct{ db *DB }

// NewFeed returns the change feed of db.
func NewFeed(db *DB) *Feed { return &Feed{db: db} }

var _ changefeed.Source = (*Feed)(nil)

// Follow implements changefeed.Source.
func (f *Feed) Follow(ctx context.Context, h *changefeed.Hub) {
	retry := 50 * time.Millisecond
	for ctx.Err() == nil {
		subscribed, err := f.follow(ctx, h)
		if ctx.Err() != nil {
			return
		}
		if subscribed {
			h.Break(err)
			retry = 50 * time.Millisecond
		} else {
			retry = min(2*retry, 2*time.Second)
		}
		select {
		case <-ctx.Done():
		case <-time.After(retry):
		}
	}
}

// follow listens until an error or ctx ends it, and reports whether it
// got as far as subscribing.
func (f *Feed) follow(ctx context.Context, h *changefeed.Hub) (subscribed bool, err error) {
	cfg := f.db.pool.Config().ConnConfig.Config.Copy()
	cfg.RuntimeParams["application_name"] = FeedApplicationName
	// Notifications arrive while the connection waits for them and while
	// it runs a ping; either way they queue here, in this goroutine.
	var pending []*pgconn.Notification
	cfg.OnNotification = func(_ *pgconn.PgConn, n *pgconn.Notification) { pending = append(pending, n) }
	deliver := func() {
		for _, n := range pending {
			if n.Channel != feedChannel {
				continue
			}
			kind, key, _ := strings.Cut(n.Payload, " ")
			h.Deliver(changefeed.Change{Kind: changefeed.Kind(kind), Key: key})
		}
		pending = pending[:0]
	}

	start := h.Mark()
	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return false, translate(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := conn.Exec(ctx, "LISTEN "+feedChannel).Close(); err != nil {
		return false, translate(err)
	}
	h.Start(start)

	next := time.Now().Add(changefeed.ConfirmEvery)
	for {
		wctx, cancel := context.WithDeadline(ctx, next)
		err := conn.WaitForNotification(wctx)
		cancel()
		deliver()
		switch {
		case ctx.Err() != nil:
			return true, nil
		case err != nil && !errors.Is(err, context.DeadlineExceeded) && !pgconn.Timeout(err):
			return true, translate(err)
		}
		if time.Now().Before(next) {
			continue
		}
		mark := h.Mark()
		if err := conn.Ping(ctx); err != nil {
			deliver()
			return true, translate(err)
		}
		deliver()
		h.Confirm(mark)
		next = time.Now().Add(changefeed.ConfirmEvery)
	}
}
