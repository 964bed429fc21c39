// Package dbtest gives tests real databases: a fresh SQLite file, and a
// fresh PostgreSQL database created on AICCD_TEST_POSTGRES_URL and dropped
// once the test ends; migrated ones are copies of a template migrated once
// per test binary (template.go). Without a reachable PostgreSQL the PostgreSQL half
// skips with a message, except under CI=true, where it fails.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database"
	"github.com/jackc/pgx/v5"
)

// DefaultPostgresURL is used when AICCD_TEST_POSTGRES_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresAdminURL is the server tests create their databases on.
func PostgresAdminURL() string {
	if u := os.Getenv("AICCD_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// SQLiteURL returns the path of a new SQLite database in t's temporary
// directory.
func SQLiteURL(t testing.TB) string {
	return filepath.Join(t.TempDir(), "aiccd.db")
}

// PostgresURL creates an empty PostgreSQL database for t and returns its
// URL; the database is dropped once t ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return postgresURL(t, false)
}

// connectAdmin connects to the PostgreSQL server at admin, or ends t:
// skipped when it is unreachable, failed under CI=true.
func connectAdmin(ctx context.Context, t testing.TB, admin string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is unreachable and CI=true: %v", admin, err)
		}
		t.Skipf("PostgreSQL tests skipped: %s is unreachable (%v); set AICCD_TEST_POSTGRES_URL", admin, err)
	}
	return conn
}

// postgresURL creates a database for t, empty or migrated: a copy of the
// template if the package's TestMain calls Main.
func postgresURL(t testing.TB, migrated bool) string {
	t.Helper()
	dsn := createPostgres(t, func(ctx context.Context, conn *pgx.Conn, name string) error {
		if migrated && mainRuns {
			return clonePostgres(ctx, conn, name)
		}
		_, err := conn.Exec(ctx, "CREATE DATABASE "+name)
		return err
	})
	if migrated && !mainRuns {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		db, err := database.Open(ctx, dsn)
		if err == nil {
			_, err = db.Migrate(ctx)
			err = errors.Join(err, db.Close())
		}
		if err != nil {
			t.Fatalf("migrate %s: %v", dsn, err)
		}
	}
	return dsn
}

// createPostgres creates a database for t with create, which is given a
// connection to the server and the new database's name, has it dropped
// when t ends (in the background under Main), and returns its URL.
func createPostgres(t testing.TB, create func(ctx context.Context, conn *pgx.Conn, name string) error) string {
	t.Helper()
	admin := PostgresAdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	conn := connectAdmin(ctx, t, admin)
	defer conn.Close(ctx)

	name := "aiccd_test_" + randomHex(6)
	if err := create(ctx, conn, name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if mainRuns {
			dropLater(name)
			return
		}
		if err := dropDatabase(name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// withDatabase returns the URL admin with its database replaced by name.
func withDatabase(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic(fmt.Sprintf("AICCD_TEST_POSTGRES_URL: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}

// Engines runs fn once per engine, as subtests named "sqlite" and
// "postgres", each with the URL of a fresh database that is already
// migrated (a copy of the template; see Main).
func Engines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run(string(database.SQLite), func(t *testing.T) { fn(t, migratedSQLiteURL(t)) })
	t.Run(string(database.Postgres), func(t *testing.T) { fn(t, postgresURL(t, true)) })
}

// MigratedURL returns the URL of a fresh, migrated database of engine
// for t: a copy of the template (see Main), dropped when t ends. The
// engines' own packages test their stores with it.
func MigratedURL(t *testing.T, engine database.Engine) string {
	t.Helper()
	if engine == database.Postgres {
		return postgresURL(t, true)
	}
	return migratedSQLiteURL(t)
}

// EmptyEngines is Engines with empty databases, for tests of migrating
// and of what runs before a database is migrated.
func EmptyEngines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run(string(database.SQLite), func(t *testing.T) { fn(t, SQLiteURL(t)) })
	t.Run(string(database.Postgres), func(t *testing.T) { fn(t, PostgresURL(t)) })
}

// migratedSQLiteURL returns the path of a migrated SQLite database in t's
// temporary directory.
func migratedSQLiteURL(t testing.TB) string {
	t.Helper()
	dsn := SQLiteURL(t)
	if err := cloneSQLite(dsn); err != nil {
		t.Fatalf("SQLite template: %v", err)
	}
	return dsn
}

// Open opens and migrates the database at dsn, closing it when t ends. A
// SQLite file that does not exist yet starts as a copy of the migrated
// template.
func Open(t testing.TB, dsn string) *database.DB {
	t.Helper()
	ctx := context.Background()
	if path := sqlitePath(dsn); path != "" {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			if _, err := os.Stat(filepath.Dir(path)); err == nil {
				if err := cloneSQLite(path); err != nil {
					t.Fatalf("SQLite template: %v", err)
				}
			}
		}
	}
	db, err := database.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", dsn, err)
	}
	return db
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Follow returns a hub that follows db's change feed until t ends, once
// the feed is live: services built on it keep their read models as a
// serving process does.
func Follow(t testing.TB, db *database.DB) *changefeed.Hub {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := changefeed.NewHub(nil)
	done := make(chan struct{})
	go func() { db.Feed.Follow(ctx, h); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(10 * time.Second)
	for !h.Live() {
		if time.Now().After(deadline) {
			t.Fatal("the change feed did not start within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	return h
}
