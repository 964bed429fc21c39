package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/aiccd/aiccd/changefeed"
)

// The change feed on SQLite. Writers (this process, an admin command, an
// import) add rows to the changes outbox in their transactions, through
// triggers (migrations 0012 and 0019). Every few milliseconds the feed asks its own
// connection for PRAGMA data_version, which changes whenever another
// connection commits; only then does it read the outbox's new rows. The
// poll is a few microseconds, so a write by another process is reflected
// here within a few milliseconds at the cost of nothing measurable.
const (
	// feedPoll is how often the feed looks for commits.
	feedPoll = 5 * time.Millisecond
	// feedStall: a feed that could not poll for this long (a stopped
	// process, a stalled disk) may find the outbox pruned past where it
	// stopped, so it starts over as after a break.
	feedStall = time.Minute
	// changesKept is how long outbox rows are kept, far longer than any
	// feed may lag without starting over.
	changesKept = 10 * time.Minute
	// pruneEvery is how often a serving process deletes old outbox rows.
	pruneEvery = time.Minute
)

// Feed is the change feed of a SQLite database.
type Feed struct{ db *DB }

// NewFeed returns the change feed of db.
func NewFeed(db *DB) *Feed { return &Feed{db: db} }

var _ changefeed.Source = (*Feed)(nil)

// Follow implements changefeed.Source.
func (f *Feed) Follow(ctx context.Context, h *changefeed.Hub) {
	for ctx.Err() == nil {
		err := f.follow(ctx, h)
		if ctx.Err() != nil {
			return
		}
		h.Break(err)
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// follow subscribes and polls until an error or ctx ends it.
func (f *Feed) follow(ctx context.Context, h *changefeed.Hub) error {
	// A connection of its own: data_version tells a connection of the
	// commits of others, and the readers' pool must not lose one.
	db, err := sql.Open("sqlite", f.db.readDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	defer conn.Close()
	versionStmt, err := conn.PrepareContext(ctx, `PRAGMA data_version`)
	if err != nil {
		return translate(err)
	}
	defer versionStmt.Close()
	changesStmt, err := conn.PrepareContext(ctx, `SELECT seq, kind, key FROM changes WHERE seq > ? ORDER BY seq`)
	if err != nil {
		return translate(err)
	}
	defer changesStmt.Close()

	start := h.Mark()
	version, err := dataVersion(ctx, versionStmt)
	if err != nil {
		return err
	}
	var last int64
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&last); err != nil {
		return translate(err)
	}
	h.Start(start)

	poll := time.NewTicker(feedPoll)
	defer poll.Stop()
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	confirmed := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-prune.C:
			f.prune(ctx, h)
			continue
		case <-poll.C:
		}
		if time.Since(confirmed) > feedStall {
			return errStalled
		}
		mark := h.Mark()
		v, err := dataVersion(ctx, versionStmt)
		if err != nil {
			return err
		}
		if v != version {
			if last, err = deliverChanges(ctx, changesStmt, h, last); err != nil {
				return err
			}
			version = v
		}
		h.Confirm(mark)
		confirmed = time.Now()
	}
}

var errStalled = errors.New("the change feed could not poll for a minute")

func dataVersion(ctx context.Context, stmt *sql.Stmt) (int64, error) {
	var v int64
	err := stmt.QueryRowContext(ctx).Scan(&v)
	return v, translate(err)
}

// deliverChanges delivers the outbox rows after last and returns the last
// one's seq.
func deliverChanges(ctx context.Context, stmt *sql.Stmt, h *changefeed.Hub, last int64) (int64, error) {
	rows, err := stmt.QueryContext(ctx, last)
	if err != nil {
		return last, translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c changefeed.Change
		if err := rows.Scan(&last, &c.Kind, &c.Key); err != nil {
			return last, translate(err)
		}
		h.Deliver(c)
	}
	return last, translate(rows.Err())
}

// prune deletes outbox rows older than changesKept.
func (f *Feed) prune(ctx context.Context, h *changefeed.Hub) {
	cutoff := time.Now().Add(-changesKept).UnixMilli()
	if _, err := f.db.write.ExecContext(ctx, `DELETE FROM changes WHERE at < ?`, cutoff); err != nil && ctx.Err() == nil {
		h.Logger().Warn("pruning the change feed's outbox", "err", translate(err))
	}
}
