package dbtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/sqlite"
	"github.com/jackc/pgx/v5"
)

// Migrating from scratch costs seconds per database under -race (SQLite
// runs as translated C), so each test binary migrates each engine once,
// into a template, and clones it for every test that wants a migrated
// database: a copy of the file for SQLite, CREATE DATABASE ... TEMPLATE
// for PostgreSQL.

// templatePrefix names the PostgreSQL templates; the creation time in the
// name lets a later binary drop the template of one that was killed.
const templatePrefix = "aiccd_tmpl_"

// staleTemplate is the age after which a template is taken for a killed
// binary's: no test binary runs this long.
const staleTemplate = 6 * time.Hour

var (
	// mainRuns is set by Main, which drops the PostgreSQL template when the
	// binary's tests end; without it there is none to drop.
	mainRuns bool

	sqliteOnce  sync.Once
	sqliteImage []byte // the migrated SQLite file, its write-ahead log checkpointed
	sqliteErr   error

	pgOnce     sync.Once
	pgTemplate string // this binary's migrated PostgreSQL template
	pgErr      error

	// Dropping a database waits for a checkpoint, a second or so: under
	// Main, tests hand their databases to dropLater and go on, and Main
	// waits for the drops and fails the run if one failed.
	drops      sync.WaitGroup
	dropMu     sync.Mutex
	dropFailed []error
)

// Main runs the tests of a package whose tests use PostgreSQL through
// dbtest, waits for their databases to be dropped, and drops this
// binary's template. Call it from TestMain; without it every PostgreSQL
// database is migrated from scratch, and dropped before its test ends.
// TestMain passes its result to os.Exit: a TestMain that returns exits
// with m.Run's result, and a failed drop would go unreported.
func Main(m *testing.M) int {
	mainRuns = true
	code := m.Run()
	drops.Wait()
	for _, err := range dropFailed {
		fmt.Fprintf(os.Stderr, "dbtest: %v\n", err)
		code = max(code, 1)
	}
	// The migrated template and the seeded ones (seeded.go).
	for _, name := range append(seededTemplates, pgTemplate) {
		if name == "" {
			continue
		}
		if err := dropDatabase(name); err != nil {
			fmt.Fprintf(os.Stderr, "dbtest: drop template %s: %v\n", name, err)
			code = max(code, 1)
		}
	}
	return code
}

// cloneSQLite writes the migrated template to path, which must not exist.
func cloneSQLite(path string) error {
	sqliteOnce.Do(func() { sqliteImage, sqliteErr = migrateSQLiteImage() })
	if sqliteErr != nil {
		return sqliteErr
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(sqliteImage); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func migrateSQLiteImage() ([]byte, error) {
	dir, err := os.MkdirTemp("", "aiccd-dbtest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	_, err = db.Migrate(ctx)
	if err := errors.Join(err, db.Close()); err != nil {
		return nil, fmt.Errorf("migrate the SQLite template: %w", err)
	}
	return checkpointedImage(path)
}

// checkpointedImage reads the SQLite file at path, closed: its last
// connection checkpoints the write-ahead log into the file and removes
// it, and a log left behind would hold writes a copy of the file misses.
func checkpointedImage(path string) ([]byte, error) {
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("the write-ahead log of %s was not checkpointed; is a connection to it still open?", filepath.Base(path))
	}
	return os.ReadFile(path)
}

// clonePostgres creates the database name as a copy of the migrated
// template.
func clonePostgres(ctx context.Context, conn *pgx.Conn, name string) error {
	pgOnce.Do(func() { pgTemplate, pgErr = migratePostgresTemplate(ctx, conn) })
	if pgErr != nil {
		return pgErr
	}
	return copyDatabase(ctx, conn, name, pgTemplate)
}

// copyDatabase creates the database name as a copy of template. The
// files are copied as they are (FILE_COPY) rather than written through
// the write-ahead log, block by block, as PostgreSQL 15 does by default:
// for a template of a few megabytes, that is four tenths less of the
// server's CPU per copy, and a suite makes over a hundred.
func copyDatabase(ctx context.Context, conn *pgx.Conn, name, template string) error {
	_, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template+" STRATEGY FILE_COPY")
	return err
}

// newTemplateName names a new template of this binary: the prefix, when
// it was made (dropStaleTemplates reads it), and a random suffix.
func newTemplateName() string {
	return templatePrefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + randomHex(4)
}

func migratePostgresTemplate(ctx context.Context, conn *pgx.Conn) (string, error) {
	dropStaleTemplates(ctx, conn)
	name := newTemplateName()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create template %s: %w", name, err)
	}
	db, err := database.Open(ctx, withDatabase(PostgresAdminURL(), name))
	if err == nil {
		_, err = db.Migrate(ctx)
		err = errors.Join(err, db.Close())
	}
	if err != nil {
		dropDatabase(name)
		return "", fmt.Errorf("migrate template %s: %w", name, err)
	}
	return name, nil
}

// dropStaleTemplates drops the templates of binaries killed before Main
// could drop theirs.
func dropStaleTemplates(ctx context.Context, conn *pgx.Conn) {
	rows, err := conn.Query(ctx, "SELECT datname FROM pg_database WHERE datname LIKE '"+templatePrefix+"%'")
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range names {
		created, _, _ := strings.Cut(strings.TrimPrefix(name, templatePrefix), "_")
		if sec, err := strconv.ParseInt(created, 10, 64); err == nil && time.Since(time.Unix(sec, 0)) > staleTemplate {
			conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
		}
	}
}

// dropLater drops the database name in the background; Main waits.
func dropLater(name string) {
	drops.Go(func() {
		if err := dropDatabase(name); err != nil {
			dropMu.Lock()
			dropFailed = append(dropFailed, fmt.Errorf("drop database %s: %w", name, err))
			dropMu.Unlock()
		}
	})
}

// dropTimeout bounds one drop. Each waits for a checkpoint, and when a
// package's tests hand dozens of databases to dropLater on a loaded
// machine (a load average of 11 on 2 cores), the last of them waited more
// than 30 seconds.
const dropTimeout = 3 * time.Minute

func dropDatabase(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, PostgresAdminURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	return err
}

// sqlitePath is the file a SQLite dsn names, or "" for a PostgreSQL URL.
func sqlitePath(dsn string) string {
	if database.EngineOf(dsn) != database.SQLite {
		return ""
	}
	p, _ := sqlite.Path(dsn)
	return p
}
