package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/tenant"
)

// pageSize is how many rows a list page shows.
const pageSize = 50

type tenantListData struct {
	Query      string
	Tenants    []tenant.Tenant
	Total      int
	Page, Last int
}

func (c *Console) tenantList(w http.ResponseWriter, r *http.Request) error {
	all, err := c.Tenants.List(r.Context())
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q != "" {
		term := strings.ToLower(q)
		all = slices.DeleteFunc(all, func(t tenant.Tenant) bool {
			return !strings.Contains(t.ID, term) && !strings.Contains(strings.ToLower(t.Name), term) && !strings.Contains(t.VDN, q)
		})
	}
	d := tenantListData{Query: q, Total: len(all)}
	d.Tenants, d.Page, d.Last = paginate(all, r)
	return c.render(w, r, http.StatusOK, "tenants", view{Title: "Tenants", Nav: "tenants", Data: d})
}

// paginate returns the page of items the request's page parameter asks
// for (from 1), that page and the last.
func paginate[T any](items []T, r *http.Request) ([]T, int, int) {
	last := max(1, (len(items)+pageSize-1)/pageSize)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), last)
	from := (page - 1) * pageSize
	return items[from:min(from+pageSize, len(items))], page, last
}

// tenantForm is the form of a new tenant, and of a tenant's profile.
type tenantForm struct {
	ID, Name, Kind, Status, VDN, PortalURL string
	Company, ContactName, Email, Mobile    string
	TrialExpiresAt                         string // YYYY-MM-DD
}

func readTenantForm(r *http.Request) tenantForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return tenantForm{
		ID: v("id"), Name: v("name"), Kind: v("kind"), Status: v("space_status"), VDN: v("vdn"), PortalURL: v("portal_url"),
		Company: v("company"), ContactName: v("contact_name"), Email: v("email"), Mobile: v("mobile"), TrialExpiresAt: v("trial_expires_at"),
	}
}

// parseDate reads the form's date: the end of that day would surprise,
// so a trial ends at its start, UTC.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, aiccd.Errorf(aiccd.KindInvalid, "the trial expiry %q is not a date (YYYY-MM-DD)", s)
	}
	return t, nil
}

type tenantNewData struct {
	Form     tenantForm
	Statuses []tenant.SpaceStatus
}

var allStatuses = []tenant.SpaceStatus{tenant.StatusCreating, tenant.StatusActive, tenant.StatusSuspended,
	tenant.StatusReleased, tenant.StatusTrial, tenant.StatusTrialExpired}

func (c *Console) tenantNew(w http.ResponseWriter, r *http.Request) error {
	if !userFrom(r.Context()).CanChange() {
		return errForbidden
	}
	return c.render(w, r, http.StatusOK, "tenant_new", view{Title: "New tenant", Nav: "tenants", Data: tenantNewData{Statuses: allStatuses}})
}

func (c *Console) tenantCreate(w http.ResponseWriter, r *http.Request) error {
	f := readTenantForm(r)
	t, err := c.createTenant(r, f)
	if err != nil {
		if aiccd.KindOf(err) == aiccd.KindInternal || aiccd.KindOf(err) == aiccd.KindUnavailable {
			return err
		}
		return c.render(w, r, statuses[aiccd.KindOf(err)], "tenant_new", view{Title: "New tenant", Nav: "tenants",
			Flash: flash{Message: sentence(aiccd.MessageOf(err, "")), Error: true}, Data: tenantNewData{Form: f, Statuses: allStatuses}})
	}
	if err := c.audit(r, "tenant.create", t.ID, "name="+t.Name+" kind="+string(t.Kind)); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+t.ID, "Tenant "+t.ID+" created.")
}

// createTenant makes the tenant.Draft the admin API makes of its body.
func (c *Console) createTenant(r *http.Request, f tenantForm) (tenant.Tenant, error) {
	expires, err := parseDate(f.TrialExpiresAt)
	if err != nil {
		return tenant.Tenant{}, err
	}
	d := tenant.Draft{
		ID: f.ID, Name: f.Name, Kind: tenant.Kind(f.Kind), VDN: f.VDN, PortalURL: f.PortalURL,
		Profile:        tenant.Profile{Company: f.Company, ContactName: f.ContactName, Email: f.Email, Mobile: f.Mobile},
		TrialExpiresAt: expires,
	}
	if f.Status != "" {
		if d.Status, err = tenant.ParseStatus(f.Status); err != nil {
			return tenant.Tenant{}, err
		}
	}
	return c.Tenants.CreateFrom(r.Context(), d)
}

// omaField is one value of a tenant as stored and as the mall's OMA
// interface answers it.
type omaField struct {
	Name, Field, Stored, Answered string
}

type tenantShowData struct {
	Tenant    tenant.Tenant
	Form      tenantForm
	Next      []tenant.SpaceStatus // statuses the tenant may move to
	OMARoute  string               // the OMA interface that answers for the tenant
	OMAError  string               // why it answers no profile, if it does not
	OMA       []omaField
	AppKeys   []credential.AppKey
	Tokens    []credential.TokenInfo
	Secret    *secret // a secret just issued, shown once
	IsTrial   bool
	CanExpire bool
}

func (c *Console) tenantShow(w http.ResponseWriter, r *http.Request) error {
	d, err := c.tenantData(r, r.PathValue("tenant"))
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "tenant", view{Title: "Tenant " + d.Tenant.ID, Nav: "tenants", Data: d})
}

func (c *Console) tenantData(r *http.Request, id string) (tenantShowData, error) {
	ctx := r.Context()
	t, err := c.Tenants.Get(ctx, id)
	if err != nil {
		return tenantShowData{}, err
	}
	d := tenantShowData{Tenant: t, IsTrial: t.Kind == tenant.KindTrial, CanExpire: t.Status == tenant.StatusTrial}
	d.Form = tenantForm{Name: t.Name, VDN: t.VDN, PortalURL: t.PortalURL, Company: t.Profile.Company,
		ContactName: t.Profile.ContactName, Email: t.Profile.Email, Mobile: t.Profile.Mobile}
	if !t.TrialExpiresAt.IsZero() {
		d.Form.TrialExpiresAt = t.TrialExpiresAt.UTC().Format("2006-01-02")
	}
	for _, st := range allStatuses {
		if st != t.Status && tenant.CanChangeStatus(t, st) {
			d.Next = append(d.Next, st)
		}
	}
	c.omaView(r, &d)
	if d.AppKeys, err = c.Credentials.AppKeys(ctx, id); err != nil {
		return d, err
	}
	ts, err := c.Credentials.MallTokens(ctx, id)
	if err != nil {
		return d, err
	}
	for _, tok := range ts {
		d.Tokens = append(d.Tokens, tok.Info())
	}
	return d, nil
}

// omaView fills in what the mall's OMA interface answers for the tenant:
// querytenantbasic for a formal tenant, querytenantinfo for a trial, read
// through the same service calls and masked by the same rules.
func (c *Console) omaView(r *http.Request, d *tenantShowData) {
	t := d.Tenant
	read, route := c.Tenants.Formal, "GET /rest/oma/softwareconsole/tenant/querytenantbasic"
	if t.Kind == tenant.KindTrial {
		read, route = c.Tenants.Trial, "GET /rest/oma/softwareconsole/trialtenant/querytenantinfo"
	}
	d.OMARoute = route
	answered, err := read(r.Context(), t.ID)
	if err != nil {
		d.OMAError = sentence(aiccd.MessageOf(err, "the interface answers with an error"))
		return
	}
	m := answered.Profile.Masked()
	d.OMA = []omaField{
		{"Mobile", "mobilePhone", t.Profile.Mobile, m.Mobile},
		{"Company", "company", t.Profile.Company, m.Company},
		{"Contact", "customerName", t.Profile.ContactName, m.ContactName},
		{"E-mail", "email", t.Profile.Email, m.Email},
		{"Space status", "tenantSpaceStatus", string(t.Status), string(answered.Status)},
	}
}

func (c *Console) tenantUpdate(w http.ResponseWriter, r *http.Request) error {
	f := readTenantForm(r)
	p := tenant.Patch{Name: &f.Name, VDN: &f.VDN, PortalURL: &f.PortalURL, Company: &f.Company,
		ContactName: &f.ContactName, Email: &f.Email, Mobile: &f.Mobile}
	if f.TrialExpiresAt != "" {
		expires, err := parseDate(f.TrialExpiresAt)
		if err != nil {
			return err
		}
		p.TrialExpiresAt = &expires
	}
	t, err := c.Tenants.Update(r.Context(), r.PathValue("tenant"), p)
	if err != nil {
		return err
	}
	if err := c.audit(r, "tenant.update", t.ID, "profile"); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+t.ID, "Tenant "+t.ID+" saved.")
}

func (c *Console) tenantStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := tenant.ParseStatus(r.PostFormValue("space_status"))
	if err != nil {
		return err
	}
	t, err := c.Tenants.Update(r.Context(), r.PathValue("tenant"), tenant.Patch{Status: &st})
	if err != nil {
		return err
	}
	if err := c.audit(r, "tenant.status", t.ID, "space_status="+t.Status.String()); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+t.ID, "Tenant "+t.ID+" is now "+t.Status.String()+".")
}

func (c *Console) tenantExpire(w http.ResponseWriter, r *http.Request) error {
	t, err := c.Tenants.Expire(r.Context(), r.PathValue("tenant"))
	if err != nil {
		return err
	}
	if err := c.audit(r, "tenant.expire", t.ID, ""); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+t.ID, "The trial of "+t.ID+" has expired.")
}

func (c *Console) tenantConvert(w http.ResponseWriter, r *http.Request) error {
	t, err := c.Tenants.Convert(r.Context(), r.PathValue("tenant"))
	if err != nil {
		return err
	}
	if err := c.audit(r, "tenant.convert", t.ID, ""); err != nil {
		return err
	}
	return redirect(w, r, Prefix+"tenants/"+t.ID, "Tenant "+t.ID+" is now formal.")
}
