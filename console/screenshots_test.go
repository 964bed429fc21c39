package console_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/chromedp/chromedp"
)

// TestScreenshots writes a PNG of each main page into the directory
// AICCD_CONSOLE_SCREENSHOTS names (docs/console for the README's), after
// some traffic so that the journal and the charts have something to show:
//
//	AICCD_CONSOLE_SCREENSHOTS=docs/console go test ./console -run TestScreenshots
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("AICCD_CONSOLE_SCREENSHOTS")
	if dir == "" {
		t.Skip("set AICCD_CONSOLE_SCREENSHOTS to a directory to write the console's screenshots")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir) // relative to the module's root, not this package
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, dbtest.SQLiteURL(t))
	// Traffic over three of the overview's 5-second samples.
	for range 3 {
		for range 20 {
			post(t, srv.URL+"/apigovernance/api/oauth/tokenByAkSk", `{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`, nil)
			post(t, srv.URL+"/apigovernance/api/oauth/tokenByAkSk", `{"app_key":"demo-app-key","app_secret":"wrong"}`, nil)
		}
		time.Sleep(5 * time.Second)
	}
	ctx := newTab(t)
	signIn(t, ctx, srv.URL, "ann", password)
	shoot := func(name, path string, width, height int64) {
		var png []byte
		run(t, ctx, "screenshot "+name,
			chromedp.EmulateViewport(width, height),
			chromedp.Navigate(srv.URL+path),
			chromedp.WaitVisible("h1", chromedp.ByQuery),
			chromedp.FullScreenshot(&png, 100)) // 100: PNG, not JPEG
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shoot("overview", "/console/", 1280, 800)
	shoot("tenants", "/console/tenants", 1280, 800)
	shoot("tenant", "/console/tenants/demo", 1280, 800)
	shoot("accesscodes", "/console/tenants/demo/accesscodes", 1280, 800)
	shoot("smartcare", "/console/tenants/demo/smartcare?msisdn=6680512100869&faultTime=1721283133000&complaintScene=1&backtraceDuration=3600", 1280, 800)
	shoot("smartcare-rules", "/console/tenants/demo/smartcare/rules?rule=sai_cgi_ecgi%3D5200504B2007%26lac_tac%3D5200504B2007", 1280, 800)
	shoot("smartcare-settings", "/console/tenants/demo/smartcare/settings", 1280, 800)
	// The rule check as a bad rule is typed.
	var png []byte
	run(t, ctx, "screenshot the rule check",
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(srv.URL+"/console/tenants/demo/smartcare/rules"),
		chromedp.WaitVisible("#check-rule", chromedp.ByQuery),
		chromedp.SendKeys("#check-rule", "LAC_TAC=5200504B2007&RAT", chromedp.ByQuery),
		chromedp.WaitVisible("#check-rule-error", chromedp.ByQuery),
		chromedp.ScrollIntoView("#check-rule", chromedp.ByQuery),
		chromedp.CaptureScreenshot(&png))
	if err := os.WriteFile(filepath.Join(dir, "smartcare-rule-check.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	// An upload with bad rows, finished.
	csvFile := filepath.Join(t.TempDir(), "codes.csv")
	if err := os.WriteFile(csvFile, []byte("accessCode,mediatypeId,description\n5550001,5,front desk\n5550002,7,bad media\n55500x3,,\n5550004,53,video desk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "screenshot an upload",
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(srv.URL+"/console/tenants/demo/accesscodes"),
		chromedp.SetUploadFiles("#ac-file", []string{csvFile}, chromedp.ByQuery),
		chromedp.Click(`form[action$="/accesscodes/import"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`//dd[@id="import-state"][.="finished"]`, chromedp.BySearch),
		chromedp.FullScreenshot(&png, 100))
	if err := os.WriteFile(filepath.Join(dir, "accesscode-upload.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	shoot("partners", "/console/partners?type=mobile&value=0086-13800000000", 1280, 800)
	shoot("journal", "/console/journal?tenant=demo", 1280, 800)
	shoot("faults", "/console/faults", 1280, 800)
	shoot("audit", "/console/audit", 1280, 800)
	shoot("journal-phone", "/console/journal?tenant=demo", 390, 844)
	run(t, ctx, "sign out", chromedp.Click(`form[action="/console/signout"] button`, chromedp.ByQuery))
	shoot("signin", "/console/signin", 1280, 800)
}
