package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestoreOnePath: `aiccd restore 'dir/good.db#evil' --yes` restores
// dir/good.db#evil or nothing; it is never checked as dir/good.db and
// installed as the other. Backups are the owner's only.
func TestRestoreOnePath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := runner(t, migrated(t, filepath.Join(dir, "live.db")))
	if _, _, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.db")
	if _, _, err := run("backup", good); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(good); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v %v, want mode 0600", fi.Mode(), err)
	}
	if err := os.WriteFile(good+"#evil", []byte("SQLite format 3\x00 but nothing else"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := run("restore", good+"#evil", "--yes"); err == nil {
		t.Fatalf("restored from a file that is no database: %s", out)
	}
	if out, _, err := run("admin", "tenant", "list"); err != nil || !strings.Contains(out, "acme") {
		t.Fatalf("the live database after a refused restore: %v\n%s", err, out)
	}
	if _, _, err := run("restore", good, "--yes"); err != nil {
		t.Fatalf("restore from the good backup: %v", err)
	}
}
