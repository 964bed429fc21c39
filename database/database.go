// Package database opens the storage engine a URL names and hands out its
// stores behind the domain interfaces. It is the one place that knows both
// engines exist.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/postgres"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snapshot"
	"github.com/aiccd/aiccd/sqlite"
	"github.com/aiccd/aiccd/tenant"
)

// Engine names a storage engine.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// EngineOf tells which engine a --database value names: postgres:// and
// postgresql:// URLs are PostgreSQL, anything else is a SQLite file.
func EngineOf(dsn string) Engine {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// PoolStats are the figures of one connection pool, for /metrics.
type PoolStats struct {
	Pool        string // "write", "read" (SQLite) or "main" (PostgreSQL)
	MaxOpen     int
	Open        int
	InUse       int
	Idle        int
	WaitCount   int64
	WaitSeconds float64
}

// DB is an open database with a store for each domain.
type DB struct {
	Engine      Engine
	Tenants     tenant.Store
	Credentials credential.Store
	Faults      fault.Store
	Journal     journal.Store
	Customers   partner.Store
	SmartCare   smartcare.Store
	AccessCodes accesscode.Store
	Console     admin.Store
	Snapshots   snapshot.Store
	// Feed follows the changes committed to the database, by any process,
	// for the read models of a serving process.
	Feed changefeed.Source

	engine interface {
		Ping(context.Context) error
		Close() error
		Migrate(context.Context) ([]int, error)
		SchemaVersion(context.Context) (current, latest int, err error)
		ServerVersion(context.Context) (string, error)
		Backup(ctx context.Context, path string) error
		IntegrityCheck(context.Context) error
	}
	stats func() []PoolStats
}

// Open opens the database dsn names. It does not migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if EngineOf(dsn) == Postgres {
		pg, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		return &DB{
			Engine:      Postgres,
			Tenants:     postgres.NewTenantStore(pg),
			Credentials: postgres.NewCredentialStore(pg),
			Faults:      postgres.NewSandboxStore(pg),
			Journal:     postgres.NewSandboxStore(pg),
			Customers:   postgres.NewCustomerStore(pg),
			SmartCare:   postgres.NewSmartCareStore(pg),
			AccessCodes: postgres.NewAccessCodeStore(pg),
			Console:     postgres.NewConsoleStore(pg),
			Snapshots:   postgres.NewSnapshotStore(pg),
			Feed:        postgres.NewFeed(pg),
			engine:      pg,
			stats: func() []PoolStats {
				s := pg.Stats()
				return []PoolStats{{
					Pool: "main", MaxOpen: int(s.MaxConns()), Open: int(s.TotalConns()),
					InUse: int(s.AcquiredConns()), Idle: int(s.IdleConns()),
					WaitCount: s.EmptyAcquireCount(), WaitSeconds: s.AcquireDuration().Seconds(),
				}}
			},
		}, nil
	}
	lite, err := sqlite.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &DB{
		Engine:      SQLite,
		Tenants:     sqlite.NewTenantStore(lite),
		Credentials: sqlite.NewCredentialStore(lite),
		Faults:      sqlite.NewSandboxStore(lite),
		Journal:     sqlite.NewSandboxStore(lite),
		Customers:   sqlite.NewCustomerStore(lite),
		SmartCare:   sqlite.NewSmartCareStore(lite),
		AccessCodes: sqlite.NewAccessCodeStore(lite),
		Console:     sqlite.NewConsoleStore(lite),
		Snapshots:   sqlite.NewSnapshotStore(lite),
		Feed:        sqlite.NewFeed(lite),
		engine:      lite,
		stats: func() []PoolStats {
			var out []PoolStats
			for name, s := range lite.Stats() {
				out = append(out, sqlStats(name, s))
			}
			return out
		},
	}, nil
}

// ErrNoDatabase is OpenExisting's answer for a place that holds no aiccd
// database: a SQLite file that does not exist or a database without
// aiccd's schema.
var ErrNoDatabase = errors.New("no aiccd database")

// OpenExisting opens the database dsn names, like Open, but never creates
// one: only serve and migrate do. A command run from the wrong directory
// must not leave an empty database (and a master key) behind and answer
// from it as if nothing were provisioned.
func OpenExisting(ctx context.Context, dsn string) (*DB, error) {
	if EngineOf(dsn) == SQLite {
		path, err := sqlite.Path(dsn)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if abs, err := filepath.Abs(path); err == nil {
				path = abs
			}
			return nil, fmt.Errorf("%w: %s does not exist", ErrNoDatabase, path)
		}
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	current, _, err := db.SchemaVersion(ctx)
	if err == nil && current == 0 {
		err = fmt.Errorf("%w: it holds no aiccd schema", ErrNoDatabase)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func sqlStats(name string, s sql.DBStats) PoolStats {
	return PoolStats{
		Pool: name, MaxOpen: s.MaxOpenConnections, Open: s.OpenConnections, InUse: s.InUse,
		Idle: s.Idle, WaitCount: s.WaitCount, WaitSeconds: s.WaitDuration.Seconds(),
	}
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.engine.Ping(ctx) }

// Close releases every connection.
func (db *DB) Close() error { return db.engine.Close() }

// Migrate applies pending migrations and returns the versions applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) { return db.engine.Migrate(ctx) }

// SchemaVersion returns the database's schema version and the newest known.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	return db.engine.SchemaVersion(ctx)
}

// ServerVersion names the engine and its version: "SQLite 3.50.4",
// "PostgreSQL 15.14".
func (db *DB) ServerVersion(ctx context.Context) (string, error) { return db.engine.ServerVersion(ctx) }

// Backup writes a consistent copy of the live database to path: a SQLite
// file, or a pg_dump custom-format archive.
func (db *DB) Backup(ctx context.Context, path string) error { return db.engine.Backup(ctx, path) }

// IntegrityCheck verifies the database's structures.
func (db *DB) IntegrityCheck(ctx context.Context) error { return db.engine.IntegrityCheck(ctx) }

// Restore replaces the database dsn names with a backup made by Backup.
// No aiccd may be serving from it meanwhile.
func Restore(ctx context.Context, dsn, from string) error {
	if EngineOf(dsn) == Postgres {
		return postgres.Restore(ctx, dsn, from)
	}
	return sqlite.Restore(ctx, dsn, from)
}

// PoolStats returns the figures of every connection pool.
func (db *DB) PoolStats() []PoolStats { return db.stats() }
