// Package sqlite implements aiccd's stores on an embedded SQLite database:
// the zero-setup default. One connection writes (SQLite allows one writer at
// a time; queuing in Go is cheaper than spinning on SQLITE_BUSY) and a pool
// of read-only connections reads concurrently under WAL.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database/migration"
	"github.com/aiccd/aiccd/database/planhint"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open SQLite database.
type DB struct {
	path    string
	readDSN string // the read-only connections' data source, for the change feed's own
	write   *stmtDB
	read    *stmtDB

	samples *planhint.Cache[*sample] // tenants' texts that searches are planned by (see trigram.go)
}

// Path returns the database file's path from a file path, taken as it is,
// or a sqlite: URL (sqlite:///abs/path.db, sqlite:rel/path.db,
// sqlite://rel/path.db), whose path is percent-decoded: sqlite:a%23b.db is
// the file a#b.db. A URL with a query or a fragment is refused rather than
// cut short, and so is a path with a NUL byte.
func Path(dsn string) (string, error) {
	p := dsn
	if strings.HasPrefix(dsn, "sqlite:") {
		if strings.ContainsAny(dsn, "?#") {
			return "", errors.New("sqlite URL: a '?' or '#' in the file name must be escaped (%3F, %23), or give the path itself")
		}
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("sqlite URL: %w", err)
		}
		if p, err = url.PathUnescape(u.Opaque); err != nil {
			return "", fmt.Errorf("sqlite URL: %w", err)
		}
		if p == "" {
			p = u.Host + u.Path
		}
	}
	if p == "" {
		return "", errors.New("sqlite: no file path")
	}
	if strings.ContainsRune(p, 0) {
		return "", errors.New("sqlite: the file path holds a NUL byte")
	}
	return p, nil
}

// fileURI returns the SQLite URI of the file at path with the parameters
// query. The bytes of the path that would end it or be decoded ('?', '#',
// '%') are escaped: unescaped, "good.db#evil" would open good.db. An
// absolute path gets an empty authority, so that "//x" is never a host.
func fileURI(path, query string) string {
	var b strings.Builder
	b.WriteString("file:")
	if strings.HasPrefix(path, "/") {
		b.WriteString("//")
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '?', '#', '%':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	if query != "" {
		b.WriteString("?" + query)
	}
	return b.String()
}

// createPrivate creates the file at path, empty, readable by its owner
// only, unless it exists. SQLite gives a new database 0644 (less the
// umask), and its -wal and -shm files the mode of the database file, so a
// file created first keeps them all private, like master.key.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	return f.Close()
}

// Open opens (creating if needed) the database at dsn, a file path or a
// sqlite: URL. It does not migrate; call Migrate. A new database file and
// its directory are created readable by their owner only (0600, 0700).
func Open(ctx context.Context, dsn string) (*DB, error) {
	path, err := Path(dsn)
	if err != nil {
		return nil, err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	// synchronous=NORMAL under WAL is durable against a crash of the
	// process; only a power cut can lose the last commits.
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"
	write, err := sql.Open("sqlite", fileURI(path, common+"&_pragma=journal_mode(WAL)&_txlock=immediate"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	// The writer creates the file and switches it to WAL before any reader
	// opens it read-only.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, translate(err)
	}
	readDSN := fileURI(path, common+"&_pragma=query_only(1)")
	read, err := sql.Open("sqlite", readDSN)
	if err != nil {
		write.Close()
		return nil, err
	}
	readers := max(4, runtime.GOMAXPROCS(0)*2)
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	read.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{path: path, readDSN: readDSN, write: newStmtDB(write), read: newStmtDB(read), samples: planhint.New[*sample](time.Now, sampleAge, maxSamples)}, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return translate(db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// Stats returns the pool figures of the writer and the reader pool.
func (db *DB) Stats() map[string]sql.DBStats {
	return map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
}

// Path returns the database file.
func (db *DB) Path() string { return db.path }

// migrations returns the embedded migrations.
func migrations() ([]migration.Migration, error) {
	return migration.Load(migrationFS, "migrations")
}

// SchemaVersion returns the database's schema version and the newest this
// binary knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := migrations()
	if err != nil {
		return 0, 0, err
	}
	current, err = schemaVersion(ctx, db.read)
	return current, len(ms), err
}

func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return 0, nil
	}
	return v, translate(err)
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the versions applied. It refuses a schema newer than it knows.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return nil, translate(err)
	}
	var applied []int
	for {
		// Re-read the version inside each write transaction: with the
		// immediate lock held, a second process cannot apply the same step.
		done, v, err := db.migrateOne(ctx, ms)
		if err != nil {
			return applied, err
		}
		if done {
			return applied, nil
		}
		applied = append(applied, v)
	}
}

func (db *DB) migrateOne(ctx context.Context, ms []migration.Migration) (done bool, version int, err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, 0, translate(err)
	}
	defer tx.Rollback()
	current, err := schemaVersion(ctx, tx)
	if err != nil {
		return false, 0, err
	}
	pending, err := migration.Pending(ms, current)
	if err != nil || len(pending) == 0 {
		return true, 0, err
	}
	m := pending[0]
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return false, 0, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, time.Now().UnixMilli()); err != nil {
		return false, 0, translate(err)
	}
	return false, m.Version, translate(tx.Commit())
}

// inTx runs fn in a write transaction, committing when it returns nil.
// Errors are translated.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return translate(err)
	}
	return translate(tx.Commit())
}

// update is how every store changes a row: read reads it, change (the
// domain's function) makes the new value, write stores it, all in one
// write transaction, so that a concurrent update can neither slip in
// between the read and the write nor be overwritten with what was read
// before it. write gets the row as read and as changed. update returns
// what it stored.
func update[T any](ctx context.Context, db *DB, read func(tx *sql.Tx) (T, error), change func(T) (T, error), write func(tx *sql.Tx, old, new T) error) (T, error) {
	var out T
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := read(tx)
		if err != nil {
			return err
		}
		v, err := change(old)
		if err != nil {
			return err
		}
		if err := write(tx, old, v); err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// translate turns driver errors into domain errors at the store boundary:
// unique violations into aiccd.ErrConflict, foreign key violations and no
// rows into aiccd.ErrNotFound, a locked database into aiccd.ErrUnavailable.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return aiccd.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", aiccd.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			// A new row refers to a tenant or row that does not exist.
			return fmt.Errorf("%w: %w", aiccd.ErrNotFound, err)
		}
		// The primary result code is the low byte of an extended one.
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY:
			return fmt.Errorf("%w: %w", aiccd.ErrUnavailable, err)
		}
	}
	if errors.Is(err, sql.ErrConnDone) {
		return fmt.Errorf("%w: %w", aiccd.ErrUnavailable, err)
	}
	return err
}

// ServerVersion returns the version of the SQLite library.
func (db *DB) ServerVersion(ctx context.Context) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v)
	return "SQLite " + v, translate(err)
}

// multiRowInsert is insert (an "INSERT INTO t (…) VALUES " prefix) followed
// by rows placeholder tuples of columns each: a multi-row INSERT, which
// pays the driver's per-statement work once for all of its rows.
func multiRowInsert(insert string, columns, rows int) string {
	tuple := "(?" + strings.Repeat(",?", columns-1) + ")"
	var b strings.Builder
	b.Grow(len(insert) + rows*(len(tuple)+1))
	b.WriteString(insert)
	for i := range rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(tuple)
	}
	return b.String()
}
