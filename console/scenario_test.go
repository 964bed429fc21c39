package console_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/chromedp/chromedp"
)

// TestConsoleInBrowser walks an operator through the console in Chromium,
// on both engines: sign in, create a tenant and an app key, see the app
// key's first call arrive in the live journal, add a fault rule and see
// it fire, open the failed request as a curl command, and find every
// change in the audit log, in the console and from the CLI. Every page
// passes axe-core without serious or critical violations.
func TestConsoleInBrowser(t *testing.T) {
	// The engines take turns: a tab in the background of headless
	// Chromium is not rendered, and waits for visibility would stall.
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn)
		ctx := newTab(t)
		signIn(t, ctx, srv.URL, "ann", password)
		checkA11y(t, ctx, "overview")

		run(t, ctx, "create a tenant",
			chromedp.Navigate(srv.URL+"/console/tenants/new"),
			chromedp.WaitVisible("#id", chromedp.ByQuery))
		checkA11y(t, ctx, "new tenant")
		run(t, ctx, "create a tenant",
			chromedp.SendKeys("#id", "acme", chromedp.ByQuery),
			chromedp.SendKeys("#name", "Acme Ltd", chromedp.ByQuery),
			chromedp.SendKeys("#company", "Acme Trading Ltd", chromedp.ByQuery),
			chromedp.SendKeys("#contact_name", "Ann Smith", chromedp.ByQuery),
			chromedp.SendKeys("#email", "ann.smith@example.com", chromedp.ByQuery),
			chromedp.SendKeys("#mobile", "13800138000", chromedp.ByQuery),
			chromedp.Click(`form[action="/console/tenants"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//h1[.="Tenant acme"]`, chromedp.BySearch))
		checkA11y(t, ctx, "tenant")
		// Beside the stored profile, what querytenantbasic answers: masked.
		if oma := textOf(t, ctx, `section[aria-labelledby="oma-h"] table`); !strings.Contains(oma, "ann.smith@example.com") ||
			!strings.Contains(oma, "querytenantbasic") && !strings.Contains(textOf(t, ctx, `section[aria-labelledby="oma-h"]`), "querytenantbasic") ||
			strings.Count(oma, "*") == 0 {
			t.Errorf("the OMA view shows no masked answer: %s", oma)
		}

		var secret string
		run(t, ctx, "create an app key",
			chromedp.SendKeys("#appkey-name", "web shop", chromedp.ByQuery),
			chromedp.Click(`form[action$="/appkeys"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#secret", chromedp.ByQuery),
			chromedp.Value("#secret", &secret, chromedp.ByQuery))
		checkA11y(t, ctx, "new secret")
		appKey := textOf(t, ctx, "main p strong")
		if appKey == "" || len(secret) < 32 {
			t.Fatalf("app key %q with secret %q", appKey, secret)
		}

		run(t, ctx, "open the live journal",
			chromedp.Navigate(srv.URL+"/console/journal?tenant=acme"),
			chromedp.WaitVisible("#journal-rows", chromedp.ByQuery))
		checkA11y(t, ctx, "journal")
		status, answer := post(t, srv.URL+"/apigovernance/api/oauth/tokenByAkSk",
			`{"app_key":"`+appKey+`","app_secret":"`+secret+`"}`, nil)
		token, _ := answer["AccessToken"].(string)
		if status != 200 || token == "" {
			t.Fatalf("tokenByAkSk: %d %v", status, answer)
		}
		run(t, ctx, "see tokenByAkSk in the live journal",
			chromedp.WaitVisible(`//tbody[@id="journal-rows"]//a[contains(., "tokenByAkSk")]`, chromedp.BySearch))

		run(t, ctx, "add a fault rule",
			chromedp.Navigate(srv.URL+"/console/faults"),
			chromedp.WaitVisible("#fault-tenant", chromedp.ByQuery),
			chromedp.SendKeys("#fault-tenant", "acme", chromedp.ByQuery),
			chromedp.SendKeys("#fault-endpoint", "queryAccessCodeList", chromedp.ByQuery),
			chromedp.SendKeys("#fault-status", "503", chromedp.ByQuery),
			chromedp.Click(`form[action="/console/faults"] button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//p[@role="status"][contains(., "added")]`, chromedp.BySearch))
		checkA11y(t, ctx, "faults")
		status, _ = post(t, srv.URL+"/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList", `{}`,
			map[string]string{"Authorization": "Bearer " + token})
		if status != 503 {
			t.Fatalf("queryAccessCodeList under the fault rule: %d, want 503", status)
		}
		var curl string
		run(t, ctx, "see the fault fire in the journal",
			chromedp.Navigate(srv.URL+"/console/journal?tenant=acme&status=5xx"),
			chromedp.Click(`//tbody[@id="journal-rows"]//a[contains(., "queryAccessCodeList")]`, chromedp.BySearch),
			chromedp.WaitVisible("#curl", chromedp.ByQuery),
			chromedp.Text("#curl", &curl, chromedp.ByQuery))
		checkA11y(t, ctx, "journal entry")
		if !strings.Contains(curl, "curl -X POST '"+srv.URL+"/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList'") ||
			!strings.Contains(curl, "$ACCESS_TOKEN") || strings.Contains(curl, token) {
			t.Errorf("curl command: %s", curl)
		}

		// The demo tenant's access codes: the same fuzzy search as the API,
		// then an upload with one bad row, reported with its line.
		run(t, ctx, "search access codes",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/accesscodes"),
			chromedp.WaitVisible("#ac-code", chromedp.ByQuery),
			chromedp.SendKeys("#ac-code", "91141", chromedp.ByQuery),
			chromedp.Click(`form[aria-label="Access codes"] button`, chromedp.ByQuery),
			// The unfiltered page lists 9911411 too: wait for the answer.
			chromedp.WaitVisible(`//p[@id="ac-count"][contains(., "match")]`, chromedp.BySearch),
			chromedp.WaitVisible(`//table[@id="accesscodes"]//a[.="9911411"]`, chromedp.BySearch))
		checkA11y(t, ctx, "access codes")
		csvFile := filepath.Join(t.TempDir(), "codes.csv")
		if err := os.WriteFile(csvFile, []byte("accessCode,mediatypeId,description\n5550001,5,front desk\n5550002,7,bad media\n5550003,,\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, "upload access codes",
			chromedp.SetUploadFiles("#ac-file", []string{csvFile}, chromedp.ByQuery),
			chromedp.Click(`form[action$="/accesscodes/import"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`//dd[@id="import-state"][.="finished"]`, chromedp.BySearch),
			chromedp.WaitVisible("#import-errors", chromedp.ByQuery))
		checkA11y(t, ctx, "access code upload")
		if got := textOf(t, ctx, "#import-counts"); got != "3 of 3 rows done (100 %)" {
			t.Errorf("the upload's progress: %q", got)
		}
		if got := textOf(t, ctx, "#import-imported") + "/" + textOf(t, ctx, "#import-rejected"); got != "2/1" {
			t.Errorf("the upload's imported/rejected: %q", got)
		}
		if errs := textOf(t, ctx, "#import-errors tbody"); !strings.HasPrefix(errs, "3\tmediatypeId\t") || !strings.Contains(errs, "7 is not one of") ||
			strings.Contains(errs, "\n") {
			t.Errorf("the upload's rejected rows: %q", errs)
		}
		// NDJSON too, told by the file's name: a row without its access code.
		ndjsonFile := filepath.Join(t.TempDir(), "codes.ndjson")
		if err := os.WriteFile(ndjsonFile, []byte(`{"accessCode":"5550004","mediatypeId":53}`+"\n"+`{"mediatypeId":5}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		run(t, ctx, "upload NDJSON access codes",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/accesscodes"),
			chromedp.SetUploadFiles("#ac-file", []string{ndjsonFile}, chromedp.ByQuery),
			chromedp.Click(`form[action$="/accesscodes/import"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`//dd[@id="import-state"][.="finished"]`, chromedp.BySearch),
			chromedp.WaitVisible("#import-errors", chromedp.ByQuery))
		if errs := textOf(t, ctx, "#import-errors tbody"); errs != "2\taccessCode\tis required" {
			t.Errorf("the NDJSON upload's rejected rows: %q", errs)
		}
		run(t, ctx, "edit an uploaded access code",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/accesscodes?code=5550001"),
			chromedp.Click(`//table[@id="accesscodes"]//a[.="5550001"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//h1[.="Access code 5550001"]`, chromedp.BySearch))
		checkA11y(t, ctx, "access code")
		run(t, ctx, "edit an uploaded access code",
			chromedp.SetValue("#ac-new-description", "reception", chromedp.ByQuery),
			chromedp.Click(`form.grid button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//p[@role="status"][contains(., "saved")]`, chromedp.BySearch))
		if row := textOf(t, ctx, "#accesscodes tbody"); !strings.Contains(row, "reception") {
			t.Errorf("the edited access code: %q", row)
		}

		run(t, ctx, "edit a called route",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/accesscodes?route_code=9911411"),
			chromedp.Click(`//table[@id="routes"]//a[.="1"]`, chromedp.BySearch),
			chromedp.WaitVisible(`//h1[.="Called route 1"]`, chromedp.BySearch))
		checkA11y(t, ctx, "called route")
		run(t, ctx, "edit a called route",
			chromedp.SetValue("#route-device-desc", "Day shift queue", chromedp.ByQuery),
			chromedp.Click(`form.grid button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//p[@role="status"][contains(., "saved")]`, chromedp.BySearch))
		if rows := textOf(t, ctx, "#routes tbody"); !strings.Contains(rows, "Day shift queue") {
			t.Errorf("the edited route: %q", rows)
		}

		// The SmartCare explorer on the queryfaultyuser page's example: the
		// demo subscriber's records with both faults, SMS and DATA.
		run(t, ctx, "open the SmartCare explorer",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/smartcare"),
			chromedp.Click(`//a[.="Open the page's example"]`, chromedp.BySearch),
			chromedp.WaitVisible("#sc-answer", chromedp.ByQuery))
		checkA11y(t, ctx, "SmartCare explorer")
		scAnswer := textOf(t, ctx, "#sc-answer")
		timeline := textOf(t, ctx, "#sc-timeline")
		for _, want := range []string{`"returnCode": 0`, `"msisdn": "6680512100869"`, `"ccmSceneCode": "SMS"`, `"ccmSceneCode": "DATA"`} {
			if !strings.Contains(scAnswer, want) {
				t.Errorf("the answer lacks %s:\n%s", want, scAnswer)
			}
		}
		for _, want := range []string{"matches SMS rule FAILURE_CAUSE=", "matches DATA rule LAC_TAC=5200504B2007"} {
			if !strings.Contains(timeline, want) {
				t.Errorf("the timeline lacks %q:\n%s", want, timeline)
			}
		}

		// The tenant's scenes and rules, and the check of a reflection rule.
		run(t, ctx, "check a reflection rule",
			chromedp.Click(`//a[.="Scenes and rules"]`, chromedp.BySearch),
			chromedp.WaitVisible("#check-rule", chromedp.ByQuery),
			chromedp.SendKeys("#check-rule", "sai_cgi_ecgi=5200504B2007&lac_tac=5200504B2007", chromedp.ByQuery),
			chromedp.Click(`form[aria-label="Check a reflection rule"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#check-rule-result", chromedp.ByQuery))
		checkA11y(t, ctx, "SmartCare scenes and rules")
		if rules := textOf(t, ctx, "#rules tbody"); !strings.Contains(rules, "FAILURE_CAUSE=DTAPSMS_CP") || !strings.Contains(rules, "ongoing") {
			t.Errorf("the demo's rules: %q", rules)
		}
		if res := textOf(t, ctx, "#check-rule-result"); !strings.Contains(res, "normal form: LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007") {
			t.Errorf("the checked rule: %q", res)
		}
		run(t, ctx, "check a bad reflection rule",
			chromedp.SetValue("#check-rule", "LAC_TAC", chromedp.ByQuery),
			chromedp.Click(`form[aria-label="Check a reflection rule"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`//div[@id="check-rule-result"]/p[contains(@class, "error")]`, chromedp.BySearch))

		// The partner directory: the demo's shared mobile number has five
		// accounts, and a customer is found by name.
		run(t, ctx, "check a mobile number in the partner directory",
			chromedp.Navigate(srv.URL+"/console/partners"),
			chromedp.WaitVisible("#check-value", chromedp.ByQuery),
			chromedp.SetValue("#check-type", "mobile", chromedp.ByQuery),
			chromedp.SendKeys("#check-value", "0086-13800000000", chromedp.ByQuery),
			chromedp.Click(`form[aria-label="Registration check"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#check-result", chromedp.ByQuery))
		checkA11y(t, ctx, "partner directory")
		if res := textOf(t, ctx, "#check-result"); !strings.Contains(res, "5 accounts share this mobile number") {
			t.Errorf("the shared mobile number: %q", res)
		}
		run(t, ctx, "find a customer",
			chromedp.SendKeys("#find", "demo-customer-03", chromedp.ByQuery),
			chromedp.Click(`form[aria-label="Find a customer"] button`, chromedp.ByQuery),
			chromedp.WaitVisible("#found", chromedp.ByQuery))
		if found := textOf(t, ctx, "#found"); !strings.Contains(found, "customer03@example.com") {
			t.Errorf("the customer found: %q", found)
		}

		run(t, ctx, "read the audit log",
			chromedp.Navigate(srv.URL+"/console/audit"),
			chromedp.WaitVisible(`//h1[.="Audit log"]`, chromedp.BySearch))
		checkA11y(t, ctx, "audit log")
		log := textOf(t, ctx, "table")
		cliLog := aiccdCLI(t, dsn, "admin", "audit")
		for _, action := range []string{"tenant.create", "appkey.create", "fault.create", "accesscode.import", "accesscode.update", "route.update"} {
			if !strings.Contains(log, action) || !strings.Contains(cliLog, action) {
				t.Errorf("%s is missing from the audit log:\nconsole: %s\naiccd admin audit: %s", action, log, cliLog)
			}
		}
	})
}
