package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtDB is a connection pool whose queries reuse prepared statements.
// SQLite compiles a statement each time it is prepared, and compiling a
// short query costs more than running it; database/sql prepares every
// query it is handed. Keeping one *sql.Stmt per query text (database/sql
// prepares it once per connection) removes that cost from the hot paths.
// Query texts built per request (the access-code search) are many; past
// maxCachedStmts they run unprepared rather than grow the cache.
type stmtDB struct {
	*sql.DB
	mu        sync.RWMutex
	stmts     map[string]*sql.Stmt
	preparing map[string]bool // queries prepareLater is preparing
	pending   sync.WaitGroup  // prepareLater's goroutines
}

const maxCachedStmts = 512

func newStmtDB(db *sql.DB) *stmtDB {
	return &stmtDB{DB: db, stmts: map[string]*sql.Stmt{}, preparing: map[string]bool{}}
}

// cached returns the prepared statement of query, or nil.
func (d *stmtDB) cached(query string) *sql.Stmt {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.stmts[query]
}

// cacheable reports whether query may be prepared: one statement.
func cacheable(query string) bool {
	return !strings.Contains(strings.TrimRight(query, "; \t\n"), ";")
}

// stmt returns the prepared statement of query, preparing it, or nil when
// it is not to be cached: several statements in one text, or a full
// cache. The lock is not held while preparing, which waits for a
// connection: readers of the cache must never wait behind that.
func (d *stmtDB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s := d.cached(query); s != nil || !cacheable(query) {
		return s, nil
	}
	s, err := d.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return d.keep(query, s), nil
}

// keep adds s, prepared for query, to the cache and returns the cached
// statement of query: s, the one another caller kept first, or nil when
// the cache is full.
func (d *stmtDB) keep(query string, s *sql.Stmt) *sql.Stmt {
	d.mu.Lock()
	defer d.mu.Unlock()
	if old, ok := d.stmts[query]; ok {
		s.Close()
		return old
	}
	if len(d.stmts) >= maxCachedStmts {
		s.Close()
		return nil
	}
	d.stmts[query] = s
	return s
}

// prepareLater prepares query in the background for later callers. A
// transaction holds its connection: waiting in it for another one to
// prepare on would deadlock once every connection is in a transaction.
func (d *stmtDB) prepareLater(query string) {
	if !cacheable(query) {
		return
	}
	d.mu.Lock()
	if d.preparing[query] || d.stmts[query] != nil || len(d.stmts) >= maxCachedStmts {
		d.mu.Unlock()
		return
	}
	d.preparing[query] = true
	d.mu.Unlock()
	d.pending.Go(func() {
		s, err := d.DB.PrepareContext(context.Background(), query)
		if err == nil {
			d.keep(query, s)
		}
		d.mu.Lock()
		delete(d.preparing, query)
		d.mu.Unlock()
	})
}

// QueryContext runs query as database/sql's does, prepared once.
func (d *stmtDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := d.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return d.DB.QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext runs query as database/sql's does, prepared once.
func (d *stmtDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := d.stmt(ctx, query)
	if err != nil || s == nil {
		return d.DB.QueryRowContext(ctx, query, args...) // reports err, or runs unprepared
	}
	return s.QueryRowContext(ctx, args...)
}

// ExecContext runs query as database/sql's does, prepared once.
func (d *stmtDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := d.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return d.DB.ExecContext(ctx, query, args...)
	}
	return s.ExecContext(ctx, args...)
}

// Close closes the pool, waits for prepareLater's goroutines, then closes
// the statements. A goroutine that was opening a connection as the pool
// closed would otherwise still be opening SQLite's files (the -wal and
// -shm beside the database) after Close returned, under a caller that may
// be removing them (a test's TempDir).
func (d *stmtDB) Close() error {
	err := d.DB.Close()
	d.pending.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	for q, s := range d.stmts {
		s.Close()
		delete(d.stmts, q)
	}
	return err
}

// querier is what reads need of a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readTx is a read-only transaction whose queries reuse the pool's
// prepared statements: a search runs several statements in one snapshot,
// and compiling them each time cost more than half of its CPU.
type readTx struct {
	*sql.Tx
	pool *stmtDB
}

// beginRead starts a read-only transaction on the pool.
func (d *stmtDB) beginRead(ctx context.Context) (*readTx, error) {
	tx, err := d.DB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	return &readTx{Tx: tx, pool: d}, nil
}

// QueryContext runs query in the transaction, prepared once per connection.
func (t *readTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s := t.pool.cached(query)
	if s == nil {
		t.pool.prepareLater(query)
		return t.Tx.QueryContext(ctx, query, args...)
	}
	// The transaction's statement is closed with the transaction; the
	// connection's prepared statement stays in the pool's.
	return t.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
}

// QueryRowContext runs query in the transaction, prepared once per
// connection.
func (t *readTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s := t.pool.cached(query)
	if s == nil {
		t.pool.prepareLater(query)
		return t.Tx.QueryRowContext(ctx, query, args...)
	}
	return t.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
}
