package console_test

import (
	"context"
	_ "embed"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	argon "github.com/aiccd/aiccd/password"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The console's tests drive Debian's Chromium (apt-get install chromium)
// with chromedp against a real aiccd serve. One browser serves the whole
// package run; each test opens its own tabs in it. Without Chromium the
// tests skip, except under CI=true, where they fail.

var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
	dir    string
}

func TestMain(m *testing.M) {
	argon.LowerCostForTests() // no test here is about hashing
	code := dbtest.Main(m)    // drops the template database too
	if browser.cancel != nil {
		browser.cancel()
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newTab opens a tab of the shared browser, closed when t ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is not installed (apt-get install chromium); CI runs the console's browser tests")
		}
		t.Skip("Chromium is not installed (apt-get install chromium); skipping the console's browser tests")
	}
	browser.once.Do(func() {
		if browser.dir, browser.err = os.MkdirTemp("", "aiccd-chromium-"); browser.err != nil {
			return
		}
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Flag("headless", true),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.NoFirstRun,
			chromedp.UserDataDir(browser.dir),
			chromedp.WindowSize(1280, 900),
		)
		ctx, cancelBrowser := chromedp.NewContext(alloc)
		browser.ctx, browser.cancel = ctx, func() { cancelBrowser(); cancelAlloc() }
		browser.err = chromedp.Run(ctx)
	})
	if browser.err != nil {
		t.Fatalf("starting Chromium: %v", browser.err)
	}
	tab, cancelTab := chromedp.NewContext(browser.ctx)
	if err := chromedp.Run(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tab, 45*time.Second)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}

// run runs browser actions, failing t with what was being done.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

//go:embed testdata/axe.min.js
var axeSource string

// axeChecked holds the names of the pages axe-core has checked in this
// run. A page's markup does not depend on the engine behind it, and axe
// is most of a browser test's time, so each page is checked once.
var axeChecked sync.Map

// checkA11y runs axe-core on the page in ctx, unless a page of this name
// has been checked already, and fails t for each serious or critical
// violation.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if _, checked := axeChecked.LoadOrStore(page, true); checked {
		return
	}
	var result struct {
		Violations []struct {
			ID     string `json:"id"`
			Impact string `json:"impact"`
			Help   string `json:"help"`
			Nodes  []struct {
				HTML string `json:"html"`
			} `json:"nodes"`
		} `json:"violations"`
		Passes []struct{} `json:"passes"`
	}
	await := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	run(t, ctx, "axe on "+page,
		chromedp.Evaluate(`window.axe ? true : (function(){ `+axeSource+` ; return true })()`, nil),
		chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]})`, &result, await))
	if len(result.Passes) == 0 {
		t.Fatalf("%s: axe-core checked nothing", page)
	}
	for _, v := range result.Violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s\n  %s", page, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n  "))
	}
}

// signIn signs in through the sign-in page.
func signIn(t *testing.T, ctx context.Context, base, name, password string) {
	t.Helper()
	run(t, ctx, "sign in",
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible("#name", chromedp.ByQuery),
	)
	checkA11y(t, ctx, "sign-in")
	run(t, ctx, "sign in",
		chromedp.SendKeys("#name", name, chromedp.ByQuery),
		chromedp.SendKeys("#password", password, chromedp.ByQuery),
		chromedp.Click(`form[action="/console/signin"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[.="Overview"]`, chromedp.BySearch),
	)
}

// textOf reads an element's text.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, "read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}
