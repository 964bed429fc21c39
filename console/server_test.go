package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/cli"
	"github.com/aiccd/aiccd/cli/clitest"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/snowflake"
)

const (
	masterKey  = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	adminToken = "console-test-admin-token"
	password   = "Str0ng-pass"
)

// startServer runs aiccd serve --demo on dsn with an operator "ann" and
// a viewer "vic", stopped when t ends.
func startServer(t testing.TB, dsn string, args ...string) *clitest.Server {
	t.Helper()
	db := dbtest.Open(t, dsn)
	ids, err := snowflake.New(1, aiccd.SystemClock)
	if err != nil {
		t.Fatal(err)
	}
	users := admin.NewService(admin.Options{Store: db.Console, Clock: aiccd.SystemClock, IDs: ids})
	for name, role := range map[string]admin.Role{"ann": admin.RoleOperator, "vic": admin.RoleViewer} {
		if _, err := users.CreateUser(context.Background(), name, role, password); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := clitest.Start(append([]string{"--demo", "--database", dsn, "--master-key", masterKey, "--journal-bodies"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}

// startBare runs aiccd serve --demo on dsn with no admin access.
func startBare(dsn string) (*clitest.Server, error) {
	return clitest.Start("--demo", "--database", dsn, "--master-key", masterKey)
}

// post sends a JSON request to one of aiccd's APIs, as an integrator's
// client would, and returns the status and the decoded answer.
func post(t *testing.T, url, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(b, &out)
	return res.StatusCode, out
}

// aiccdCLI runs an aiccd command on dsn and returns what it printed.
func aiccdCLI(t *testing.T, dsn string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := cli.Run(context.Background(), append(args, "--database", dsn, "--master-key", masterKey), nil, &out, &errOut); err != nil {
		t.Fatalf("aiccd %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}
