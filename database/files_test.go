package database_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/sqlite"
	"github.com/aiccd/aiccd/tenant"
)

// wantMode fails unless the file at path has exactly the permissions want.
func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %#o, want %#o", filepath.Base(path), got, want)
	}
}

// TestFilesAreTheOwnersOnly: the SQLite database, its -wal and -shm files,
// the directory aiccd creates for it, and backups of either engine are
// readable by their owner only, like master.key, whatever the umask lets
// other programs' files be.
func TestFilesAreTheOwnersOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t.Run(string(database.SQLite), func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "aiccd-data")
		dsn := filepath.Join(dir, "aiccd.db")
		db := dbtest.Open(t, dsn)
		if err := db.Tenants.Create(ctx, tenant.Tenant{ID: "t1", CreatedAt: at, UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
		wantMode(t, dir, 0o700)
		for _, f := range []string{dsn, dsn + "-wal", dsn + "-shm"} {
			wantMode(t, f, 0o600)
		}
		backup := filepath.Join(t.TempDir(), "aiccd-backup.db")
		if err := db.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		wantMode(t, backup, 0o600)
		db.Close()

		restored := filepath.Join(t.TempDir(), "restored", "aiccd.db")
		if err := database.Restore(ctx, restored, backup); err != nil {
			t.Fatal(err)
		}
		wantMode(t, filepath.Dir(restored), 0o700)
		wantMode(t, restored, 0o600)
	})
	t.Run(string(database.Postgres), func(t *testing.T) {
		db := dbtest.Open(t, dbtest.PostgresURL(t))
		backup := filepath.Join(t.TempDir(), "aiccd.dump")
		if err := db.Backup(ctx, backup); err != nil {
			t.Fatal(err)
		}
		wantMode(t, backup, 0o600)
	})
}

// TestRestoreChecksTheFileItInstalls restores from paths with the
// characters a URI would read as its end ('#', '?') or decode ('%'): the
// file checked is the file given, and it is the file installed.
func TestRestoreChecksTheFileItInstalls(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	db := dbtest.Open(t, live)
	if err := db.Tenants.Create(ctx, tenant.Tenant{ID: "live", CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.db")
	if err := db.Backup(ctx, good); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// "good.db#evil" is no database, and must not be installed for the
	// check of good.db.
	if err := os.WriteFile(good+"#evil", []byte("not a database, and certainly not good.db"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := database.Restore(ctx, live, good+"#evil"); err == nil {
		t.Fatal("restored from good.db#evil, which is no database")
	}
	if err := database.Restore(ctx, live, good+"?mode=ro"); err == nil {
		t.Fatal("restored from good.db?mode=ro, which does not exist")
	}
	reopened := dbtest.Open(t, live)
	if ts, err := reopened.Tenants.List(ctx); err != nil || len(ts) != 1 {
		t.Fatalf("the live database after refused restores: %+v, %v", ts, err)
	}
	reopened.Close()

	// A backup whose name holds them restores, from that very file.
	odd := filepath.Join(dir, "odd#name?x=%41.db")
	if err := os.Rename(good, odd); err != nil {
		t.Fatal(err)
	}
	if err := database.Restore(ctx, live, odd); err != nil {
		t.Fatalf("restore from %s: %v", odd, err)
	}
}

// TestSQLitePaths: a file path is taken as it is; a sqlite: URL is
// percent-decoded, and one with a query or a fragment is refused rather
// than cut short. The file opened is the file named.
func TestSQLitePaths(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]string{
		"dir/good.db#evil":           "dir/good.db#evil",
		"dir/a?b=c.db":               "dir/a?b=c.db",
		"dir/100%.db":                "dir/100%.db",
		"sqlite:dir/a%23b%3Fc.db":    "dir/a#b?c.db",
		"sqlite:///var/lib/aiccd.db": "/var/lib/aiccd.db",
		"sqlite://rel/aiccd.db":      "rel/aiccd.db",
	} {
		if got, err := sqlite.Path(dsn); err != nil || got != want {
			t.Errorf("Path(%q) = %q, %v; want %q", dsn, got, err, want)
		}
	}
	for _, dsn := range []string{"sqlite:dir/good.db#evil", "sqlite:dir/good.db?mode=ro", "sqlite:", "", "dir/a\x00b.db"} {
		if got, err := sqlite.Path(dsn); err == nil {
			t.Errorf("Path(%q) = %q, want an error", dsn, got)
		}
	}
	dir := t.TempDir()
	named := filepath.Join(dir, "a#b?c%41.db")
	dbtest.Open(t, named).Close()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != filepath.Base(named) {
			t.Errorf("opening %s created %s", filepath.Base(named), e.Name())
		}
	}
}
