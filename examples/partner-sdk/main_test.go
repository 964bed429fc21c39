package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/cli/clitest"
	"github.com/aiccd/aiccd/demo"
)

func TestDefaultsAreTheDemoPartner(t *testing.T) {
	if demoPartnerID != demo.PartnerID || demoPartnerAK != demo.PartnerAK || demoPartnerSK != demo.PartnerSK {
		t.Fatal("the example's defaults are not the demo dataset's partner")
	}
}

// TestAgainstDemoServer runs the example against `aiccd serve --demo`.
func TestAgainstDemoServer(t *testing.T) {
	srv, err := clitest.Start("--demo", "--database", filepath.Join(t.TempDir(), "aiccd.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	ctx, endpoint := t.Context(), srv.URL

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{
			`check-identity: {"error_code":"CBC.0000","error_msg":"success","check_result":"available","mobile_remain_available_num":5}`,
			`check-user: HTTP 200 {"error_code":"CBC.0000","error_msg":"success","status":"0","uplimit":"0"}`,
		}},
		{[]string{"-type", "mobile", "-value", demo.SharedMobile}, []string{
			`"check_result":"used_by_user","mobile_remain_available_num":0`,
			`"status":"1","uplimit":"1"`,
		}},
		{[]string{"-type", "name", "-value", "demo-customer-01"}, []string{
			`"check_result":"used_by_user"}`,
			`"status":"1","uplimit":"1"`,
		}},
		// The names of an IAM user and of a cloud account are taken too.
		{[]string{"-type", "name", "-value", demo.PartnerUser}, []string{
			`"check_result":"used_by_user"}`,
			`"status":"1","uplimit":"1"`,
		}},
		{[]string{"-type", "name", "-value", demo.NonPartnerID}, []string{
			`"check_result":"used_by_user"}`,
			`"status":"1","uplimit":"1"`,
		}},
	} {
		var out bytes.Buffer
		if err := run(ctx, append([]string{"-endpoint", endpoint}, tc.args...), &out); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, out.String())
		}
		for _, want := range tc.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: output lacks %s:\n%s", tc.args, want, out.String())
			}
		}
	}
}
