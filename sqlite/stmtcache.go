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
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxCachedStmts = 512

func newStmtDB(db *sql.DB) *stmtDB { return &stmtDB{DB: db, stmts: map[string]*sql.Stmt{}} }

// stmt returns the prepared statement of query, or nil when it is not to
// be cached: several statements in one text, or a full cache.
func (d *stmtDB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	d.mu.RLock()
	s, ok := d.stmts[query]
	d.mu.RUnlock()
	if ok {
		return s, nil
	}
	if strings.Contains(strings.TrimRight(query, "; \t\n"), ";") {
		return nil, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.stmts[query]; ok {
		return s, nil
	}
	if len(d.stmts) >= maxCachedStmts {
		return nil, nil
	}
	s, err := d.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	d.stmts[query] = s
	return s, nil
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

// Close closes the statements, then the pool.
func (d *stmtDB) Close() error {
	d.mu.Lock()
	for q, s := range d.stmts {
		s.Close()
		delete(d.stmts, q)
	}
	d.mu.Unlock()
	return d.DB.Close()
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
	s, err := t.pool.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.Tx.QueryContext(ctx, query, args...)
	}
	// The transaction's statement is closed with the transaction; the
	// connection's prepared statement stays in the pool's.
	return t.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
}

// QueryRowContext runs query in the transaction, prepared once per
// connection.
func (t *readTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := t.pool.stmt(ctx, query)
	if err != nil || s == nil {
		return t.Tx.QueryRowContext(ctx, query, args...) // reports err, or runs unprepared
	}
	return t.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
}
