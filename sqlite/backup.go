package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database/migration"
)

// Backup writes a consistent copy of the database to path while it stays
// in use: VACUUM INTO reads one snapshot and writes a compacted file. The
// file is new, and readable by its owner only (0600).
func (db *DB) Backup(ctx context.Context, path string) error {
	// VACUUM INTO writes into an empty file as into a new one; creating it
	// first, exclusively, gives it its mode and refuses an existing file.
	// An absolute path is never read as a "file:" URI.
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists; choose a new file", path)
	}
	if err != nil {
		return err
	}
	f.Close()
	// A connection of its own: the writer stays free for requests.
	conn, err := sql.Open("sqlite", fileURI(db.path, "_pragma=busy_timeout(10000)"))
	if err == nil {
		_, err = conn.ExecContext(ctx, "VACUUM INTO ?", abs)
		err = errors.Join(translate(err), conn.Close())
	}
	if err != nil {
		os.Remove(abs)
	}
	return err
}

// IntegrityCheck runs SQLite's integrity and foreign key checks.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	return integrityCheck(ctx, db.read.DB)
}

func integrityCheck(ctx context.Context, q *sql.DB) error {
	var result string
	if err := q.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return translate(err)
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	rows, err := q.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("integrity check: rows refer to rows that do not exist")
	}
	return translate(rows.Err())
}

// Restore replaces the database at dsn with the backup at from, after
// checking the backup's integrity and that its schema is one this binary
// knows. The checks run on the copy that then replaces the database, so
// the file checked is the file installed. It refuses while the database
// is open (see refuseInUse).
func Restore(ctx context.Context, dsn, from string) error {
	path, err := Path(dsn)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".restore"
	// A restore that failed before may have left its copy, and SQLite
	// would read a -wal beside the copy as part of it.
	for _, stale := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := copyFile(from, tmp); err != nil {
		return err
	}
	if err := checkBackup(ctx, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", from, err)
	}
	if err := refuseInUse(ctx, path); err != nil {
		os.Remove(tmp)
		return err
	}
	// The old database's write-ahead log must not be replayed onto the
	// restored file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.Rename(tmp, path)
}

// checkBackup checks the database file at path, read-only: its integrity,
// and a schema version this binary knows.
func checkBackup(ctx context.Context, path string) error {
	src, err := sql.Open("sqlite", fileURI(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer src.Close()
	if err := integrityCheck(ctx, src); err != nil {
		return err
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	version, err := schemaVersion(ctx, src)
	if err != nil {
		return err
	}
	_, err = migration.Pending(ms, version)
	return err
}

// refuseInUse fails while any connection, of this process or another, has
// the database at path open: replacing the file under a running aiccd
// would let it go on writing to the replaced file, and everything it
// wrote would be lost. Every aiccd connection holds a shared lock of the
// write-ahead log for as long as it is open (serve keeps its writer open
// until it stops), and leaving WAL mode needs the only connection, so
// SQLite refuses it while another is open.
func refuseInUse(ctx context.Context, path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	db, err := sql.Open("sqlite", fileURI(path, "_pragma=busy_timeout(0)"))
	if err != nil {
		return err
	}
	defer db.Close()
	var mode string
	err = db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode)
	if errors.Is(translate(err), aiccd.ErrUnavailable) || (err == nil && mode != "delete") {
		return fmt.Errorf("%s is in use: an aiccd (serve, or an admin, import or backup command) has it open; stop it first", path)
	}
	return translate(err)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
