package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
)

// The credentials of tenants (app keys, mall tokens) and of cloud
// accounts (IAM users, AK/SK), through the same credential.Service calls
// as the admin API (httpapi/admin.go).

// secret is a secret just issued: shown on the page that answers the
// change, once, and never stored or shown again.
type secret struct {
	What  string // "App secret of app key …"
	Name  string // the identifier that goes with it (app key, AK)
	Value string
	Back  string // the page to return to
}

func (c *Console) showSecret(w http.ResponseWriter, r *http.Request, s secret) error {
	return c.render(w, r, http.StatusOK, "secret", view{Title: s.What, Data: s})
}

func (c *Console) appKeyCreate(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	k, value, err := c.Credentials.CreateAppKey(r.Context(), tenantID, strings.TrimSpace(r.PostFormValue("name")))
	if err != nil {
		return err
	}
	if err := c.audit(r, "appkey.create", k.Key, "tenant="+tenantID); err != nil {
		return err
	}
	return c.showSecret(w, r, secret{What: "New app key", Name: k.Key, Value: value, Back: Prefix + "tenants/" + k.TenantID})
}

func (c *Console) appKeyRotate(w http.ResponseWriter, r *http.Request) error {
	k, value, err := c.Credentials.RotateAppKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	if err := c.audit(r, "appkey.rotate", k.Key, "tenant="+k.TenantID); err != nil {
		return err
	}
	return c.showSecret(w, r, secret{What: "Rotated app key", Name: k.Key, Value: value, Back: Prefix + "tenants/" + k.TenantID})
}

// formEnabled reads the enabled switch of a form: "true" or "false".
func formEnabled(r *http.Request) (bool, error) {
	enabled, err := strconv.ParseBool(r.PostFormValue("enabled"))
	if err != nil {
		return false, aiccd.Errorf(aiccd.KindInvalid, "enabled is true or false")
	}
	return enabled, nil
}

func onOff(enabled bool) string {
	if enabled {
		return "enable"
	}
	return "disable"
}

func (c *Console) appKeyEnabled(w http.ResponseWriter, r *http.Request) error {
	enabled, err := formEnabled(r)
	if err != nil {
		return err
	}
	k, err := c.Credentials.SetAppKeyEnabled(r.Context(), r.PathValue("key"), enabled)
	if err != nil {
		return err
	}
	if err := c.audit(r, "appkey."+onOff(enabled), k.Key, "tenant="+k.TenantID); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+k.TenantID, "App key "+k.Key+" "+onOff(enabled)+"d.")
}

func (c *Console) mallTokenIssue(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	ttl := credential.DefaultMallTokenTTL
	if s := strings.TrimSpace(r.PostFormValue("ttl_hours")); s != "" {
		h, err := strconv.Atoi(s)
		if err != nil || h <= 0 {
			return aiccd.Errorf(aiccd.KindInvalid, "the lifetime is a whole number of hours")
		}
		ttl = time.Duration(h) * time.Hour
	}
	t, value, err := c.Credentials.IssueMallToken(r.Context(), tenantID, ttl)
	if err != nil {
		return err
	}
	if err := c.audit(r, "malltoken.issue", t.ID(), "tenant="+tenantID); err != nil {
		return err
	}
	return c.showSecret(w, r, secret{What: "New mall token", Name: t.ID(), Value: value, Back: Prefix + "tenants/" + tenantID})
}

func (c *Console) mallTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	tenantID, id := r.PathValue("tenant"), r.PathValue("id")
	n, err := c.Credentials.RevokeMallTokens(r.Context(), tenantID, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return aiccd.Errorf(aiccd.KindNotFound, "no unrevoked mall token has that ID")
	}
	if err := c.audit(r, "malltoken.revoke", id, "tenant="+tenantID); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+tenantID, "Mall token "+id+" revoked.")
}

type accountListData struct {
	Accounts []credential.Account
}

func (c *Console) accountList(w http.ResponseWriter, r *http.Request) error {
	as, err := c.Credentials.Accounts(r.Context())
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "accounts", view{Title: "Cloud accounts", Nav: "accounts", Data: accountListData{as}})
}

func (c *Console) accountCreate(w http.ResponseWriter, r *http.Request) error {
	a, err := c.Credentials.CreateAccount(r.Context(), strings.TrimSpace(r.PostFormValue("id")),
		strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("partner") == "true")
	if err != nil {
		return err
	}
	if err := c.audit(r, "account.create", a.ID, "name="+a.Name+" partner="+strconv.FormatBool(a.IsPartner)); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"accounts/"+a.ID, "Account "+a.ID+" created.")
}

type accountShowData struct {
	Account    credential.Account
	Users      []credential.IAMUser
	AccessKeys []credential.AccessKey
}

func (c *Console) accountShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := c.Credentials.Account(ctx, r.PathValue("account"))
	if err != nil {
		return err
	}
	d := accountShowData{Account: a}
	if d.Users, err = c.Credentials.IAMUsers(ctx, a.ID); err != nil {
		return err
	}
	if d.AccessKeys, err = c.Credentials.AccessKeys(ctx, a.ID); err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "account", view{Title: "Account " + a.ID, Nav: "accounts", Data: d})
}

func (c *Console) accountUpdate(w http.ResponseWriter, r *http.Request) error {
	enabled, err := formEnabled(r)
	if err != nil {
		return err
	}
	a, err := c.Credentials.UpdateAccount(r.Context(), r.PathValue("account"), r.PostFormValue("partner") == "true", enabled)
	if err != nil {
		return err
	}
	if err := c.audit(r, "account.update", a.ID, "partner="+strconv.FormatBool(a.IsPartner)+" enabled="+strconv.FormatBool(a.Enabled)); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"accounts/"+a.ID, "Account "+a.ID+" saved.")
}

func (c *Console) iamUserCreate(w http.ResponseWriter, r *http.Request) error {
	accountID := r.PathValue("account")
	u, err := c.Credentials.CreateIAMUser(r.Context(), accountID, strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("password"))
	if err != nil {
		return err
	}
	if err := c.audit(r, "iamuser.create", accountID+"/"+u.Name, ""); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"accounts/"+accountID, "IAM user "+u.Name+" created.")
}

// iamUserUpdate switches an IAM user on or off and, when a new password
// is given, sets it.
func (c *Console) iamUserUpdate(w http.ResponseWriter, r *http.Request) error {
	enabled, err := formEnabled(r)
	if err != nil {
		return err
	}
	accountID, pw := r.PathValue("account"), r.PostFormValue("password")
	u, err := c.Credentials.UpdateIAMUser(r.Context(), accountID, r.PathValue("user"), enabled, pw)
	if err != nil {
		return err
	}
	detail := "enabled=" + strconv.FormatBool(u.Enabled)
	if pw != "" {
		detail += " password changed"
	}
	if err := c.audit(r, "iamuser.update", accountID+"/"+u.Name, detail); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"accounts/"+accountID, "IAM user "+u.Name+" saved.")
}

func (c *Console) accessKeyCreate(w http.ResponseWriter, r *http.Request) error {
	accountID := r.PathValue("account")
	k, sk, err := c.Credentials.CreateAccessKey(r.Context(), accountID, strings.TrimSpace(r.PostFormValue("description")))
	if err != nil {
		return err
	}
	if err := c.audit(r, "accesskey.create", k.AK, "account="+accountID); err != nil {
		return err
	}
	return c.showSecret(w, r, secret{What: "New access key (AK/SK)", Name: k.AK, Value: sk, Back: Prefix + "accounts/" + accountID})
}

func (c *Console) accessKeyRotate(w http.ResponseWriter, r *http.Request) error {
	k, sk, err := c.Credentials.RotateAccessKey(r.Context(), r.PathValue("ak"))
	if err != nil {
		return err
	}
	if err := c.audit(r, "accesskey.rotate", k.AK, "account="+k.AccountID); err != nil {
		return err
	}
	return c.showSecret(w, r, secret{What: "Rotated access key (AK/SK)", Name: k.AK, Value: sk, Back: Prefix + "accounts/" + k.AccountID})
}

func (c *Console) accessKeyEnabled(w http.ResponseWriter, r *http.Request) error {
	enabled, err := formEnabled(r)
	if err != nil {
		return err
	}
	k, err := c.Credentials.SetAccessKeyEnabled(r.Context(), r.PathValue("ak"), enabled)
	if err != nil {
		return err
	}
	if err := c.audit(r, "accesskey."+onOff(enabled), k.AK, "account="+k.AccountID); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"accounts/"+k.AccountID, "Access key "+k.AK+" "+onOff(enabled)+"d.")
}
