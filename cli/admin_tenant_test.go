package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminTenantLifecycle(t *testing.T) {
	t.Parallel()
	run := runner(t, migratedSQLite(t))
	must := func(args ...string) string {
		t.Helper()
		out, errOut, err := run(args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut)
		}
		return out
	}
	must("admin", "tenant", "create", "acme", "--name", "Acme", "--kind", "trial", "--vdn", "150",
		"--company", "Huawei Tech Corp", "--contact", "zhaolei", "--email", "sunkai@huawei.com", "--mobile", "15312340991",
		"--created", "1681203525000", "--trial-expires", "2099-01-01T00:00:00Z")

	out := must("admin", "tenant", "show", "acme")
	for _, want := range []string{"5 (trial)", "Huawei Tech Corp", "zhaolei", "sunkai@huawei.com", "15312340991", "2023-04-11T08:58:45Z", "2099-01-01T00:00:00Z"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	out = must("admin", "tenant", "show", "acme", "--masked", "-o", "json")
	var shown struct {
		Profile map[string]string `json:"profile"`
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil || shown.Profile["mobile"] != "153****0991" || shown.Profile["company"] != "Huawei XXXXXXXXX" {
		t.Fatalf("show --masked: %v\n%s", err, out)
	}
	if out := must("admin", "tenant", "list", "--kind", "trial"); !strings.Contains(out, "acme") || strings.Contains(out, "zhaolei") {
		t.Fatalf("list: %s", out)
	}
	if out := must("admin", "tenant", "list", "--kind", "formal"); strings.Contains(out, "acme") {
		t.Fatalf("list --kind formal: %s", out)
	}

	out = must("admin", "tenant", "update", "acme", "--email", "ops@huawei.com", "--vdn", "")
	if !strings.Contains(out, "ops@huawei.com") || !strings.Contains(out, "zhaolei") {
		t.Fatalf("update: %s", out)
	}
	if _, _, err := run("admin", "tenant", "update", "acme", "--email", "secret-value"); err == nil || strings.Contains(err.Error(), "secret-value") {
		t.Fatalf("invalid email: %v", err)
	}
	if out := must("admin", "tenant", "expire", "acme"); !strings.Contains(out, "6 (trial expired)") {
		t.Fatalf("expire: %s", out)
	}
	if out := must("admin", "tenant", "convert", "acme"); !strings.Contains(out, "2 (active)") || !strings.Contains(out, "formal") {
		t.Fatalf("convert: %s", out)
	}
	if _, _, err := run("admin", "tenant", "expire", "acme"); err == nil || !strings.Contains(err.Error(), "only trials expire") {
		t.Fatalf("expire a formal tenant: %v", err)
	}
	if out := must("admin", "tenant", "update", "acme", "--status", "suspended"); !strings.Contains(out, "3 (suspended)") {
		t.Fatalf("suspend: %s", out)
	}

	out = must("admin", "resource", "add", "--tenant", "acme", "--id", "r1", "--type", "agent", "--spec", "voice",
		"--quantity", "5", "--start", "2026-01-01T00:00:00Z", "--end", "2099-01-01T00:00:00Z")
	if !strings.Contains(out, "r1") || !strings.Contains(out, "active") {
		t.Fatalf("resource add: %s", out)
	}
	if out := must("admin", "resource", "list", "--tenant", "acme"); !strings.Contains(out, "r1") {
		t.Fatalf("resource list: %s", out)
	}
	must("admin", "resource", "cancel", "--tenant", "acme", "r1")
	if out := must("admin", "resource", "list", "--tenant", "acme"); !strings.Contains(out, "cancelled") {
		t.Fatalf("after cancel: %s", out)
	}

	out = must("admin", "verifycode", "issue", "137 0000 1111", "-o", "json")
	var code struct {
		Phone string `json:"phone"`
		Code  string `json:"code"`
	}
	if err := json.Unmarshal([]byte(out), &code); err != nil || code.Phone != "13700001111" || len(code.Code) != 6 {
		t.Fatalf("verifycode: %v\n%s", err, out)
	}
}

func TestImportTenantsWithProfiles(t *testing.T) {
	t.Parallel()
	run := runner(t, migratedSQLite(t))
	csv := "id,name,kind,status,vdn,portal_url,company,contact_name,email,mobile,created_at,trial_expires_at\n" +
		"alpha,Alpha,formal,2,150,https://portal.example.com/,Huawei Tech Corp,zhaolei,sunkai@huawei.com,15312340991,1681203525000,\n" +
		"beta,Beta,trial,,,,华为技术有限公司,王小明,wang@huawei.com,13212347077,2023-04-11T08:58:45Z,1684650886000\n" +
		"gamma,,,,,,,,secret-address,,,\n" +
		"delta,,formal,5,,,,,,,,\n" +
		"epsilon,,,,,,,,,secret-phone,,\n" +
		"zeta,,,,,,,,,,yesterday,\n" +
		"eta,,,,,,,,,,,\n"
	path := filepath.Join(t.TempDir(), "tenants.csv")
	os.WriteFile(path, []byte(csv), 0o600)
	out, errOut, err := run("import", "tenants", path)
	if err == nil || !strings.Contains(err.Error(), "4 rows rejected") || !strings.Contains(out, "imported 3 tenants, rejected 4") {
		t.Fatalf("import: %v\n%s\n%s", err, out, errOut)
	}
	for _, want := range []string{"line 4: the email address is not valid", "line 5: a formal tenant cannot be in space status 5",
		"line 6: the mobile number must be", `line 7: created_at "yesterday"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "secret-") {
		t.Fatalf("the report shows personal data:\n%s", errOut)
	}
	show, _, err := run("admin", "tenant", "show", "beta")
	for _, want := range []string{"trial", "6 (trial expired)", "华为技术有限公司", "王小明", "2023-05-21T06:34:46Z"} {
		if err != nil || !strings.Contains(show, want) {
			t.Errorf("beta lacks %q: %v\n%s", want, err, show)
		}
	}

	// id and name alone still work; an unknown column is refused.
	os.WriteFile(path, []byte("id,name\ntheta,Theta\n"), 0o600)
	if _, errOut, err := run("import", "tenants", path); err != nil {
		t.Fatalf("id,name: %v\n%s", err, errOut)
	}
	os.WriteFile(path, []byte("id,mail\niota,x@y.cn\n"), 0o600)
	if _, _, err := run("import", "tenants", path); err == nil || !strings.Contains(err.Error(), `unknown column "mail"`) {
		t.Fatalf("unknown column: %v", err)
	}
}
