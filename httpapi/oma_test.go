package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/tenant"
)

const (
	pathTenantBasic = "/rest/oma/softwareconsole/tenant/querytenantbasic"
	pathTenantInfo  = "/rest/oma/softwareconsole/trialtenant/querytenantinfo"
	pathResource    = "/rest/oma/softwareconsole/tenant/queryresource"
	pathApplyTenant = "/apiaccess/rest/ipccprovision/v1/applyTry/applyTenant"
)

// The response bodies of the pages' examples, verbatim.
const (
	pageTenantBasic = `{ "mobilePhone": "153****0991", "company":"Huawei XXXXXXXXX", "customerName":"zXXXXXX", "email":"sunk****@huawei.com", "vdn":"150", "createDate":1681203525000, "tenantSpaceStatus":"2", "portalUrl":"https://software.huawei.com/auth?client_id=xxxxx&redirect_uri=https://xxx.com/service-cloud/sm/login/portal.html" }`
	pageTenantInfo  = `{
    "expiryDate": 1684650886000,
    "mobilePhone": "132****7077",
    "portalUrl": "https://software.huawei.com/auth?client_id=xxxxx&redirect_uri=https://xxx.com/service-cloud/sm/login/portal.html",
    "company": "xxx",
    "tenantSpaceStatus": "5",
    "customerName": "xxx",
    "email": "wanf****@huawei.com",
    "createDate": 1681203525000
}`
)

// decodeExact decodes a JSON object keeping numbers as written.
func decodeExact(t testing.TB, body []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, body)
	}
	return m
}

func mallGet(path, token string) request {
	return request{method: "GET", path: path, header: map[string]string{"X-Auth-Token": token}}
}

func TestQueryTenantBasicAnswersThePageExample(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		w := e.do(mallGet(pathTenantBasic, demo.MallToken))
		golden(t, "oma_querytenantbasic.golden", w)
		if got, want := decodeExact(t, w.Body.Bytes()), decodeExact(t, []byte(pageTenantBasic)); !reflect.DeepEqual(got, want) {
			t.Fatalf("body %v\nwant the page's %v", got, want)
		}
		// The page example's header spelling works the same.
		w2 := e.do(request{method: "GET", path: pathTenantBasic, header: map[string]string{"X-Auth_Token": demo.MallToken}})
		if w2.Code != 200 || w2.Body.String() != w.Body.String() {
			t.Fatalf("X-Auth_Token: %d %s", w2.Code, w2.Body)
		}
	})
}

func TestQueryTenantInfoAnswersThePageExample(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		w := e.do(mallGet(pathTenantInfo, demo.TrialMallToken))
		golden(t, "oma_querytenantinfo.golden", w)
		got, want := decodeExact(t, w.Body.Bytes()), decodeExact(t, []byte(pageTenantInfo))
		if len(got) != len(want) {
			t.Fatalf("fields %v, want those of %v", got, want)
		}
		// company and customerName are "xxx" placeholders on the page.
		for _, k := range []string{"expiryDate", "mobilePhone", "email", "tenantSpaceStatus", "createDate", "portalUrl"} {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s = %v, want %v", k, got[k], want[k])
			}
		}
		for _, k := range []string{"company", "customerName"} {
			if _, ok := got[k].(string); !ok {
				t.Errorf("%s is %T, want a string", k, got[k])
			}
		}
	})
}

// breakDatabase closes e's database under a server whose credential cache
// still knows the demo tokens: the next tenant read fails.
func (e *env) breakDatabase(tokens ...string) {
	e.t.Helper()
	for _, token := range tokens {
		if _, err := e.creds.VerifyMallToken(context.Background(), token); err != nil {
			e.t.Fatal(err)
		}
	}
	e.db.Close()
}

func TestMallQueryRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	_, shortLived, err := e.creds.IssueMallToken(ctx, demo.TenantID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	issued, revoked, err := e.creds.IssueMallToken(ctx, demo.TenantID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.creds.RevokeMallTokens(ctx, demo.TenantID, issued.ID()); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(2 * time.Minute)
	for _, tc := range []struct {
		name   string
		req    request
		golden string
	}{
		{"basic without a token", request{method: "GET", path: pathTenantBasic}, "oma_querytenantbasic_401.golden"},
		{"basic with an unknown token", mallGet(pathTenantBasic, "no-such-token"), "oma_querytenantbasic_401.golden"},
		{"basic with an expired token", mallGet(pathTenantBasic, shortLived), "oma_querytenantbasic_401.golden"},
		{"basic with a revoked token", mallGet(pathTenantBasic, revoked), "oma_querytenantbasic_401.golden"},
		{"basic with a trial tenant's token", mallGet(pathTenantBasic, demo.TrialMallToken), "oma_querytenantbasic_401.golden"},
		{"basic with POST", request{method: "POST", path: pathTenantBasic, header: map[string]string{"X-Auth-Token": demo.MallToken}}, "oma_querytenantbasic_405.golden"},
		{"trial without a token", request{method: "GET", path: pathTenantInfo}, "oma_querytenantinfo_401.golden"},
		{"trial with an unknown token", mallGet(pathTenantInfo, "no-such-token"), "oma_querytenantinfo_401.golden"},
		{"trial with an expired token", mallGet(pathTenantInfo, shortLived), "oma_querytenantinfo_401.golden"},
		{"trial with a formal tenant's token", mallGet(pathTenantInfo, demo.MallToken), "oma_querytenantinfo_404.golden"},
	} {
		t.Run(tc.name, func(t *testing.T) { golden(t, tc.golden, e.do(tc.req)) })
	}
}

func TestMallQueriesWhenTheStoreFails(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.breakDatabase(demo.MallToken, demo.TrialMallToken)
		golden(t, "oma_querytenantbasic_502.golden", e.do(mallGet(pathTenantBasic, demo.MallToken)))
		golden(t, "oma_querytenantinfo_500.golden", e.do(mallGet(pathTenantInfo, demo.TrialMallToken)))
		golden(t, "oma_queryresource_500.golden", e.do(request{method: "POST", path: pathResource, body: `{}`,
			header: map[string]string{"X-Auth-Token": demo.MallToken}}))
	})
}

func TestTrialExpiryAndConversionOverTheMallAPI(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		// Like serve --demo: only the demo's own trial is kept from
		// expiring, so this one expires by the clock.
		e := newEnv(t, dsn)
		if _, err := e.tenants.CreateFrom(ctx, tenant.Draft{ID: "tr", Kind: tenant.KindTrial, TrialExpiresAt: e.clock.Now().Add(time.Hour),
			Profile: tenant.Profile{Company: "试用公司", ContactName: "李雷", Email: "li@example.cn", Mobile: "13800138000"}}); err != nil {
			t.Fatal(err)
		}
		_, token, err := e.creds.IssueMallToken(ctx, "tr", time.Hour*24)
		if err != nil {
			t.Fatal(err)
		}
		w := e.do(mallGet(pathTenantInfo, token))
		body := decodeExact(t, w.Body.Bytes())
		if w.Code != 200 || body["tenantSpaceStatus"] != "5" || body["company"] != "试用XX" || body["customerName"] != "李X" || body["mobilePhone"] != "138****8000" {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		e.clock.Add(time.Hour)
		// Expired, the trial is not in service: both pages' 401.
		golden(t, "oma_querytenantinfo_401.golden", e.do(mallGet(pathTenantInfo, token)))
		golden(t, "oma_querytenantbasic_401.golden", e.do(mallGet(pathTenantBasic, token)))
		if w := e.do(mallGet(pathTenantInfo, demo.TrialMallToken)); w.Code != 200 || decodeExact(t, w.Body.Bytes())["tenantSpaceStatus"] != "5" {
			t.Fatalf("the demo trial beside it: %d %s", w.Code, w.Body)
		}
		if _, err := e.tenants.Convert(ctx, "tr"); err != nil {
			t.Fatal(err)
		}
		if w := e.do(mallGet(pathTenantBasic, token)); w.Code != 200 || decodeExact(t, w.Body.Bytes())["tenantSpaceStatus"] != "2" {
			t.Fatalf("converted, on querytenantbasic: %d %s", w.Code, w.Body)
		}
		if w := e.do(mallGet(pathTenantInfo, token)); w.Code != 404 {
			t.Fatalf("converted, on querytenantinfo: %d %s", w.Code, w.Body)
		}
	})
}

func resourceRequest(token, body string) request {
	return request{method: "POST", path: pathResource, body: body, header: map[string]string{"X-Auth-Token": token}}
}

func TestQueryResource(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // for the goldens' statuses
		w := e.do(resourceRequest(demo.MallToken, `{"limit": 10, "offset": 0}`))
		golden(t, "oma_queryresource.golden", w)
		for _, tc := range []struct {
			name, body string
			ids        []string
			count      int
		}{
			{"no body", "", []string{"demo-agents", "demo-minutes-2023"}, 2},
			{"paged", `{"limit": 1, "offset": 1}`, []string{"demo-minutes-2023"}, 2},
			{"numbers as strings", `{"limit": "1", "offset": "0"}`, []string{"demo-agents"}, 2},
			{"from 2025 on", `{"startDate": 1735689600000}`, []string{"demo-agents"}, 1},
			{"up to 2023-04-11", `{"endDate": 1681203525000}`, []string{"demo-agents", "demo-minutes-2023"}, 2},
			{"before 2023", `{"endDate": 1672531200000}`, []string{}, 0},
			{"in 2023", `{"startDate": 1672531200000, "endDate": 1704067199999}`, []string{"demo-agents", "demo-minutes-2023"}, 2},
		} {
			var page struct {
				Result []struct {
					ResourceID string `json:"resourceId"`
				} `json:"result"`
				Count      int    `json:"count"`
				ReturnCode string `json:"returnCode"`
			}
			w := e.do(resourceRequest(demo.MallToken, tc.body))
			if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != 200 {
				t.Fatalf("%s: %d %s", tc.name, w.Code, w.Body)
			}
			ids := []string{}
			for _, r := range page.Result {
				ids = append(ids, r.ResourceID)
			}
			if !reflect.DeepEqual(ids, tc.ids) || page.Count != tc.count || page.ReturnCode != "0" {
				t.Errorf("%s: %v (count %d), want %v (%d)", tc.name, ids, page.Count, tc.ids, tc.count)
			}
		}
		for _, tc := range []struct{ name, body, golden string }{
			{"limit 100", `{"limit": 100}`, "oma_queryresource_limit.golden"},
			{"limit 0", `{"limit": 0}`, "oma_queryresource_limit0.golden"},
			{"negative offset", `{"offset": -1}`, "oma_queryresource_offset.golden"},
			{"end before start", `{"startDate": 2, "endDate": 1}`, "oma_queryresource_dates.golden"},
			{"beyond year 9999", `{"startDate": 9223372036854775807}`, "oma_queryresource_range.golden"},
			{"not a number", `{"limit": "ten"}`, "oma_queryresource_type.golden"},
			{"not JSON", `{"limit":`, "oma_queryresource_json.golden"},
		} {
			t.Run(tc.name, func(t *testing.T) { golden(t, tc.golden, e.do(resourceRequest(demo.MallToken, tc.body))) })
		}
		golden(t, "oma_queryresource_401.golden", e.do(request{method: "POST", path: pathResource, body: `{}`}))
	})
}

func applyRequest(token, body string) request {
	return request{method: "POST", path: pathApplyTenant, body: body, header: map[string]string{"Authorization": "Bearer " + token}}
}

func TestApplyTenant(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // for the goldens' expiryDate
		token := e.gatewayToken()
		body := func(company, phone, code, email string) string {
			b, _ := json.Marshal(map[string]string{"companyName": company, "phone": phone, "phoneVerifyCode": code, "email": email})
			return string(b)
		}
		w := e.do(applyRequest(token, body("Acme 科技", "13700001111", tenant.DemoVerificationCode, "ops@acme.cn")))
		golden(t, "apply_tenant_000.golden", w)
		created, err := e.tenants.Get(context.Background(), "trial-1001")
		if err != nil || created.Kind != tenant.KindTrial || created.Profile.Company != "Acme 科技" || created.Profile.Mobile != "13700001111" {
			t.Fatalf("created %+v %+v, %v", created, created.Profile, err)
		}
		for _, tc := range []struct{ name, body, golden string }{
			{"bad code", body("Acme", "13700002222", "000000", "a@acme.cn"), "apply_tenant_001.golden"},
			{"duplicate phone", body("Acme", "13700001111", tenant.DemoVerificationCode, "b@acme.cn"), "apply_tenant_002.golden"},
			{"duplicate phone of a demo tenant", body("Acme", "15312340991", tenant.DemoVerificationCode, "b@acme.cn"), "apply_tenant_002.golden"},
			{"duplicate email", body("Acme", "13700003333", tenant.DemoVerificationCode, "OPS@acme.cn"), "apply_tenant_003.golden"},
			{"invalid phone", body("Acme", "137-abc", tenant.DemoVerificationCode, "c@acme.cn"), "apply_tenant_004.golden"},
			{"invalid email", body("Acme", "13700004444", tenant.DemoVerificationCode, "c@acme"), "apply_tenant_005.golden"},
			{"no company", body(" ", "13700004444", tenant.DemoVerificationCode, "c@acme.cn"), "apply_tenant_006.golden"},
			{"not JSON", `{"phone":`, "apply_tenant_400.golden"},
		} {
			t.Run(tc.name, func(t *testing.T) { golden(t, tc.golden, e.do(applyRequest(token, tc.body))) })
		}
		golden(t, "apply_tenant_401.golden", e.do(request{method: "POST", path: pathApplyTenant,
			body: body("Acme", "13700005555", tenant.DemoVerificationCode, "d@acme.cn")}))

		// A code issued by the admin API works once, outside the fixed demo code.
		admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
		w = e.do(request{method: "POST", path: "/admin/v1/verificationcodes", body: `{"phone":"137-0000-6666"}`, header: admin})
		if w.Code != 201 {
			t.Fatalf("issue code: %d %s", w.Code, w.Body)
		}
		code := decode(t, w)["code"].(string)
		ok := body("Acme", "13700006666", code, "e@acme.cn")
		if w := e.do(applyRequest(token, ok)); w.Code != 200 || decode(t, w)["returnCode"] != "000" {
			t.Fatalf("issued code: %d %s", w.Code, w.Body)
		}
		again := body("Acme", "13700006666", code, "f@acme.cn")
		if w := e.do(applyRequest(token, again)); decode(t, w)["returnCode"] != "001" {
			t.Fatalf("issued code used twice: %s", w.Body)
		}

		// The store failing is return code 205.
		e.db.Close()
		golden(t, "apply_tenant_205.golden", e.do(applyRequest(token, body("Acme", "13700007777", tenant.DemoVerificationCode, "g@acme.cn"))))
	})
}

func TestOMAPatternsAreRoutes(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for _, p := range []string{patternQueryTenantBasic, patternQueryTenantInfo, patternQueryResource, patternApplyTenant} {
		method, path, _ := strings.Cut(p, " ")
		if _, pattern := s.mux.Handler(httptest.NewRequest(method, path, nil)); pattern != p {
			t.Errorf("%s is served by %q", p, pattern)
		}
	}
}

// FuzzOMABodies sends arbitrary bodies to the endpoints that decode one,
// authenticated: every answer is a complete JSON answer with a return
// code, a refusal of the request or a success, never a panic or a 5xx.
func FuzzOMABodies(f *testing.F) {
	for _, s := range []string{`{}`, `{"limit":10,"offset":0}`, `{"limit":"99","startDate":"1681203525000","endDate":null}`,
		`{"limit":1e3}`, `{"offset":-9223372036854775808}`, `{"startDate":9223372036854775807}`, `[]`, `"x"`, `{"limit":`,
		`{"companyName":"Acme","phone":"13700001111","phoneVerifyCode":"123456","email":"a@acme.cn"}`,
		`{"companyName":"\u0000","phone":"+","phoneVerifyCode":"","email":"@"}`} {
		f.Add(s)
	}
	e := newEnv(f, demoData.URL(f, database.SQLite))
	gateway := e.gatewayToken()
	f.Fuzz(func(t *testing.T, body string) {
		e.t = t // the fuzz target runs its inputs one at a time
		for _, req := range []request{resourceRequest(demo.MallToken, body), applyRequest(gateway, body)} {
			w := e.do(req)
			if w.Code >= 500 {
				t.Fatalf("%s %q: %d %s", req.path, body, w.Code, w.Body)
			}
			if w.Code == 413 {
				continue
			}
			if rc, ok := decodeExact(t, w.Body.Bytes())["returnCode"].(string); !ok || rc == "" {
				t.Fatalf("%s %q: no returnCode in %s", req.path, body, w.Body)
			}
		}
	})
}
