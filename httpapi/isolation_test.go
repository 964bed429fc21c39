package httpapi

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/tenant"
)

// isolated is a tenant of the isolation test with everything that is its
// own: the values that must never reach another tenant's caller.
type isolated struct {
	draft    tenant.Draft
	resource string
	token    string
}

// secrets are the strings that identify t's data in a response: raw and
// masked profile values and its resource ID.
func (t isolated) secrets() []string {
	p := t.draft.Profile
	m := p.Masked()
	return []string{t.draft.ID, t.resource, p.Company, p.ContactName, p.Email, p.Mobile, m.Company, m.ContactName, m.Email, m.Mobile}
}

// TestTenantIsolation proves, over every OMA endpoint (and applyTenant),
// that a caller sees only its own tenant's data: the token names the
// tenant, and nothing in the request can name another.
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, dsn)
		now := e.clock.Now()
		vdn := 70
		mk := func(id string, kind tenant.Kind, p tenant.Profile) isolated {
			t.Helper()
			vdn++
			d := tenant.Draft{ID: id, Kind: kind, VDN: strconv.Itoa(vdn), Profile: p}
			if _, err := e.tenants.CreateFrom(ctx, d); err != nil {
				t.Fatal(err)
			}
			res := "res-" + id
			if _, err := e.tenants.AddResource(ctx, id, tenant.ResourceDraft{ID: res, Type: "agent", Quantity: 1,
				StartAt: now.Add(-time.Hour), EndAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			_, token, err := e.creds.IssueMallToken(ctx, id, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return isolated{draft: d, resource: res, token: token}
		}
		// Values chosen so that no masked form of one is part of another's.
		a := mk("iso-a", tenant.KindFormal, tenant.Profile{Company: "Alpha Ltd", ContactName: "Anna", Email: "anna@alpha.cn", Mobile: "13511112222"})
		b := mk("iso-b", tenant.KindFormal, tenant.Profile{Company: "Bravo Inc", ContactName: "Boris", Email: "boris@bravo.cn", Mobile: "18633334444"})
		ta := mk("iso-ta", tenant.KindTrial, tenant.Profile{Company: "甲公司 试用", ContactName: "甲乙", Email: "jia@jia.cn", Mobile: "15955556666"})
		tb := mk("iso-tb", tenant.KindTrial, tenant.Profile{Company: "Zulu Trial", ContactName: "Zed", Email: "zed@zulu.cn", Mobile: "17777778888"})
		all := []isolated{a, b, ta, tb}

		// Requests that try to name another tenant in every place a
		// client could: query string, body, headers.
		for _, caller := range all {
			for _, other := range all {
				if other.draft.ID == caller.draft.ID {
					continue
				}
				header := map[string]string{"X-Auth-Token": caller.token, "X-Tenant-Id": other.draft.ID}
				for _, req := range []request{
					{method: "GET", path: pathTenantBasic + "?tenantId=" + other.draft.ID, header: header},
					{method: "GET", path: pathTenantInfo + "?tenantId=" + other.draft.ID, header: header},
					{method: "POST", path: pathResource, header: header,
						body: `{"limit": 99, "tenantId": "` + other.draft.ID + `", "tenant_id": "` + other.draft.ID + `"}`},
				} {
					w := e.do(req)
					for _, s := range other.secrets() {
						if strings.Contains(w.Body.String(), s) {
							t.Errorf("%s's token on %s %s shows %q of %s:\n%s", caller.draft.ID, req.method, req.path, s, other.draft.ID, w.Body)
						}
					}
					if w.Code == 200 && !strings.Contains(w.Body.String(), caller.resource) && req.path == pathResource {
						t.Errorf("%s's token on queryresource misses its own resource:\n%s", caller.draft.ID, w.Body)
					}
				}
			}
			// Each endpoint answers with the caller's own data.
			switch caller.draft.Kind {
			case tenant.KindFormal:
				w := e.do(mallGet(pathTenantBasic, caller.token))
				if w.Code != 200 || decode(t, w)["email"] != tenant.MaskEmail(caller.draft.Profile.Email) {
					t.Errorf("%s on querytenantbasic: %d %s", caller.draft.ID, w.Code, w.Body)
				}
			case tenant.KindTrial:
				w := e.do(mallGet(pathTenantInfo, caller.token))
				if w.Code != 200 || decode(t, w)["mobilePhone"] != tenant.MaskMobile(caller.draft.Profile.Mobile) {
					t.Errorf("%s on querytenantinfo: %d %s", caller.draft.ID, w.Code, w.Body)
				}
			}
		}

		// applyTenant refuses another tenant's phone number or e-mail
		// address without telling whose it is.
		gw := e.gatewayToken()
		for _, other := range all {
			for _, body := range []map[string]string{
				{"companyName": "Probe", "phone": other.draft.Profile.Mobile, "phoneVerifyCode": tenant.DemoVerificationCode, "email": "probe@probe.cn"},
				{"companyName": "Probe", "phone": "13000000000", "phoneVerifyCode": tenant.DemoVerificationCode, "email": other.draft.Profile.Email},
			} {
				b, _ := json.Marshal(body)
				w := e.do(applyRequest(gw, string(b)))
				code := decode(t, w)["returnCode"]
				if code != "002" && code != "003" {
					t.Errorf("applying with %s's contacts: %s", other.draft.ID, w.Body)
				}
				for _, s := range other.secrets() {
					if strings.Contains(w.Body.String(), s) {
						t.Errorf("applyTenant shows %q of %s:\n%s", s, other.draft.ID, w.Body)
					}
				}
			}
		}
	})
}
