package cli

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestJSONOutputIsOneConvention runs every admin command with -o json and
// holds its output to the one convention (output.go): an object for one
// thing, {"items":[…]} for a list, {"deleted":true}-like objects for
// operations that leave nothing to show; snake_case keys; "&" as it is.
// A command added without a case here fails the test.
func TestJSONOutputIsOneConvention(t *testing.T) {
	t.Parallel()
	dsn := migratedSQLite(t)
	now := time.Now().UTC()
	day := func(d int) string { return now.Add(time.Duration(d) * 24 * time.Hour).Format(time.RFC3339) }

	type shape int
	const (
		one shape = iota
		list
		done   // {"<what was done>": …}
		vendor // a vendor API's body, in its own names
	)
	covered := map[string]bool{}
	var ids = map[string]string{}
	// doIn runs args with stdin, the way a user does.
	doIn := func(stdin string, want shape, args ...string) map[string]any {
		t.Helper()
		var out, errOut bytes.Buffer
		root := newRoot(&env{stdout: &out, stderr: &errOut})
		root.SetArgs(append(args, "-o", "json", "--database", dsn, "--master-key", testMasterKey))
		root.SetIn(strings.NewReader(stdin))
		root.SetOut(&out)
		root.SetErr(&errOut)
		err := root.ExecuteContext(t.Context())
		stdout, stderr := out.String(), errOut.String()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		covered[commandPath(args)] = true
		if strings.Contains(stdout, `\u0026`) {
			t.Errorf("%s: HTML-escaped: %s", strings.Join(args, " "), stdout)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(stdout), &v); err != nil {
			t.Fatalf("%s: not one JSON object: %v\n%s", strings.Join(args, " "), err, stdout)
		}
		switch want {
		case list:
			if _, ok := v["items"].([]any); !ok || len(v) != 1 {
				t.Errorf("%s: a list is {\"items\":[…]}: %s", strings.Join(args, " "), stdout)
			}
		case done:
			if len(v) != 1 || v["items"] != nil {
				t.Errorf("%s: an operation answers what it did: %s", strings.Join(args, " "), stdout)
			}
		case one:
			if _, ok := v["items"]; ok {
				t.Errorf("%s: one object, not a list: %s", strings.Join(args, " "), stdout)
			}
		}
		if want != vendor {
			checkSnakeCase(t, strings.Join(args, " "), v)
		}
		return v
	}
	do := func(want shape, args ...string) map[string]any {
		t.Helper()
		return doIn("", want, args...)
	}
	str := func(m map[string]any, key string) string {
		s, _ := m[key].(string)
		return s
	}

	do(one, "admin", "tenant", "create", "acme", "--portal-url", "https://acme.example/login?a=1&b=2")
	do(one, "admin", "tenant", "create", "acme-trial", "--kind", "trial")
	do(list, "admin", "tenant", "list")
	do(one, "admin", "tenant", "show", "acme")
	do(one, "admin", "tenant", "update", "acme", "--name", "Acme & Sons")
	do(one, "admin", "tenant", "expire", "acme-trial")
	do(one, "admin", "tenant", "convert", "acme-trial")
	do(one, "admin", "resource", "add", "--tenant", "acme", "--id", "r1", "--type", "agent", "--start", day(-1), "--end", day(30))
	do(list, "admin", "resource", "list", "--tenant", "acme")
	do(done, "admin", "resource", "cancel", "r1", "--tenant", "acme")
	do(one, "admin", "verifycode", "issue", "13800138000")

	key := str(do(one, "admin", "appkey", "create", "--tenant", "acme", "--name", "crm"), "app_key")
	do(list, "admin", "appkey", "list", "--tenant", "acme")
	do(one, "admin", "appkey", "disable", key)
	do(one, "admin", "appkey", "enable", key)
	do(one, "admin", "appkey", "rotate", key)
	tok := str(do(one, "admin", "malltoken", "issue", "--tenant", "acme"), "id")
	do(list, "admin", "malltoken", "list", "--tenant", "acme")
	do(done, "admin", "malltoken", "revoke", tok, "--tenant", "acme")

	do(one, "admin", "account", "create", "acme-partner", "--partner")
	do(list, "admin", "account", "list")
	do(one, "admin", "account", "update", "acme-partner", "--enabled=true")
	do(one, "admin", "iamuser", "create", "ops", "--account", "acme-partner", "--password", "Acme-partner-pw1")
	do(list, "admin", "iamuser", "list", "--account", "acme-partner")
	do(one, "admin", "iamuser", "update", "ops", "--account", "acme-partner", "--enabled=false")
	ak := str(do(one, "admin", "aksk", "create", "--account", "acme-partner"), "ak")
	do(list, "admin", "aksk", "list", "--account", "acme-partner")
	do(one, "admin", "aksk", "disable", ak)
	do(one, "admin", "aksk", "enable", ak)
	do(one, "admin", "aksk", "rotate", ak)

	do(one, "admin", "customer", "create", "--partner", "acme-partner", "--name", "shop-owner", "--email", "owner@example.com")
	do(list, "admin", "customer", "list", "--partner", "acme-partner")
	do(one, "admin", "customer", "show", "shop-owner")
	do(one, "admin", "customer", "check", "email", "owner@example.com")
	do(one, "admin", "customer", "delete", "shop-owner")

	ids["fault"] = str(do(one, "admin", "fault", "add", "--tenant", "acme", "--endpoint", "queryfaultyuser", "--status", "503"), "id")
	do(list, "admin", "fault", "list")
	do(done, "admin", "fault", "delete", ids["fault"])
	do(list, "admin", "requests", "--tenant", "acme")
	do(list, "admin", "requests", "list", "--tenant", "acme", "--endpoint", "queryfaultyuser", "--body", "msisdn=1")
	do(done, "admin", "requests", "count", "--tenant", "acme")
	do(done, "admin", "requests", "clear", "--tenant", "acme")

	ids["code"] = str(do(one, "admin", "accesscode", "add", "4008001000", "--tenant", "acme", "--description", "Sales & support"), "id")
	do(list, "admin", "accesscode", "list", "--tenant", "acme")
	do(one, "admin", "accesscode", "update", ids["code"], "--tenant", "acme", "--call-attr", "1")
	ids["route"] = str(do(one, "admin", "calledroute", "add", "--tenant", "acme", "--access-code", "4008001000", "--device-type", "ivr", "--device-id", "3"), "id")
	do(list, "admin", "calledroute", "list", "--tenant", "acme")
	do(one, "admin", "calledroute", "update", ids["route"], "--tenant", "acme", "--device-id", "4")
	do(done, "admin", "calledroute", "delete", ids["route"], "--tenant", "acme")
	do(done, "admin", "accesscode", "delete", ids["code"], "--tenant", "acme")

	do(one, "admin", "smartcare", "settings", "--tenant", "acme", "--retention-days", "0")
	do(one, "admin", "smartcare", "scene", "create", "1", "--tenant", "acme", "--codes", "SMS,DATA")
	do(list, "admin", "smartcare", "scene", "list", "--tenant", "acme")
	do(one, "admin", "smartcare", "scene", "update", "1", "--tenant", "acme", "--name", "SMS & data")
	ids["rule"] = str(do(one, "admin", "smartcare", "rule", "create", "--tenant", "acme", "--scene-code", "DATA",
		"--rule", "LAC_TAC=L1&SAI_CGI_ECGI=C1", "--from", day(-2)), "id")
	do(list, "admin", "smartcare", "rule", "list", "--tenant", "acme")
	do(one, "admin", "smartcare", "rule", "update", ids["rule"], "--tenant", "acme", "--description", "cell & site")
	do(one, "admin", "smartcare", "rule", "check", "lac_tac=L1")
	do(list, "admin", "smartcare", "records", "--tenant", "acme", "--msisdn", "6680000000001", "--from", day(-1), "--to", day(0))
	do(vendor, "admin", "smartcare", "query", "--tenant", "acme", "--msisdn", "6680000000001",
		"--fault-time", now.Format(time.RFC3339), "--scene", "1")
	do(done, "admin", "smartcare", "rule", "delete", ids["rule"], "--tenant", "acme")
	doIn("Str0ng-pass\n", one, "admin", "user", "create", "ann", "--role", "viewer")
	do(list, "admin", "user", "list")
	do(done, "admin", "user", "delete", "ann")
	do(list, "admin", "audit")
	do(done, "admin", "smartcare", "scene", "delete", "1", "--tenant", "acme")
	do(one, "admin", "tenant", "snapshot", "create", "acme", "clean")
	do(list, "admin", "tenant", "snapshot", "list", "acme")
	do(one, "admin", "tenant", "snapshot", "restore", "acme", "clean")
	do(done, "admin", "tenant", "snapshot", "delete", "acme", "clean")
	do(done, "admin", "tenant", "delete", "acme-trial", "--yes")

	// Every admin command ran.
	var missing []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && !c.HasSubCommands() && !covered[c.CommandPath()] {
			missing = append(missing, c.CommandPath())
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	root := newRoot(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	for _, c := range root.Commands() {
		if c.Name() == "admin" {
			walk(c)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Fatalf("admin commands without a JSON convention case:\n%s", strings.Join(missing, "\n"))
	}
}

// commandPath is the command args run, "aiccd admin tenant create", for
// the coverage check: the leading words before the first argument that is
// not a command name.
func commandPath(args []string) string {
	root := newRoot(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	c, _, err := root.Find(args)
	if err != nil {
		return ""
	}
	return c.CommandPath()
}

var snakeCase = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// checkSnakeCase walks v, whose keys must be snake_case but for the
// dimension names of records (data, upper-case).
func checkSnakeCase(t *testing.T, what string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if !snakeCase.MatchString(k) {
				t.Errorf("%s: key %q is not snake_case", what, k)
			}
			if k != "dimensions" {
				checkSnakeCase(t, what, sub)
			}
		}
	case []any:
		for _, sub := range x {
			checkSnakeCase(t, what, sub)
		}
	}
}
