package dbtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/jackc/pgx/v5"
)

// Loading a data set through the services (the demo's, for one) costs
// about as much as migrating under -race, and many tests want the same
// data: a Seeded template is migrated and loaded once per test binary and
// engine, and copied for every test, as the migrated template is.

// Seeded is a template of databases that hold the data its seed loads.
// Seeding from scratch with the same seed must give the same database: a
// test on a copy sees what it would see had it loaded the data itself.
type Seeded struct {
	seed func(ctx context.Context, dsn string) error

	sqliteOnce  sync.Once
	sqliteImage []byte
	sqliteErr   error

	pgOnce     sync.Once
	pgTemplate string
	pgErr      error
}

var (
	seededMu        sync.Mutex
	seededTemplates []string // the PostgreSQL templates Main drops
)

// NewSeeded returns a template whose databases are migrated copies into
// which seed has loaded its data. seed receives the URL of the migrated
// database and must have closed every connection to it when it returns.
// PostgreSQL templates are dropped by Main, which the package's TestMain
// must call.
func NewSeeded(seed func(ctx context.Context, dsn string) error) *Seeded {
	return &Seeded{seed: seed}
}

// Engines runs fn once per engine, as Engines does, each with the URL of a
// fresh copy of the seeded database.
func (s *Seeded) Engines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run(string(database.SQLite), func(t *testing.T) { fn(t, s.URL(t, database.SQLite)) })
	t.Run(string(database.Postgres), func(t *testing.T) { fn(t, s.URL(t, database.Postgres)) })
}

// URL returns the URL of a fresh copy of the seeded database of engine,
// dropped when t ends.
func (s *Seeded) URL(t testing.TB, engine database.Engine) string {
	t.Helper()
	if engine == database.Postgres {
		return s.postgresURL(t)
	}
	path := SQLiteURL(t)
	s.sqliteOnce.Do(func() { s.sqliteImage, s.sqliteErr = s.seedSQLite() })
	if s.sqliteErr != nil {
		t.Fatalf("seeded SQLite template: %v", s.sqliteErr)
	}
	if err := os.WriteFile(path, s.sqliteImage, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func (s *Seeded) seedSQLite() ([]byte, error) {
	dir, err := os.MkdirTemp("", "aiccd-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "seeded.db")
	if err := cloneSQLite(path); err != nil {
		return nil, err
	}
	if err := s.seed(context.Background(), path); err != nil {
		return nil, fmt.Errorf("seed the SQLite template: %w", err)
	}
	return checkpointedImage(path)
}

func (s *Seeded) postgresURL(t testing.TB) string {
	t.Helper()
	if !mainRuns {
		t.Fatal("dbtest: a Seeded PostgreSQL template needs dbtest.Main in TestMain, which drops it")
	}
	return createPostgres(t, func(ctx context.Context, conn *pgx.Conn, name string) error {
		s.pgOnce.Do(func() { s.pgTemplate, s.pgErr = s.seedPostgres(ctx, conn) })
		if s.pgErr != nil {
			return fmt.Errorf("seeded PostgreSQL template: %w", s.pgErr)
		}
		return copyDatabase(ctx, conn, name, s.pgTemplate)
	})
}

func (s *Seeded) seedPostgres(ctx context.Context, conn *pgx.Conn) (string, error) {
	name := newTemplateName()
	if err := clonePostgres(ctx, conn, name); err != nil {
		return "", fmt.Errorf("create template %s: %w", name, err)
	}
	seededMu.Lock()
	seededTemplates = append(seededTemplates, name)
	seededMu.Unlock()
	if err := s.seed(ctx, withDatabase(PostgresAdminURL(), name)); err != nil {
		return "", fmt.Errorf("seed template %s: %w", name, err)
	}
	return name, nil
}
