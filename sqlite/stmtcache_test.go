package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Every connection of the pool in a read transaction, each running a
// query not yet prepared: preparing it must not wait for a connection.
func TestReadTxDoesNotWaitForAnotherConnection(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	const conns = 2
	db.SetMaxOpenConns(conns)
	pool := newStmtDB(db)
	defer pool.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var begun, done sync.WaitGroup
	begun.Add(conns)
	errs := make(chan error, conns)
	for i := range conns {
		done.Go(func() {
			tx, err := pool.beginRead(ctx)
			if err != nil {
				begun.Done()
				errs <- err
				return
			}
			defer tx.Rollback()
			begun.Done()
			begun.Wait() // every connection is now in a transaction
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT ? + 1", i).Scan(&n); err != nil || n != i+1 {
				errs <- err
			}
		})
	}
	done.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// The statement is prepared in the background, for later queries.
	deadline := time.Now().Add(5 * time.Second)
	for pool.cached("SELECT ? + 1") == nil {
		if time.Now().After(deadline) {
			t.Fatal("the query was never prepared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	tx, err := pool.beginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT ? + 1", 41).Scan(&n); err != nil || n != 42 {
		t.Fatalf("prepared query: %d, %v", n, err)
	}
}

// Close returns only once the statements being prepared in the background
// are done: until then they may open connections, and with them SQLite's
// files beside the database, which the caller may be removing.
func TestCloseWaitsForBackgroundPrepares(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	pool := newStmtDB(db)
	for i := range 50 {
		pool.prepareLater(fmt.Sprintf("SELECT %d", i))
	}
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	pool.mu.Lock()
	defer pool.mu.Unlock()
	if n := len(pool.preparing); n != 0 {
		t.Fatalf("%d statements still being prepared after Close", n)
	}
	if n := len(pool.stmts); n != 0 {
		t.Fatalf("%d statements kept after Close", n)
	}
}
