package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/jackc/pgx/v5"
)

// Backup writes the database to path with pg_dump's custom format, which
// pg_restore reads. PostgreSQL's own tools are the reliable way to copy a
// live database; they must be on PATH, at the server's major version or
// newer. The file is new, and readable by its owner only (0600).
func (db *DB) Backup(ctx context.Context, path string) error {
	// pg_dump writes into an existing file, keeping its mode; creating it
	// first, exclusively, gives it its mode and refuses an existing file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists; choose a new file", path)
	}
	if err != nil {
		return err
	}
	f.Close()
	if err := runTool(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+path, "--dbname="+db.url); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// Restore loads a pg_dump backup into the database at url, replacing the
// objects it contains. It refuses while an aiccd is connected to the
// database (see refuseInUse).
func Restore(ctx context.Context, url, from string) error {
	if err := refuseInUse(ctx, url); err != nil {
		return err
	}
	return runTool(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", "--dbname="+url, from)
}

// refuseInUse fails while connections of aiccd, which name themselves by
// application_name (see Open), are open to the database at url: pg_restore
// --clean drops and recreates the tables under them, and what they write
// meanwhile is lost or fails.
func refuseInUse(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("postgres URL: %w", err)
	}
	name := applicationNameOf(cfg.RuntimeParams)
	cfg.RuntimeParams["application_name"] = name + " restore"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return translate(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var n int
	var clients string
	err = conn.QueryRow(ctx, `SELECT count(*), coalesce(string_agg(DISTINCT coalesce(host(client_addr), 'a local socket'), ', '), '')
		FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()`, name).Scan(&n, &clients)
	if err != nil {
		return translate(err)
	}
	if n > 0 {
		return fmt.Errorf("database %s is in use: %d connection(s) of aiccd (application_name %q) from %s; stop every aiccd using it first",
			cfg.Database, n, name, clients)
	}
	return nil
}

// IntegrityCheck verifies every B-tree index of aiccd's tables against its
// table with the amcheck extension, when it is installed, and reads every
// table either way.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	rows, err := db.pool.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind = 'r' AND n.nspname = current_schema()`)
	if err != nil {
		return translate(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return translate(err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	for _, t := range tables {
		if _, err := db.pool.Exec(ctx, fmt.Sprintf(`SELECT count(*) FROM %q`, t)); err != nil {
			return fmt.Errorf("integrity check: table %s: %w", t, err)
		}
	}
	var haveAmcheck bool
	if err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'amcheck')`).Scan(&haveAmcheck); err != nil {
		return translate(err)
	}
	if !haveAmcheck {
		return nil
	}
	_, err = db.pool.Exec(ctx, `SELECT bt_index_check(i.indexrelid) FROM pg_index i
		JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE a.amname = 'btree' AND n.nspname = current_schema()`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	return nil
}

func runTool(ctx context.Context, name string, args ...string) error {
	path, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s is not on PATH: install the PostgreSQL client tools (Debian: postgresql-client) "+
			"or back up with your usual PostgreSQL tooling", name)
	}
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("%s failed: %s", name, out)
		}
		return err
	}
	return nil
}
