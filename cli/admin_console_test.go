package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
)

func TestAdminConsoleUsersAndAudit(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		run := func(stdin io.Reader, args ...string) (string, error) {
			var out, errOut bytes.Buffer
			root := newRoot(&env{stdout: &out, stderr: &errOut})
			root.SetArgs(append(args, "--database", dsn, "--master-key", testMasterKey))
			root.SetIn(stdin)
			root.SetOut(&out)
			root.SetErr(&errOut)
			err := root.ExecuteContext(context.Background())
			return out.String(), err
		}
		if _, err := run(strings.NewReader("Str0ng-pass\n"), "admin", "user", "create", "ann", "--role", "admin"); err == nil ||
			!strings.Contains(err.Error(), "neither viewer nor operator") {
			t.Fatalf("an unknown role: %v", err)
		}
		if _, err := run(strings.NewReader("weak\n"), "admin", "user", "create", "ann", "--role", "operator"); err == nil ||
			!strings.Contains(err.Error(), "8 to 128 characters") {
			t.Fatalf("a weak password: %v", err)
		}
		out, err := run(strings.NewReader("Str0ng-pass\n"), "admin", "user", "create", "ann", "--role", "operator", "-o", "json")
		if err != nil {
			t.Fatal(err)
		}
		var user map[string]any
		if err := json.Unmarshal([]byte(out), &user); err != nil || user["name"] != "ann" ||
			user["role"] != "operator" || strings.Contains(out, "argon2") {
			t.Fatalf("create: %v\n%s", err, out)
		}
		if out, err = run(nil, "admin", "user", "list"); err != nil || !strings.Contains(out, "ann   operator") {
			t.Fatalf("list: %v\n%s", err, out)
		}
		if out, err = run(nil, "admin", "audit", "-o", "json"); err != nil || strings.TrimSpace(out) != `{
  "items": []
}` {
			t.Fatalf("an empty audit log: %v\n%s", err, out)
		}
		if _, err = run(nil, "admin", "user", "delete", "ann"); err != nil {
			t.Fatal(err)
		}
		if _, err = run(nil, "admin", "user", "delete", "ann"); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("delete twice: %v", err)
		}
	})
}
