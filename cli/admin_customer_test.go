package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
)

// TestAdminCustomers passes testMasterKey so that PostgreSQL runs do not
// write a key file into the working directory.
func TestAdminCustomers(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		run := func(args ...string) (string, string, error) {
			var out, errOut bytes.Buffer
			err := Run(context.Background(), append(args, "--database", dsn, "--master-key", testMasterKey), nil, &out, &errOut)
			return out.String(), errOut.String(), err
		}
		if _, _, err := run("admin", "account", "create", "p1", "--partner"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := run("admin", "account", "create", "np1"); err != nil {
			t.Fatal(err)
		}
		out, _, err := run("admin", "customer", "create", "--partner", "p1", "--name", "Shop-Owner", "--email", "Owner@Example.com", "--mobile", "13800000000", "-o", "json")
		if err != nil {
			t.Fatal(err)
		}
		var created map[string]any
		if err := json.Unmarshal([]byte(out), &created); err != nil ||
			created["email"] != "owner@example.com" || created["mobile"] != "0086-13800000000" || created["name"] != "Shop-Owner" {
			t.Fatalf("create: %v\n%s", err, out)
		}
		if _, _, err := run("admin", "customer", "create", "--partner", "np1", "--name", "other-owner"); err == nil || !strings.Contains(err.Error(), "not a partner") {
			t.Fatalf("a customer of a non-partner: %v", err)
		}
		if _, _, err := run("admin", "customer", "create", "--partner", "p1", "--name", "shop-owner"); err == nil || !strings.Contains(err.Error(), "name is already used") {
			t.Fatalf("a used name: %v", err)
		}

		// Import with --partner-mobile-limit 2: the third account on one
		// number is rejected, as are a used address, a bad name and a
		// duplicate within the file.
		csv := "name,email,mobile\n" +
			"imp-0001,i1@example.com,0086-13800000000\n" + // line 2: the number's second account
			"imp-0002,OWNER@example.com,\n" + // 3: used address
			"bad,,\n" + // 4: too short
			"imp-0003,,0086-13800000000\n" + // 5: the number's third account
			"imp-0004,i4@example.com,\n" + // 6
			"IMP-0004,,\n" // 7: duplicate name in another case
		path := filepath.Join(t.TempDir(), "customers.csv")
		os.WriteFile(path, []byte(csv), 0o600)
		out, errOut, err := run("import", "customers", "--partner", "p1", "--partner-mobile-limit", "2", path)
		if err == nil || !strings.Contains(err.Error(), "4 rows rejected") || !strings.Contains(out, "imported 2 customers, rejected 4") {
			t.Fatalf("import: %v\n%s%s", err, out, errOut)
		}
		want := "line 3: the email address is already used by another account\n" +
			"line 4: a name must have 5 to 32 characters\n" +
			"line 5: the mobile number is registered with as many accounts as allowed\n" +
			"line 7: the name is already used by another account\n"
		if !strings.Contains(errOut, want) {
			t.Fatalf("rejected rows:\n%s\nwant:\n%s", errOut, want)
		}
		if strings.Contains(errOut, "example.com") || strings.Contains(errOut, "13800000000") {
			t.Fatalf("personal data in the report:\n%s", errOut)
		}

		out, _, err = run("admin", "customer", "list", "--partner", "p1")
		if err != nil || !regexp.MustCompile(`(?s)^ID\s+PARTNER\s+NAME\s+EMAIL\s+MOBILE\s+PASSWORD\s+CREATED\n[0-9a-f]{32}\s+p1\s+imp-0001\s+i1@example.com\s+0086-13800000000\s+no.*imp-0004.*Shop-Owner`).MatchString(out) {
			t.Fatalf("list: %v\n%s", err, out)
		}
		out, _, err = run("admin", "customer", "check", "mobile", "0086-13800000000", "--partner-mobile-limit", "2")
		if err != nil || !regexp.MustCompile(`USED\s+LIMIT REACHED\s+REMAINING\nyes\s+yes\s+0`).MatchString(out) {
			t.Fatalf("check: %v\n%s", err, out)
		}
		if _, _, err := run("admin", "customer", "delete", "imp-0001"); err != nil {
			t.Fatal(err)
		}
		out, _, _ = run("admin", "customer", "check", "mobile", "0086-13800000000", "--partner-mobile-limit", "2", "-o", "json")
		if !strings.Contains(out, `"limit_reached": false`) || !strings.Contains(out, `"remaining": 1`) {
			t.Fatalf("after a delete: %s", out)
		}
		if _, _, err := run("admin", "customer", "show", "imp-0001"); err == nil || !strings.Contains(err.Error(), "no customer") {
			t.Fatalf("show a deleted customer: %v", err)
		}
	})
}
