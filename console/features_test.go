package console_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/console"
	"github.com/aiccd/aiccd/database/dbtest"
	pwhash "github.com/aiccd/aiccd/password"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/chromedp/chromedp"
)

// TestConsoleSmartCareInBrowser checks a reflection rule as it is typed
// (the offending condition marked), edits the tenant's SmartCare settings,
// and finds the change in the audit log beside one made with the admin
// token, on both engines.
func TestConsoleSmartCareInBrowser(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		srv := startServer(t, dsn, "--admin-token", adminToken)
		ctx := newTab(t)
		signIn(t, ctx, srv.URL, "ann", password)

		run(t, ctx, "open the rules",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/smartcare/rules"),
			chromedp.WaitVisible("#check-rule", chromedp.ByQuery),
			chromedp.SendKeys("#check-rule", "LAC_TAC=1&RAT", chromedp.ByQuery),
			chromedp.WaitVisible("#check-rule-error", chromedp.ByQuery))
		checkA11y(t, ctx, "rules with a bad rule typed")
		if msg := textOf(t, ctx, "#check-rule-error"); !strings.Contains(msg, `condition 2 "RAT": has no '='`) {
			t.Errorf("the inline error: %q", msg)
		}
		if marked := textOf(t, ctx, "#check-rule-live mark"); marked != "RAT" {
			t.Errorf("the marked part: %q, want RAT", marked)
		}
		var invalid string
		run(t, ctx, "read aria-invalid", chromedp.AttributeValue("#check-rule", "aria-invalid", &invalid, nil, chromedp.ByQuery))
		if invalid != "true" {
			t.Errorf("aria-invalid = %q on a bad rule", invalid)
		}
		run(t, ctx, "finish the rule",
			chromedp.SendKeys("#check-rule", "=4g", chromedp.ByQuery),
			chromedp.WaitVisible(`//div[@id="check-rule-live"]/p[contains(., "Valid")]`, chromedp.BySearch))
		if normal := textOf(t, ctx, "#check-rule-live code"); normal != "LAC_TAC=1&RAT=4g" {
			t.Errorf("the normal form: %q", normal)
		}

		run(t, ctx, "open the settings",
			chromedp.Navigate(srv.URL+"/console/tenants/demo/smartcare/settings"),
			chromedp.WaitVisible("#st-backtrace", chromedp.ByQuery))
		checkA11y(t, ctx, "SmartCare settings")
		run(t, ctx, "refuse a bad time zone",
			chromedp.SetValue("#st-zone", "Mars/Olympus", chromedp.ByQuery),
			chromedp.Click(`form.grid button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//p[@role="alert"]`, chromedp.BySearch))
		checkA11y(t, ctx, "SmartCare settings refused")
		run(t, ctx, "edit the settings",
			chromedp.SetValue("#st-backtrace", "1800", chromedp.ByQuery),
			chromedp.SetValue("#st-zone", "Asia/Bangkok", chromedp.ByQuery),
			chromedp.SetValue("#st-retention", "7", chromedp.ByQuery),
			chromedp.Click(`form.grid button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`//p[@role="status"][contains(., "saved")]`, chromedp.BySearch))
		if got := textOf(t, ctx, "#settings-backtrace") + "|" + textOf(t, ctx, "#settings-zone") + "|" + textOf(t, ctx, "#settings-retention"); got != "1800 s|Asia/Bangkok|7 days" {
			t.Errorf("the saved settings: %q", got)
		}

		// Automation's change, made with the admin token, is audited too.
		req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/admin/v1/tenants/demo/smartcare/rules/1", nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		status, _ := post(t, srv.URL+"/admin/v1/faults", `{"tenant_id":"demo","endpoint":"queryfaultyuser","latency_ms":200,"remaining":1}`,
			map[string]string{"Authorization": "Bearer " + adminToken})
		if status != http.StatusCreated && status != http.StatusOK {
			t.Fatalf("adding a fault rule with the admin token: %d", status)
		}
		run(t, ctx, "read the audit log",
			chromedp.Navigate(srv.URL+"/console/audit"),
			chromedp.WaitVisible(`//h1[.="Audit log"]`, chromedp.BySearch))
		log := textOf(t, ctx, "table")
		cliLog := aiccdCLI(t, dsn, "admin", "audit", "--actor", "admin-token")
		if !strings.Contains(log, "smartcare.settings") || !strings.Contains(log, "admin-token") || !strings.Contains(log, "POST faults") {
			t.Errorf("the console's audit log:\n%s", log)
		}
		if !strings.Contains(cliLog, "POST faults") || strings.Contains(cliLog, "smartcare.settings") {
			t.Errorf("aiccd admin audit --actor admin-token:\n%s", cliLog)
		}
	})
}

// TestConsoleIdleTimeoutInBrowser signs in to a console whose clock the
// test moves: a page asked for within the idle time keeps the session,
// 30 minutes without one end it, and its lifetime ends it however it is
// used. The lifetime is one hour here, so that a few pages reach it;
// admin's TestSignInAndSessions runs the default 12 hours through.
func TestConsoleIdleTimeoutInBrowser(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		db := dbtest.Open(t, dsn)
		clock := &testClock{now: time.Now()}
		ids, err := snowflake.New(2, aiccd.SystemClock)
		if err != nil {
			t.Fatal(err)
		}
		users := admin.NewService(admin.Options{Store: db.Console, Clock: clock, IDs: ids, Passwords: passwords{}, SessionIdle: 30 * time.Minute, SessionLifetime: time.Hour})
		if _, err := users.CreateUser(context.Background(), "ann", admin.RoleOperator, password); err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(console.New(console.Options{Clock: clock, Admins: users}))
		t.Cleanup(srv.Close)
		ctx := newTab(t)
		audit := func(what string) string {
			var title string
			run(t, ctx, what, chromedp.Navigate(srv.URL+"/console/audit"), chromedp.WaitVisible("h1", chromedp.ByQuery), chromedp.Title(&title))
			return title
		}
		run(t, ctx, "sign in",
			chromedp.Navigate(srv.URL+"/console/audit"),
			chromedp.WaitVisible("#name", chromedp.ByQuery),
			chromedp.SendKeys("#name", "ann", chromedp.ByQuery),
			chromedp.SendKeys("#password", password, chromedp.ByQuery),
			chromedp.Click(`form[action="/console/signin"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`//h1[.="Audit log"]`, chromedp.BySearch))
		// Used every 25 minutes, the session lasts.
		for i := range 2 {
			clock.add(25 * time.Minute)
			if title := audit("use the session"); !strings.HasPrefix(title, "Audit log") {
				t.Fatalf("after %d uses 25 minutes apart: %q", i+1, title)
			}
		}
		clock.add(30 * time.Minute)
		if title := audit("come back after 30 minutes"); !strings.HasPrefix(title, "Sign in") {
			t.Fatalf("an idle session: %q", title)
		}
		checkA11y(t, ctx, "sign-in after an idle timeout")
		run(t, ctx, "sign in again",
			chromedp.SendKeys("#name", "ann", chromedp.ByQuery),
			chromedp.SendKeys("#password", password, chromedp.ByQuery),
			chromedp.Click(`form[action="/console/signin"] button`, chromedp.ByQuery),
			chromedp.WaitVisible(`//h1[.="Audit log"]`, chromedp.BySearch))
		for range 3 - 1 {
			clock.add(20 * time.Minute)
			if title := audit("use the session all day"); !strings.HasPrefix(title, "Audit log") {
				t.Fatalf("a session in use at %s: %q", clock.Now(), title)
			}
		}
		clock.add(20 * time.Minute)
		if title := audit("use the session past its hour"); !strings.HasPrefix(title, "Sign in") {
			t.Fatalf("a session past its lifetime: %q", title)
		}
	})
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// passwords checks passwords without the limits credential.Service adds.
type passwords struct{}

func (passwords) CheckPassword(_ context.Context, _, _, hash, pw string) error {
	if hash == "" || !pwhash.Check(hash, pw) {
		return errors.New("wrong password")
	}
	return nil
}
