package console

import (
	"net/http"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
)

// enabled reports whether the console is served: once admin access is
// configured, by an admin token or a console user.
func (c *Console) enabled(r *http.Request) (bool, error) {
	if c.AdminToken != "" {
		return true, nil
	}
	return c.Admins.HasUsers(r.Context())
}

type signInData struct {
	Name    string
	Next    string
	NoUsers bool
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) error {
	on, err := c.enabled(r)
	if err != nil {
		return err
	}
	if !on {
		http.NotFound(w, r)
		return nil
	}
	if _, err := c.authenticate(r); err == nil {
		http.Redirect(w, r, nextPage(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	noUsers, err := c.noUsers(r)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "signin", view{Title: "Sign in",
		Data: signInData{Next: r.URL.Query().Get("next"), NoUsers: noUsers}})
}

func (c *Console) noUsers(r *http.Request) (bool, error) {
	has, err := c.Admins.HasUsers(r.Context())
	return !has, err
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) error {
	if !sameOrigin(r) {
		return errBadOrigin
	}
	name, pw, next := r.PostFormValue("name"), r.PostFormValue("password"), r.PostFormValue("next")
	_, token, err := c.Admins.SignIn(r.Context(), name, pw)
	if err != nil {
		var msg string
		switch {
		case aiccd.KindOf(err) == aiccd.KindUnauthorized:
			msg = "The user name or password is wrong."
		case aiccd.CodeOf(err) == credential.CodeLocked:
			msg = "Too many failed sign-ins: this user is locked for a few minutes."
		case aiccd.KindOf(err) == aiccd.KindRateLimited:
			msg = "Too many sign-ins at once or from this address; wait a moment and try again."
		default:
			return err
		}
		c.Logger.InfoContext(r.Context(), "console sign-in refused", "user", name, "source", source(r), "reason", aiccd.KindOf(err).String())
		return c.render(w, r, statuses[aiccd.KindOf(err)], "signin", view{Title: "Sign in", Flash: flash{Message: msg, Error: true},
			Data: signInData{Name: name, Next: next}})
	}
	setSessionCookie(w, r, token, int(c.Admins.Lifetime().Seconds()))
	http.Redirect(w, r, nextPage(next), http.StatusSeeOther)
	return nil
}

// nextPage is where a sign-in continues: a console path, never another
// site.
func nextPage(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix
	}
	return next
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) error {
	if err := c.Admins.SignOut(r.Context(), sessionToken(r)); err != nil {
		return err
	}
	setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
	return nil
}
