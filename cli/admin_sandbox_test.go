package cli

import (
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
)

func TestFaultAddRefusesUnknownEndpoints(t *testing.T) {
	t.Parallel()
	run := runner(t, migrated(t, dbtest.SQLiteURL(t)))
	if _, _, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err)
	}
	_, _, err := run("admin", "fault", "add", "--tenant", "acme", "--endpoint", "nosuchendpoint", "--status", "503")
	if err == nil || !strings.Contains(err.Error(), `endpoint "nosuchendpoint" is not one that fault rules apply to; give one of querytenantbasic,`) {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := run("admin", "fault", "add", "--tenant", "acme", "--endpoint", "queryfaultyuser", "--status", "503"); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run("admin", "fault", "list"); strings.Contains(out, "nosuchendpoint") || !strings.Contains(out, "queryfaultyuser") {
		t.Fatalf("rules:\n%s", out)
	}
}
