package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

//go:embed templates static
var files embed.FS

// pages are the parsed templates: each page with the layout around it,
// and the fragments the live views fetch.
type pages struct {
	page     map[string]*template.Template
	fragment *template.Template
}

var funcs = template.FuncMap{
	"asset": assetURL,
	"time": func(v any) string {
		var t time.Time
		switch v := v.(type) {
		case time.Time:
			t = v
		case *time.Time:
			if v != nil {
				t = *v
			}
		}
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04:05")
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02")
	},
	"clock": func(t time.Time) string { return t.UTC().Format("15:04:05.000") },
	"path":  func(s string) string { return url.PathEscape(s) },
	"add":   func(a, b int) int { return a + b },
	"sub":   func(a, b int) int { return a - b },
	"pct":   func(v float64) float64 { return v * 100 },
	"ms":    formatMS,
}

func parsePages() pages {
	p := pages{page: map[string]*template.Template{}}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		p.page[strings.TrimSuffix(base, ".html")] = template.Must(template.New("").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/fragments/*.html", name))
	}
	p.fragment = template.Must(template.New("").Funcs(funcs).ParseFS(files, "templates/fragments/*.html"))
	return p
}

// view is what every page is rendered from.
type view struct {
	Title string
	Nav   string // the navigation entry to mark current
	User  user
	Flash flash
	Data  any
}

// flash is a message carried to the page a change redirects to.
type flash struct {
	Message string
	Error   bool
}

const flashCookie = "aiccd_console_flash"

// render writes a page with status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t, ok := c.pages.page[name]
	if !ok {
		return fmt.Errorf("console: no page %q", name)
	}
	v.User = userFrom(r.Context())
	if v.Flash.Message == "" {
		v.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return err
	}
	writeHTML(w, status, buf.Bytes())
	return nil
}

// renderFragment writes a fragment for a live view's script.
func (c *Console) renderFragment(w http.ResponseWriter, name string, data any) error {
	var buf bytes.Buffer
	if err := c.pages.fragment.ExecuteTemplate(&buf, name, data); err != nil {
		return err
	}
	writeHTML(w, http.StatusOK, buf.Bytes())
	return nil
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

// redirect ends a change: the browser is sent to target (a console path)
// with a message for the page it lands on.
func redirect(w http.ResponseWriter, r *http.Request, target, message string) error {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(message), Path: Prefix,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func takeFlash(w http.ResponseWriter, r *http.Request) flash {
	ck, err := r.Cookie(flashCookie)
	if err != nil {
		return flash{}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: Prefix, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	msg, _ := url.QueryUnescape(ck.Value)
	return flash{Message: msg}
}

// serve adapts a handlerFunc, rendering the error it returns.
func (c *Console) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			c.fail(w, r, err)
		}
	})
}

// statuses are the HTTP statuses of the domain's error kinds.
var statuses = map[aiccd.Kind]int{
	aiccd.KindInvalid:      http.StatusBadRequest,
	aiccd.KindUnauthorized: http.StatusUnauthorized,
	aiccd.KindForbidden:    http.StatusForbidden,
	aiccd.KindNotFound:     http.StatusNotFound,
	aiccd.KindConflict:     http.StatusConflict,
	aiccd.KindRateLimited:  http.StatusTooManyRequests,
	aiccd.KindTooLarge:     http.StatusRequestEntityTooLarge,
	aiccd.KindUnavailable:  http.StatusServiceUnavailable,
}

// fail renders an error page. Only a domain error's client-safe message
// is shown; internal errors are logged and shown as a request ID.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
		err = aiccd.Errorf(aiccd.KindTooLarge, "the upload is over the limit of %d bytes", mbe.Limit)
	}
	kind := aiccd.KindOf(err)
	status, ok := statuses[kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := aiccd.MessageOf(err, "")
	if kind == aiccd.KindInternal || kind == aiccd.KindUnavailable || msg == "" {
		c.Logger.ErrorContext(r.Context(), "console request failed", "path", r.URL.Path, "err", err)
		msg = "Something went wrong on the server; the log has the details (request ID " + w.Header().Get("X-Request-Id") + ")."
	}
	if r.Header.Get("X-Console-Fetch") != "" {
		http.Error(w, msg, status)
		return
	}
	if rerr := c.render(w, r, status, "error", view{Title: http.StatusText(status), Flash: flash{Message: sentence(msg), Error: true}}); rerr != nil {
		c.Logger.ErrorContext(r.Context(), "rendering the console's error page", "err", rerr)
		http.Error(w, msg, status)
	}
}

// sentence gives a domain message a capital letter and a full stop.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// assets are the static files by name, each with the hash its URL
// carries so that a new binary's files are never taken from a cache.
var assets = func() map[string]string {
	m := map[string]string{}
	names, _ := fs.Glob(files, "static/*")
	for _, name := range names {
		b, _ := files.ReadFile(name)
		sum := sha256.Sum256(b)
		m[path.Base(name)] = hex.EncodeToString(sum[:8])
	}
	return m
}()

func assetURL(name string) string { return Prefix + "static/" + name + "?v=" + assets[name] }

// static serves an embedded file; its URL changes with its content, so
// it may be cached for long.
func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := files.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("ETag", `"`+assets[name]+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}
