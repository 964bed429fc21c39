package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestErrorsSayWhatToDo runs the mistakes of a first hour with aiccd and
// reads what it prints: the user's mistake, in their terms, and a status
// that scripts notice.
func TestErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	run := runner(t, migratedSQLite(t))
	if _, _, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err)
	}

	// A store's refusal is told without its SQL.
	_, stderr, err := run("admin", "tenant", "create", "acme")
	if err == nil || stderr != "aiccd: tenant \"acme\" already exists\n" {
		t.Fatalf("duplicate tenant: %v\n%q", err, stderr)
	}
	_, stderr, _ = run("admin", "tenant", "create", "acme", "-o", "json")
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(stderr), &body); err != nil || body.Error.Code != "conflict" || body.Error.Message != `tenant "acme" already exists` {
		t.Fatalf("duplicate tenant, -o json: %v\n%s", err, stderr)
	}

	// A misspelt subcommand fails, with a suggestion.
	for args, want := range map[string]string{
		"admin tenant lst":      `unknown command "lst" for "aiccd admin tenant"; did you mean list?`,
		"admin tenat list":      `unknown command "tenat" for "aiccd admin"; did you mean tenant?`,
		"admin smartcare scene": "",
	} {
		stdout, stderr, err := run(strings.Fields(args)...)
		if want == "" {
			if err != nil || !strings.Contains(stdout, "Available Commands:") {
				t.Errorf("%s: a group without a subcommand shows its help: %v\n%s", args, err, stderr)
			}
			continue
		}
		if err == nil || !strings.Contains(stderr, want) {
			t.Errorf("%s: %v\n%s", args, err, stderr)
		}
	}

	// A list under a tenant or account that does not exist says so.
	for _, args := range [][]string{
		{"admin", "resource", "list", "--tenant", "nosuch"},
		{"admin", "appkey", "list", "--tenant", "nosuch"},
		{"admin", "malltoken", "list", "--tenant", "nosuch"},
		{"admin", "accesscode", "list", "--tenant", "nosuch"},
		{"admin", "calledroute", "list", "--tenant", "nosuch"},
		{"admin", "smartcare", "scene", "list", "--tenant", "nosuch"},
		{"admin", "smartcare", "rule", "list", "--tenant", "nosuch"},
		{"admin", "requests", "--tenant", "nosuch"},
		{"admin", "iamuser", "list", "--account", "nosuch"},
		{"admin", "aksk", "list", "--account", "nosuch"},
		{"admin", "customer", "list", "--partner", "nosuch"},
	} {
		_, stderr, err := run(args...)
		if err == nil || !strings.Contains(stderr, `"nosuch" does not exist`) && !strings.Contains(stderr, `no tenant or cloud account has ID "nosuch"`) {
			t.Errorf("%s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
	}
}

// TestHelpShowsFlagsPlainly: no help page shows a switch as
// --help[=true|false].
func TestHelpShowsFlagsPlainly(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		var out bytes.Buffer
		c.SetOut(&out)
		c.SetErr(&out)
		if err := c.Help(); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "[=true|false]") {
			t.Errorf("%s --help:\n%s", c.CommandPath(), out.String())
		}
		n++
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}))
	if n < 50 {
		t.Fatalf("%d help pages", n)
	}
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"admin", "--help"}, nil, &out, &out); err != nil || !strings.Contains(out.String(), "  -h, --help ") {
		t.Fatalf("aiccd admin --help: %v\n%s", err, out.String())
	}
}
