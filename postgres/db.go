// Package postgres implements aiccd's stores on PostgreSQL through pgx, for
// operators who run several stateless aiccd replicas on one database.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database/migration"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key that serialises migrations when
// several replicas start at once ("aiccd" in ASCII).
const migrationLock = 0x6169636364

// applicationNameOf is the application_name aiccd's connections give
// PostgreSQL: the URL's, or "aiccd". Operators see aiccd by it in
// pg_stat_activity, and restore tells by it that aiccd still uses a
// database.
func applicationNameOf(params map[string]string) string {
	if name := params["application_name"]; name != "" {
		return name
	}
	return "aiccd"
}

// DB is a pool of connections to one PostgreSQL database.
type DB struct {
	pool *pgxpool.Pool
	url  string // for the PostgreSQL tools of Backup
}

// Open connects to the database at url (postgres:// or postgresql://). It
// does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres URL: %w", err)
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = 16
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = applicationNameOf(cfg.ConnConfig.RuntimeParams)
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 15 * time.Second
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, translate(err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, translate(err)
	}
	return &DB{pool: pool, url: url}, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return translate(db.pool.Ping(ctx))
}

// Stats returns the pool's figures.
func (db *DB) Stats() *pgxpool.Stat { return db.pool.Stat() }

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
	current, err = schemaVersion(ctx, db.pool)
	return current, len(ms), err
}

func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, translate(err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, translate(err)
}

// Migrate applies every pending migration, each in its own transaction,
// holding an advisory lock so that replicas starting together take turns.
// It refuses a schema newer than it knows.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, translate(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return nil, translate(err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return nil, translate(err)
	}
	current, err := schemaVersion(ctx, conn)
	if err != nil {
		return nil, err
	}
	pending, err := migration.Pending(ms, current)
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range pending {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, translate(err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// inTx runs fn in a read-write transaction, committing when it returns
// nil. Errors are translated.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return translate(pgx.BeginFunc(ctx, db.pool, fn))
}

// update is how every store changes a row: read reads it (FOR UPDATE, so
// that concurrent updates of the row wait for this one), change (the
// domain's function) makes the new value, write stores it, all in one
// transaction, so that a concurrent update can neither slip in between
// the read and the write nor be overwritten with what was read before
// it. write gets the row as read and as changed. update returns what it
// stored.
func update[T any](ctx context.Context, db *DB, read func(tx pgx.Tx) (T, error), change func(T) (T, error), write func(tx pgx.Tx, old, new T) error) (T, error) {
	var out T
	err := db.inTx(ctx, func(tx pgx.Tx) error {
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
// unique violations into aiccd.ErrConflict, connection failures into
// aiccd.ErrUnavailable, no rows and foreign key violations into
// aiccd.ErrNotFound.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return aiccd.ErrNotFound
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case pe.Code == "23505": // unique_violation
			return fmt.Errorf("%w: %w", aiccd.ErrConflict, err)
		case pe.Code == "23503": // foreign_key_violation: a new row refers to nothing
			return fmt.Errorf("%w: %w", aiccd.ErrNotFound, err)
		case strings.HasPrefix(pe.Code, "08"), // connection exceptions
			pe.Code == "53300",                                         // too_many_connections
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // shutdown, cannot connect now
			return fmt.Errorf("%w: %w", aiccd.ErrUnavailable, err)
		}
		return err
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return fmt.Errorf("%w: %w", aiccd.ErrUnavailable, err)
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return fmt.Errorf("%w: %w", aiccd.ErrUnavailable, err)
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return fmt.Errorf("%w: %w", aiccd.ErrUnavailable, err)
	}
	return err
}

// ServerVersion returns the PostgreSQL server's version.
func (db *DB) ServerVersion(ctx context.Context) (string, error) {
	var v string
	err := db.pool.QueryRow(ctx, `SHOW server_version`).Scan(&v)
	return "PostgreSQL " + v, translate(err)
}
