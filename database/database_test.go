package database_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/database/migration"
	"github.com/aiccd/aiccd/tenant"
)

func TestMigrateFromEmptyIsIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.EmptyEngines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db, err := database.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		current, latest, err := db.SchemaVersion(ctx)
		if err != nil || current != 0 || latest < 1 {
			t.Fatalf("empty database: version %d of %d, %v", current, latest, err)
		}
		applied, err := db.Migrate(ctx)
		if err != nil || len(applied) != latest {
			t.Fatalf("first Migrate applied %v, %v; want %d migrations", applied, err, latest)
		}
		again, err := db.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second Migrate applied %v, %v; want none", again, err)
		}
		if current, _, _ := db.SchemaVersion(ctx); current != latest {
			t.Fatalf("after Migrate: version %d, want %d", current, latest)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := dbtest.Open(t, dsn)
		_, latest, _ := db.SchemaVersion(ctx)
		markNewer(t, dsn, latest+1)
		if _, err := db.Migrate(ctx); !errors.Is(err, migration.ErrSchemaTooNew) {
			t.Fatalf("Migrate on a newer schema = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestEngineOf(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]database.Engine{
		"postgres://u@h/db":          database.Postgres,
		"postgresql://u@h/db":        database.Postgres,
		"./aiccd-data/aiccd.db":      database.SQLite,
		"sqlite:///var/lib/aiccd.db": database.SQLite,
	} {
		if got := database.EngineOf(dsn); got != want {
			t.Errorf("EngineOf(%q) = %s, want %s", dsn, got, want)
		}
	}
}

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		db := dbtest.Open(t, dsn)
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := db.Tenants.Create(ctx, tenant.Tenant{ID: "before", CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		backup := filepath.Join(t.TempDir(), "backup")
		if err := db.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		if err := db.Backup(ctx, backup); err == nil {
			t.Fatal("a backup overwrote an existing file")
		}
		if err := db.Tenants.Create(ctx, tenant.Tenant{ID: "after", CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		// A restore under an open database would lose what it writes.
		if err := database.Restore(ctx, dsn, backup); err == nil || !strings.Contains(err.Error(), "is in use") {
			t.Fatalf("restore while the database is open: %v", err)
		}
		if ts, err := db.Tenants.List(ctx); err != nil || len(ts) != 2 {
			t.Fatalf("after a refused restore: %+v, %v", ts, err)
		}
		db.Close()

		if err := database.Restore(ctx, dsn, backup); err != nil {
			t.Fatal(err)
		}
		restored := dbtest.Open(t, dsn)
		if err := restored.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		ts, err := restored.Tenants.List(ctx)
		if err != nil || len(ts) != 1 || ts[0].ID != "before" {
			t.Fatalf("restored tenants %+v, %v; want only the one from before the backup", ts, err)
		}
	})
}
