package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/netip"
	"net/url"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
)

// cookieName holds the session token. The cookie is HttpOnly (no script
// reads it), SameSite=Strict (no other site's page sends it), limited to
// the console's path, and Secure when aiccd serves TLS.
const cookieName = "aiccd_console"

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: token, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	return c.Value
}

// csrfToken is the token every change must carry in its form: derived
// from the session's own token, so it needs no storage, is different for
// every session, and cannot be computed without the cookie.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("aiccd console csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// user is the signed-in user of a request.
type user struct {
	admin.Session
	csrf string
}

// CSRF is the token the page's forms carry.
func (u user) CSRF() string { return u.csrf }

// CanChange tells templates whether to offer changes.
func (u user) CanChange() bool { return u.Role.CanChange() }

type userKey struct{}

func userFrom(ctx context.Context) user {
	u, _ := ctx.Value(userKey{}).(user)
	return u
}

// handlerFunc is the shape of every console handler: it writes a page
// and returns nil, or returns an error for c.fail to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

var (
	errForbidden = aiccd.Errorf(aiccd.KindForbidden, "viewers cannot change anything; ask an operator")
	errBadOrigin = aiccd.Errorf(aiccd.KindForbidden, "the change did not come from a console page; reload the page and try again")
	errNoPage    = aiccd.Errorf(aiccd.KindNotFound, "there is no such page")
)

// view serves a page to any signed-in user; others are sent to sign in.
func (c *Console) view(h handlerFunc) http.Handler {
	return c.serve(func(w http.ResponseWriter, r *http.Request) error {
		u, err := c.authenticate(r)
		if errors.Is(err, admin.ErrNoSession) {
			return c.toSignIn(w, r)
		}
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	})
}

// signedIn serves a form post of a signed-in user: from a console page
// of this origin, with the session's CSRF token.
func (c *Console) signedIn(h handlerFunc) http.Handler {
	return c.view(func(w http.ResponseWriter, r *http.Request) error {
		if !sameOrigin(r) || !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(userFrom(r.Context()).csrf)) {
			return errBadOrigin
		}
		return h(w, r)
	})
}

// change serves a change: a form post of an operator.
func (c *Console) change(h handlerFunc) http.Handler {
	return c.signedIn(func(w http.ResponseWriter, r *http.Request) error {
		if !userFrom(r.Context()).CanChange() {
			return errForbidden
		}
		return h(w, r)
	})
}

func (c *Console) authenticate(r *http.Request) (user, error) {
	token := sessionToken(r)
	sess, err := c.Admins.Authenticate(r.Context(), token)
	if err != nil {
		return user{}, err
	}
	// A page the user asked for is a use of the session; the live views'
	// and the rule check's script requests are not.
	if r.Header.Get("X-Console-Fetch") == "" {
		if sess, err = c.Admins.Touch(r.Context(), sess); err != nil {
			return user{}, err
		}
	}
	return user{Session: sess, csrf: csrfToken(token)}, nil
}

// toSignIn sends a browser to the sign-in page, and a script's request
// (the live tails) a 401 it can act on.
func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet || r.Header.Get("X-Console-Fetch") != "" {
		return admin.ErrNoSession
	}
	target := Prefix + "signin"
	if r.URL.Path != Prefix {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// sameOrigin reports whether a request that changes something came from
// a page of this origin. Browsers send Sec-Fetch-Site or Origin with
// every form post; a request with neither is not a browser's, and the
// CSRF token alone decides.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// source is the address a change is recorded from: the TCP peer's.
func source(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return ap.Addr().Unmap().String()
}

// audit records a change the signed-in user made. A change that was made
// but could not be recorded is logged as an error, and the user told.
func (c *Console) audit(r *http.Request, action, target, detail string) error {
	u := userFrom(r.Context())
	err := c.Admins.Record(r.Context(), admin.AuditEntry{
		Actor: u.UserName, Action: action, Target: target, Detail: detail, Source: source(r),
	})
	if err != nil {
		c.Logger.ErrorContext(r.Context(), "audit log not written", "actor", u.UserName, "action", action, "target", target, "err", err)
	}
	return err
}
