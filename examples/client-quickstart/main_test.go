package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/cli/clitest"
	"github.com/aiccd/aiccd/demo"
)

func TestDefaultsAreTheDemoCredentials(t *testing.T) {
	if demoAppKey != demo.AppKey || demoAppSecret != demo.AppSecret || demoMallToken != demo.MallToken ||
		demoTrialMallToken != demo.TrialMallToken || demoPartnerID != demo.PartnerID || demoPartnerAK != demo.PartnerAK ||
		demoPartnerSK != demo.PartnerSK || demoPartnerUser != demo.PartnerUser || demoPartnerPass != demo.PartnerPassword {
		t.Fatal("the example's credentials are not the demo dataset's")
	}
}

// TestAgainstDemoServer runs the quickstart against `aiccd serve --demo`;
// docs/quickstart-integrators.md shows its output.
func TestAgainstDemoServer(t *testing.T) {
	srv, err := clitest.Start("--demo", "--database", filepath.Join(t.TempDir(), "aiccd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	ctx, endpoint := t.Context(), srv.URL
	var out bytes.Buffer
	if err := run(ctx, []string{"-endpoint", endpoint}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"tokenByAkSk: a Bearer token of tenant demo for 600 s",
		"querytenantbasic: Huawei XXXXXXXXX, 153****0991, sunk****@huawei.com, status 2, since 2023-04-11",
		"querytenantinfo: Wanfang XXXX, status 5, expiring 2023-05-21",
		"queryAccessCodeList: 1 access code, 9911411 with ID 1124167935465633793",
		"queryfaultyuser: returnCode 0, 2 faults since 2024-07-18 12:20:41",
		"queryquickresult: returnCode 0, task finished, 2 faults",
		"IAM token: for demo-partner-admin of demo-partner, valid 24h0m0s",
		"check-user (IAM token): 0086-13800000000 used true, at its limit true",
		"check-identity (AK/SK): my-new-customer is available",
		"queryfaultyuser, unknown scene: return code 4 is true",
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
