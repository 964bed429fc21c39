package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/tenant"
)

// lapse is a way for a tenant's service to stop being active.
type lapse struct {
	name  string
	draft tenant.Draft // the tenant, its ID the app key's and mall token's prefix
	// end makes the tenant lapse (nil: it never was in service); back
	// puts it in service again (nil: it cannot come back).
	end, back func(e *env, id string) error
}

func setStatus(s tenant.SpaceStatus) func(e *env, id string) error {
	return func(e *env, id string) error {
		_, err := e.tenants.Update(context.Background(), id, tenant.Patch{Status: &s})
		return err
	}
}

// extendTrial moves a trial's end to d from now.
func extendTrial(d time.Duration) func(e *env, id string) error {
	return func(e *env, id string) error {
		end := e.clock.Now().Add(d)
		_, err := e.tenants.Update(context.Background(), id, tenant.Patch{TrialExpiresAt: &end})
		return err
	}
}

var lapses = []lapse{
	{name: "suspended", draft: tenant.Draft{ID: "suspended"},
		end: setStatus(tenant.StatusSuspended), back: setStatus(tenant.StatusActive)},
	{name: "released", draft: tenant.Draft{ID: "released"}, end: setStatus(tenant.StatusReleased)},
	{name: "creating", draft: tenant.Draft{ID: "creating", Status: tenant.StatusCreating}, back: setStatus(tenant.StatusActive)},
	{name: "trial expired by the clock", draft: tenant.Draft{ID: "trial-run-out", Kind: tenant.KindTrial},
		end: func(e *env, id string) error {
			// Its period ends in a minute, well within the held token's hour.
			if err := extendTrial(time.Minute)(e, id); err != nil {
				return err
			}
			e.clock.Add(time.Minute)
			return nil
		},
		back: extendTrial(24 * time.Hour)},
	{name: "trial expired by an administrator", draft: tenant.Draft{ID: "trial-expired", Kind: tenant.KindTrial},
		end:  func(e *env, id string) error { _, err := e.tenants.Expire(context.Background(), id); return err },
		back: extendTrial(24 * time.Hour)},
	{name: "trial released", draft: tenant.Draft{ID: "trial-released", Kind: tenant.KindTrial}, end: setStatus(tenant.StatusReleased)},
}

// The app-gateway endpoints of a tenant, with the golden file of their
// answer to a tenant that is not in service.
var lapsedGatewayEndpoints = []struct{ path, golden string }{
	{ccPath + "accessCodeInfo/queryAccessCodeList", "cc_queryaccesscodelist_not_in_service.golden"},
	{ccPath + "calledRoute/queryCalledRoute", "cc_querycalledroute_not_in_service.golden"},
	{"/apiaccess/rest/ipccprovision/v1/applyTry/applyTenant", "apply_tenant_not_in_service.golden"},
	{scPath + "queryfaultyuser", "smartcare_queryfaultyuser_not_in_service.golden"},
	{scPath + "submitquickdelimit", "smartcare_submitquickdelimit_not_in_service.golden"},
	{scPath + "queryquickresult", "smartcare_queryquickresult_not_in_service.golden"},
	{scPath + "querydeepresult", "smartcare_querydeepresult_not_in_service.golden"},
}

// The mall endpoints, with their page's 401.
var lapsedMallEndpoints = []struct{ method, path, golden string }{
	{"GET", pathTenantBasic, "oma_querytenantbasic_401.golden"},
	{"GET", pathTenantInfo, "oma_querytenantinfo_401.golden"},
	{"POST", pathResource, "oma_queryresource_401.golden"},
}

// TestLapsedTenantsAreRefused gives a tenant an app key and a mall token,
// takes a gateway token while the tenant is in service, and makes it
// lapse: tokenByAkSk issues no new token, and every vendor endpoint its
// token or mall token reaches answers the pages' 401 in its family's
// format. Put back in service, the tenant is let in again at once.
func TestLapsedTenantsAreRefused(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		for _, l := range lapses {
			t.Run(l.name, func(t *testing.T) {
				ctx := context.Background()
				id := l.draft.ID
				appKey, appSecret, mallToken := id+"-app-key", id+"-app-secret", id+"-mall-token"
				if _, err := e.tenants.CreateFrom(ctx, l.draft); err != nil {
					t.Fatal(err)
				}
				if _, err := e.creds.CreateAppKeyWithSecret(ctx, appKey, id, "crm", appSecret); err != nil {
					t.Fatal(err)
				}
				if _, err := e.creds.IssueMallTokenValue(ctx, id, mallToken, 365*24*time.Hour); err != nil {
					t.Fatal(err)
				}
				tokenRequest := request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk",
					body: `{"app_key":"` + appKey + `","app_secret":"` + appSecret + `"}`}
				var held string
				if l.end != nil {
					w := e.do(tokenRequest)
					if w.Code != 200 {
						t.Fatalf("tokenByAkSk in service: %d %s", w.Code, w.Body)
					}
					held = decode(t, w)["AccessToken"].(string)
					if err := l.end(e, id); err != nil {
						t.Fatal(err)
					}
				}

				golden(t, "gateway_token_not_in_service.golden", e.do(tokenRequest))
				if held != "" {
					for _, ep := range lapsedGatewayEndpoints {
						golden(t, ep.golden, e.do(request{method: "POST", path: ep.path, body: `{}`,
							header: map[string]string{"Authorization": "Bearer " + held, "X-APP-Key": appKey}}))
					}
				}
				for _, ep := range lapsedMallEndpoints {
					golden(t, ep.golden, e.do(request{method: ep.method, path: ep.path, header: map[string]string{"X-Auth-Token": mallToken}}))
				}

				if l.back == nil {
					return
				}
				if err := l.back(e, id); err != nil {
					t.Fatal(err)
				}
				w := e.do(tokenRequest)
				if w.Code != 200 {
					t.Fatalf("tokenByAkSk back in service: %d %s", w.Code, w.Body)
				}
				for _, tok := range []string{held, decode(t, w)["AccessToken"].(string)} {
					if tok == "" {
						continue
					}
					w := e.do(request{method: "POST", path: lapsedGatewayEndpoints[0].path, body: `{}`,
						header: map[string]string{"Authorization": "Bearer " + tok}})
					if w.Code != 200 {
						t.Fatalf("queryAccessCodeList back in service: %d %s", w.Code, w.Body)
					}
				}
				if w := e.do(request{method: "POST", path: pathResource, header: map[string]string{"X-Auth-Token": mallToken}}); w.Code != 200 {
					t.Fatalf("queryresource back in service: %d %s", w.Code, w.Body)
				}
			})
		}
	})
}

// TestDemoLapsedTenantsAreRefused tries the demo's tenants that are not in
// service as an integrator would, with the credentials the demo prints:
// tokenByAkSk and the mall endpoints answer each the pages' 401.
func TestDemoLapsedTenantsAreRefused(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		for _, l := range demo.LapsedTenants {
			t.Run(l.State, func(t *testing.T) {
				golden(t, "gateway_token_not_in_service.golden", e.do(request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk",
					body: `{"app_key":"` + l.AppKey + `","app_secret":"` + l.AppSecret + `"}`}))
				for _, ep := range lapsedMallEndpoints {
					golden(t, ep.golden, e.do(request{method: ep.method, path: ep.path, header: map[string]string{"X-Auth-Token": l.MallToken}}))
				}
			})
		}
	})
}
