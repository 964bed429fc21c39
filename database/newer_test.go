package database_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/sqlite"
	"github.com/jackc/pgx/v5"
)

// markNewer records a schema version this binary does not know, as a newer
// aiccd would have.
func markNewer(t *testing.T, dsn string, version int) {
	t.Helper()
	ctx := context.Background()
	if database.EngineOf(dsn) == database.Postgres {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')`, version); err != nil {
			t.Fatal(err)
		}
		return
	}
	path, _ := sqlite.Path(dsn)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', 0)`, version); err != nil {
		t.Fatal(err)
	}
}
