package console_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

// client is a browser without a browser: cookies, no redirects followed.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func newClient(t testing.TB, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs in and returns the CSRF token of the user's pages.
func (c *client) signIn(name string) string {
	c.t.Helper()
	res, _ := c.do("POST", "/console/signin", url.Values{"name": {name}, "password": {password}}, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/" {
		c.t.Fatalf("sign in as %s: %d %s", name, res.StatusCode, res.Header.Get("Location"))
	}
	_, page := c.do("GET", "/console/faults", nil, nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatalf("no CSRF token on the page:\n%s", page)
	}
	return m[1]
}

func TestConsoleSecurity(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dbtest.SQLiteURL(t))

	t.Run("headers and cookie", func(t *testing.T) {
		c := newClient(t, srv.URL)
		res, _ := c.do("GET", "/console/signin", nil, nil)
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "no-referrer",
			"Cache-Control":           "no-store",
		} {
			if got := res.Header.Get(h); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		res, _ = c.do("POST", "/console/signin", url.Values{"name": {"ann"}, "password": {password}}, nil)
		cookie := strings.Join(res.Header.Values("Set-Cookie"), "; ")
		for _, want := range []string{"HttpOnly", "SameSite=Strict", "Path=/console/"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %s", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("a Secure cookie over plain HTTP would never come back: %q", cookie)
		}
	})

	t.Run("signed out", func(t *testing.T) {
		c := newClient(t, srv.URL)
		res, _ := c.do("GET", "/console/tenants?q=a", nil, nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/signin?next=%2Fconsole%2Ftenants%3Fq%3Da" {
			t.Errorf("a page signed out: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		res, _ = c.do("GET", "/console/journal/rows", nil, map[string]string{"X-Console-Fetch": "1"})
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a live view's poll signed out: %d", res.StatusCode)
		}
		res, _ = c.do("POST", "/console/faults", url.Values{"tenant_id": {"demo"}, "status": {"503"}}, nil)
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("a change signed out: %d", res.StatusCode)
		}
		res, page := c.do("POST", "/console/signin", url.Values{"name": {"ann"}, "password": {"Wrong-pass1"}}, nil)
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "The user name or password is wrong.") {
			t.Errorf("a wrong password: %d", res.StatusCode)
		}
	})

	t.Run("sign-in goes nowhere else", func(t *testing.T) {
		for _, next := range []string{"//evil.example/console/", "https://evil.example/", "/console/\\evil"} {
			c := newClient(t, srv.URL)
			res, _ := c.do("POST", "/console/signin", url.Values{"name": {"ann"}, "password": {password}, "next": {next}}, nil)
			if loc := res.Header.Get("Location"); loc != "/console/" {
				t.Errorf("next=%s: sent to %q", next, loc)
			}
		}
	})

	t.Run("changes need the CSRF token, this origin and an operator", func(t *testing.T) {
		ann := newClient(t, srv.URL)
		csrf := ann.signIn("ann")
		rule := url.Values{"tenant_id": {"demo"}, "status": {"503"}, "remaining": {"1"}, "percent": {"100"}}
		for name, tc := range map[string]struct {
			csrf   string
			header map[string]string
		}{
			"no token":     {"", nil},
			"wrong token":  {"x" + csrf, nil},
			"cross-site":   {csrf, map[string]string{"Sec-Fetch-Site": "cross-site"}},
			"other origin": {csrf, map[string]string{"Origin": "http://evil.example"}},
		} {
			form := url.Values{"csrf": {tc.csrf}}
			for k, v := range rule {
				form[k] = v
			}
			if res, _ := ann.do("POST", "/console/faults", form, tc.header); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, res.StatusCode)
			}
		}
		vic := newClient(t, srv.URL)
		form := url.Values{"csrf": {vic.signIn("vic")}}
		for k, v := range rule {
			form[k] = v
		}
		if res, page := vic.do("POST", "/console/faults", form, nil); res.StatusCode != http.StatusForbidden || !strings.Contains(page, "Viewers cannot change anything") {
			t.Errorf("a viewer's change: %d", res.StatusCode)
		}
		// Access codes too: a viewer reads them and cannot add, delete or upload.
		if res, page := vic.do("GET", "/console/tenants/demo/accesscodes?code=9911411", nil, nil); res.StatusCode != http.StatusOK ||
			!strings.Contains(page, "9911411") || strings.Contains(page, "/accesscodes/import") {
			t.Errorf("a viewer's access codes: %d", res.StatusCode)
		}
		for _, path := range []string{"/console/tenants/demo/accesscodes", "/console/tenants/demo/accesscodes/import",
			"/console/tenants/demo/accesscodes/1124167935465633793/delete", "/console/tenants/demo/routes"} {
			if res, _ := vic.do("POST", path, url.Values{"csrf": {form.Get("csrf")}, "access_code": {"5551234"}}, nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("a viewer's POST %s: %d, want 403", path, res.StatusCode)
			}
		}
		// An upload of only bad rows (one exists already, one is not
		// digits) imports nothing and lists both.
		var upload bytes.Buffer
		mw := multipart.NewWriter(&upload)
		mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile("file", "codes.csv")
		io.WriteString(fw, "accessCode\n9911411\n12a\n")
		mw.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/console/tenants/demo/accesscodes/import", &upload)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := ann.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		// It runs as a job: the answer is its page, which shows how far
		// it got, and then the rows it rejected.
		job := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/console/tenants/demo/accesscodes/imports/") {
			t.Fatalf("an upload: %d to %q", res.StatusCode, job)
		}
		var page string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			_, page = ann.do("GET", job+"/progress", nil, map[string]string{"X-Console-Fetch": "1"})
			if strings.Contains(page, "data-done") {
				break
			}
		}
		if !strings.Contains(page, "data-done") || !strings.Contains(page, `id="import-imported">0<`) ||
			!strings.Contains(page, `id="import-rejected">2<`) || !strings.Contains(page, "already exists") ||
			!strings.Contains(page, "<code>accessCode</code>") {
			t.Errorf("an upload of bad rows:\n%s", page)
		}
		if res, _ := ann.do("GET", "/console/tenants/acme/accesscodes/imports/"+path.Base(job), nil, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("the job under another tenant's path: %d, want 404", res.StatusCode)
		}
		// An upload over the limit is refused before it is read: asked to
		// wait for "100 Continue", the client never sends it.
		big := url.Values{"csrf": {csrf}, "file": {strings.Repeat("1", 33<<20)}}
		if res, _ := ann.do("POST", "/console/tenants/demo/accesscodes/import", big, map[string]string{"Expect": "100-continue"}); res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("an upload of 33 MB: %d, want 413", res.StatusCode)
		}
		// So is one of unknown length, once it passes the limit.
		var chunked bytes.Buffer
		mw = multipart.NewWriter(&chunked)
		mw.WriteField("csrf", csrf)
		fw, _ = mw.CreateFormFile("file", "codes.csv")
		io.WriteString(fw, "accessCode\n"+strings.Repeat("1234567\n", 33<<20/8))
		mw.Close()
		req, _ = http.NewRequest("POST", srv.URL+"/console/tenants/demo/accesscodes/import", io.MultiReader(&chunked))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err = ann.http.Do(req)
		if err != nil {
			// The server answers 413 and closes the connection while the
			// client is still sending: the client may see only the reset.
			if !strings.Contains(err.Error(), "connection reset") && !strings.Contains(err.Error(), "broken pipe") {
				t.Fatal(err)
			}
			res = &http.Response{StatusCode: http.StatusRequestEntityTooLarge, Body: http.NoBody}
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("a chunked upload of 33 MB: %d, want 413", res.StatusCode)
		}
		form.Set("csrf", csrf)
		if res, _ := ann.do("POST", "/console/faults", form, map[string]string{"Sec-Fetch-Site": "same-origin"}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("an operator's change: %d, want 303", res.StatusCode)
		}
		// Signed out, the session's cookie opens nothing, even if kept.
		cookies := ann.http.Jar.Cookies(mustURL(t, srv.URL+"/console/"))
		ann.do("POST", "/console/signout", url.Values{"csrf": {csrf}}, nil)
		replay := newClient(t, srv.URL)
		replay.http.Jar.SetCookies(mustURL(t, srv.URL+"/console/"), cookies)
		if res, _ := replay.do("GET", "/console/faults", nil, nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("a signed-out session's cookie: %d", res.StatusCode)
		}
	})

	t.Run("no secret in a URL", func(t *testing.T) {
		ann := newClient(t, srv.URL)
		csrf := ann.signIn("ann")
		res, page := ann.do("POST", "/console/appkeys/demo-app-key/rotate", url.Values{"csrf": {csrf}}, nil)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, `id="secret"`) || res.Header.Get("Location") != "" {
			t.Fatalf("rotate: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// The tenant's page shows the app key, never its secret again.
		secret := regexp.MustCompile(`id="secret" class="mono" value="([^"]+)"`).FindStringSubmatch(page)[1]
		if _, tenantPage := ann.do("GET", "/console/tenants/demo", nil, nil); strings.Contains(tenantPage, secret) {
			t.Error("the tenant's page shows the app secret")
		}
	})
}

// A server without an admin token or console user serves no console.
func TestConsoleIsOffWithoutAdminAccess(t *testing.T) {
	t.Parallel()
	dsn := dbtest.SQLiteURL(t)
	dbtest.Open(t, dsn)
	srv, err := startBare(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c := newClient(t, srv.URL)
	if res, _ := c.do("GET", "/console/signin", nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("sign-in page without admin access: %d", res.StatusCode)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
