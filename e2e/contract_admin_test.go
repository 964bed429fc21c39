package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/client"
)

// The admin API, driven through the Go client's Admin.

func (c *contract) adminTenants(t *testing.T) {
	ctx := t.Context()
	a := c.admin(t)
	ts, err := a.ListTenants(ctx)
	ok(t, "list tenants", err)
	if !slices.ContainsFunc(ts, func(x client.Tenant) bool { return x.ID == "acme" && x.Profile == nil }) {
		t.Fatalf("tenants: %+v", ts)
	}
	acme, err := a.GetTenant(ctx, "acme")
	ok(t, "get tenant", err)
	if acme.Profile == nil || acme.Profile.Email != "lilei@acme.example" || acme.SpaceStatus != "2" || acme.Kind != "formal" {
		t.Fatalf("acme: %+v", acme)
	}
	created, err := a.CreateTenant(ctx, client.TenantDraft{ID: "umbrella", Name: "Umbrella", Kind: "trial",
		TrialExpiresAt: time.Now().Add(48 * time.Hour), Company: "Umbrella Corp", Email: "ops@umbrella.example"})
	ok(t, "create tenant", err)
	if created.SpaceStatus != "5" || created.Kind != "trial" {
		t.Fatalf("created: %+v", created)
	}
	vdn := "303"
	updated, err := a.UpdateTenant(ctx, "umbrella", client.TenantPatch{VDN: &vdn})
	ok(t, "update tenant", err)
	if updated.VDN != "303" {
		t.Fatalf("updated: %+v", updated)
	}
	expired, err := a.ExpireTenant(ctx, "umbrella")
	ok(t, "expire", err)
	converted, err := a.ConvertTenant(ctx, "umbrella")
	ok(t, "convert", err)
	if expired.SpaceStatus != "6" || converted.SpaceStatus != "2" || converted.Kind != "formal" {
		t.Fatalf("expired %+v, converted %+v", expired, converted)
	}
	_, err = a.ExpireTenant(ctx, "umbrella")
	wantCode(t, "expiring a formal tenant", err, 409, "conflict")

	// Suspended, the tenant is refused everywhere with the pages' 401, in
	// each API's format, and the client does not retry it; reactivated,
	// it is let in again with the token it holds.
	k, err := a.CreateAppKey(ctx, "umbrella", "crm")
	ok(t, "umbrella's app key", err)
	m, err := a.IssueMallToken(ctx, "umbrella", time.Hour)
	ok(t, "umbrella's mall token", err)
	umbrella := c.client(t, client.WithAppKey(k.AppKey, k.AppSecret))
	mall := c.client(t, client.WithMallToken(m.Token))
	_, err = umbrella.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	ok(t, "umbrella in service", err)
	_, err = a.UpdateTenant(ctx, "umbrella", client.TenantPatch{SpaceStatus: client.Ptr("suspended")})
	ok(t, "suspend", err)
	const notInService = "Unauthorized operation. 1. Check whether you have purchased related services. 2. Contact customer service to check the status of your account."
	_, err = umbrella.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	if e := wantCode(t, "a suspended tenant's queryAccessCodeList", err, 401, "401"); e.Family != client.FamilyCC || e.Message != notInService {
		t.Fatalf("suspended, queryAccessCodeList: %+v", e)
	}
	_, err = umbrella.QueryFaultyUser(ctx, c.query(affectedMSISDN))
	if e := wantCode(t, "a suspended tenant's queryfaultyuser", err, 401, "401"); e.Family != client.FamilySmartCare || e.Message != notInService {
		t.Fatalf("suspended, queryfaultyuser: %+v", e)
	}
	_, err = c.client(t, client.WithAppKey(k.AppKey, k.AppSecret)).QueryCalledRoute(ctx, client.CalledRouteQuery{})
	if e := wantCode(t, "a suspended tenant's tokenByAkSk", err, 401, "APIG.0301"); e.Message != notInService {
		t.Fatalf("suspended, tokenByAkSk: %+v", e)
	}
	_, err = mall.QueryTenantBasic(ctx)
	wantCode(t, "a suspended tenant's querytenantbasic", err, 401, "")
	_, err = a.UpdateTenant(ctx, "umbrella", client.TenantPatch{SpaceStatus: client.Ptr("active")})
	ok(t, "reactivate", err)
	_, err = umbrella.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	ok(t, "umbrella back in service", err)

	res, err := a.AddResource(ctx, "umbrella", client.ResourceDraft{ID: "u-minutes", Type: "call-minutes", Quantity: 500,
		StartAt: time.Now().Add(-time.Hour), EndAt: time.Now().Add(time.Hour)})
	ok(t, "add resource", err)
	if res.Status != "active" {
		t.Fatalf("resource: %+v", res)
	}
	ok(t, "cancel resource", a.CancelResource(ctx, "umbrella", "u-minutes"))
	rs, err := a.ListResources(ctx, "umbrella")
	ok(t, "list resources", err)
	if len(rs) != 1 || rs[0].Status != "cancelled" || rs[0].CancelledAt.IsZero() {
		t.Fatalf("resources: %+v", rs)
	}
	code, err := a.IssueVerificationCode(ctx, "13700009999", 5*time.Minute)
	ok(t, "verification code", err)
	if len(code.Code) != 6 || code.Phone != "13700009999" {
		t.Fatalf("verification code: %+v", code)
	}
}

func (c *contract) adminCredentials(t *testing.T) {
	ctx := t.Context()
	a := c.admin(t)
	k, err := a.CreateAppKey(ctx, "globex", "erp")
	ok(t, "create app key", err)
	if k.AppSecret == "" || !k.Enabled {
		t.Fatalf("app key: %+v", k)
	}
	erp := c.client(t, client.WithAppKey(k.AppKey, k.AppSecret))
	_, err = erp.QueryCalledRoute(ctx, client.CalledRouteQuery{})
	ok(t, "the new key", err)
	_, err = a.SetAppKeyEnabled(ctx, k.AppKey, false)
	ok(t, "disable app key", err)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = erp.QueryCalledRoute(ctx, client.CalledRouteQuery{})
		if client.IsCode(err, "APIG.0301") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantCode(t, "a disabled key", err, 401, "APIG.0301")
	_, err = a.SetAppKeyEnabled(ctx, k.AppKey, true)
	ok(t, "enable app key", err)
	rotated, err := a.RotateAppKey(ctx, k.AppKey)
	ok(t, "rotate app key", err)
	if rotated.AppSecret == "" || rotated.AppSecret == k.AppSecret {
		t.Fatalf("rotated: %+v", rotated)
	}
	keys, err := a.ListAppKeys(ctx, "globex")
	ok(t, "list app keys", err)
	if len(keys) != 2 || keys[0].AppSecret != "" {
		t.Fatalf("app keys: %+v", keys)
	}

	m, err := a.IssueMallToken(ctx, "globex", time.Hour)
	ok(t, "issue mall token", err)
	if m.Token == "" || m.Kind != "mall" {
		t.Fatalf("mall token: %+v", m)
	}
	ok(t, "revoke mall token", a.RevokeMallToken(ctx, "globex", m.ID))
	tokens, err := a.ListMallTokens(ctx, "globex")
	ok(t, "list mall tokens", err)
	if i := slices.IndexFunc(tokens, func(x client.MallToken) bool { return x.ID == m.ID }); i < 0 || tokens[i].RevokedAt == nil {
		t.Fatalf("mall tokens: %+v", tokens)
	}

	acc, err := a.CreateAccount(ctx, "wayne-partner", "", false)
	ok(t, "create account", err)
	if acc.Name != "wayne-partner" || acc.Partner {
		t.Fatalf("account: %+v", acc)
	}
	acc, err = a.UpdateAccount(ctx, "wayne-partner", client.AccountPatch{Partner: client.Ptr(true)})
	ok(t, "update account", err)
	if !acc.Partner {
		t.Fatalf("account: %+v", acc)
	}
	accounts, err := a.ListAccounts(ctx)
	ok(t, "list accounts", err)
	if len(accounts) != 3 {
		t.Fatalf("accounts: %+v", accounts)
	}
	u, err := a.CreateIAMUser(ctx, "wayne-partner", "alfred", "Wayne-pass-01")
	ok(t, "create IAM user", err)
	if _, err := c.client(t, client.WithIAMUser("wayne-partner", "alfred", "Wayne-pass-01")).CheckIdentity(ctx, client.SearchName, "free-name-02"); err != nil {
		t.Fatalf("the new user's token: %v", err)
	}
	_, err = a.UpdateIAMUser(ctx, "wayne-partner", u.Name, false, "")
	ok(t, "disable IAM user", err)
	_, err = c.client(t).IAMToken(ctx, "wayne-partner", "alfred", "Wayne-pass-01")
	wantCode(t, "a disabled user's token", err, 401, "")
	users, err := a.ListIAMUsers(ctx, "wayne-partner")
	ok(t, "list IAM users", err)
	if len(users) != 1 || users[0].Enabled {
		t.Fatalf("users: %+v", users)
	}
	ak, err := a.CreateAccessKey(ctx, "wayne-partner", "ci")
	ok(t, "create AK", err)
	if ak.SK == "" {
		t.Fatalf("AK: %+v", ak)
	}
	_, err = a.SetAccessKeyEnabled(ctx, ak.AK, false)
	ok(t, "disable AK", err)
	newer, err := a.RotateAccessKey(ctx, ak.AK)
	ok(t, "rotate AK", err)
	if _, err := c.client(t, client.WithAKSK("wayne-partner", newer.AK, newer.SK)).CheckIdentity(ctx, client.SearchName, "free-name-02"); err != nil {
		t.Fatalf("the rotated pair: %v", err)
	}
	aks, err := a.ListAccessKeys(ctx, "wayne-partner")
	ok(t, "list AKs", err)
	if len(aks) != 2 {
		t.Fatalf("AKs: %+v", aks)
	}
}

func (c *contract) adminAccessCodes(t *testing.T) {
	ctx := t.Context()
	a := c.admin(t)
	desc := "Support line"
	ac, err := a.AddAccessCode(ctx, "globex", client.AccessCodeDraft{AccessCode: "4008002000", MediaType: 53, Description: &desc, CallAttr: 1})
	ok(t, "add access code", err)
	_, err = a.AddAccessCode(ctx, "globex", client.AccessCodeDraft{AccessCode: "4008002000", MediaType: 5, CallAttr: 1})
	wantCode(t, "a duplicate access code", err, 409, "conflict")
	_, err = a.AddAccessCode(ctx, "globex", client.AccessCodeDraft{AccessCode: "40080020x", MediaType: 5, CallAttr: 1})
	wantCode(t, "an invalid access code", err, 400, "invalid")
	got, err := a.GetAccessCode(ctx, "globex", ac.ID)
	ok(t, "get access code", err)
	if *got.Description != desc || got.MediaType != 53 {
		t.Fatalf("access code: %+v", got)
	}
	upd, err := a.UpdateAccessCode(ctx, "globex", ac.ID, client.AccessCodePatch{Description: client.Ptr(""), CallAttr: client.Ptr(3)})
	ok(t, "update access code", err)
	if upd.Description != nil || upd.CallAttr != 3 {
		t.Fatalf("updated: %+v", upd)
	}
	page, err := a.ListAccessCodes(ctx, "globex", client.AccessCodeFilter{MediaType: 53})
	ok(t, "list access codes", err)
	if page.Total != 1 || page.Items[0].ID != ac.ID {
		t.Fatalf("list: %+v", page)
	}
	rt, err := a.AddCalledRoute(ctx, "globex", client.CalledRouteDraft{AccessCode: "4008002000", ExtCode: client.Ptr("9"), DeviceType: 3, DeviceID: 11})
	ok(t, "add route", err)
	if rt.MediaType != 53 || rt.DNID != 2 {
		t.Fatalf("route: %+v", rt)
	}
	err = a.DeleteAccessCode(ctx, "globex", ac.ID)
	wantCode(t, "deleting a routed access code", err, 409, "conflict")
	rt2, err := a.UpdateCalledRoute(ctx, "globex", rt.ID, client.CalledRoutePatch{DeviceDesc: client.Ptr("Night IVR"), Editable: client.Ptr(1)})
	ok(t, "update route", err)
	if *rt2.DeviceDesc != "Night IVR" || rt2.Editable != 1 {
		t.Fatalf("route: %+v", rt2)
	}
	got2, err := a.GetCalledRoute(ctx, "globex", rt.ID)
	ok(t, "get route", err)
	if got2.ID != rt.ID {
		t.Fatalf("route: %+v", got2)
	}
	routes, err := a.ListCalledRoutes(ctx, "globex", "4008002000")
	ok(t, "list routes", err)
	if routes.Total != 1 {
		t.Fatalf("routes: %+v", routes)
	}
	// The tenant's API sees what the admin API did.
	r, err := c.client(t, client.WithAppKey(c.w.globex.appKey, c.w.globex.appSecret)).QueryCalledRoute(ctx, client.CalledRouteQuery{AccessCode: "4008002000"})
	ok(t, "queryCalledRoute", err)
	if r.Total != 1 || r.CalledRouteList[0].Editable != "1" || *r.CalledRouteList[0].ExtCode != "9" {
		t.Fatalf("queryCalledRoute: %+v", r)
	}
	ok(t, "delete route", a.DeleteCalledRoute(ctx, "globex", rt.ID))
	ok(t, "delete access code", a.DeleteAccessCode(ctx, "globex", ac.ID))
	_, err = a.GetAccessCode(ctx, "globex", ac.ID)
	wantCode(t, "a deleted access code", err, 404, "not_found")
	// Another tenant's ID is not found.
	_, err = a.GetAccessCode(ctx, "globex", c.w.codes["acme/4008001000"])
	wantCode(t, "acme's access code under globex", err, 404, "not_found")
}

func (c *contract) adminSmartCare(t *testing.T) {
	ctx := t.Context()
	a := c.admin(t)
	st, err := a.UpdateSmartCareSettings(ctx, "globex", client.SmartCareSettingsPatch{TimeZone: client.Ptr("Asia/Bangkok"), DefaultBacktraceSeconds: client.Ptr[int64](7200)})
	ok(t, "update settings", err)
	got, err := a.GetSmartCareSettings(ctx, "globex")
	ok(t, "get settings", err)
	if *st != *got || got.TimeZone != "Asia/Bangkok" || got.DefaultBacktraceSeconds != 7200 || got.RetentionDays != 30 {
		t.Fatalf("settings: %+v %+v", st, got)
	}
	_, err = a.UpdateSmartCareSettings(ctx, "globex", client.SmartCareSettingsPatch{TimeZone: client.Ptr("Mars/Olympus")})
	wantCode(t, "an unknown time zone", err, 400, "invalid")

	sc, err := a.CreateScene(ctx, "globex", "2", "Data", "DATA")
	ok(t, "create scene", err)
	sc, err = a.UpdateScene(ctx, "globex", sc.ID, "Data and SMS", "DATA", "SMS")
	ok(t, "update scene", err)
	if !slices.Equal(sc.CCMSceneCodes, []string{"DATA", "SMS"}) {
		t.Fatalf("scene: %+v", sc)
	}
	scenes, err := a.ListScenes(ctx, "globex")
	ok(t, "list scenes", err)
	if len(scenes) != 2 {
		t.Fatalf("scenes: %+v", scenes)
	}

	now := time.Now().UTC().Truncate(time.Second)
	rule, err := a.CreateRule(ctx, "globex", client.RuleInput{CCMSceneCode: "DATA", ReflectionRule: " sai_cgi_ecgi = C9 & lac_tac=L9",
		ActiveFrom: now.Add(-time.Hour), Description: "cell L9"})
	ok(t, "create rule", err)
	if rule.ReflectionRule != "LAC_TAC=L9&SAI_CGI_ECGI=C9" || rule.ActiveUntil != nil {
		t.Fatalf("rule: %+v", rule)
	}
	_, err = a.CreateRule(ctx, "globex", client.RuleInput{CCMSceneCode: "DATA", ReflectionRule: "LAC_TAC", ActiveFrom: now})
	wantCode(t, "a rule without '='", err, 400, "invalid")
	until := now.Add(time.Hour).Format(time.RFC3339)
	rule, err = a.UpdateRule(ctx, "globex", rule.ID, client.RulePatch{ActiveUntil: &until})
	ok(t, "update rule", err)
	if rule.ActiveUntil == nil || !rule.ActiveUntil.Equal(now.Add(time.Hour)) {
		t.Fatalf("rule: %+v", rule)
	}
	got2, err := a.GetRule(ctx, "globex", rule.ID)
	ok(t, "get rule", err)
	if got2.Description != "cell L9" {
		t.Fatalf("rule: %+v", got2)
	}
	rules, err := a.ListRules(ctx, "globex", client.RuleFilter{CCMSceneCode: "DATA", Limit: 10})
	ok(t, "list rules", err)
	if len(rules) != 1 {
		t.Fatalf("rules: %+v", rules)
	}

	rep, err := a.IngestRecords(ctx, "globex", []client.Record{
		{MSISDN: "6681000000001", EventTime: now.Add(-10 * time.Minute), CCMSceneCode: "DATA", Dimensions: map[string]string{"LAC_TAC": "L9", "SAI_CGI_ECGI": "C9"}},
		{MSISDN: "x", EventTime: now, CCMSceneCode: "DATA"},
	})
	ok(t, "ingest records", err)
	if rep.Imported != 1 || rep.Rejected != 1 || len(rep.Errors) != 1 || rep.Errors[0].Line != 2 {
		t.Fatalf("ingest: %+v", rep)
	}
	recs, err := a.ListRecords(ctx, "globex", "6681000000001", now.Add(-time.Hour), now)
	ok(t, "list records", err)
	if len(recs) != 1 || recs[0].Dimensions["LAC_TAC"] != "L9" {
		t.Fatalf("records: %+v", recs)
	}
	// What was provisioned answers the tenant's query, in its time zone.
	res, err := c.client(t, client.WithAppKey(c.w.globex.appKey, c.w.globex.appSecret)).QueryFaultyUser(ctx,
		client.FaultyUserQuery{MSISDN: "6681000000001", FaultTime: client.EpochMillis(now), ComplaintScene: "2"})
	ok(t, "queryfaultyuser", err)
	bangkok, _ := time.LoadLocation("Asia/Bangkok")
	if !res.Found() || res.Data[0].TTID != now.Add(-10*time.Minute).In(bangkok).Format(time.DateTime) {
		t.Fatalf("queryfaultyuser: %+v", res)
	}
	ok(t, "delete rule", a.DeleteRule(ctx, "globex", rule.ID))
	ok(t, "delete scene", a.DeleteScene(ctx, "globex", sc.ID))
	_, err = a.GetRule(ctx, "globex", rule.ID)
	wantCode(t, "a deleted rule", err, 404, "not_found")
}

func (c *contract) adminErrors(t *testing.T) {
	ctx := t.Context()
	a := c.admin(t)
	_, err := a.GetTenant(ctx, "no-such-tenant")
	wantCode(t, "an unknown tenant", err, 404, "not_found")
	_, err = a.CreateTenant(ctx, client.TenantDraft{ID: "acme"})
	wantCode(t, "a duplicate tenant", err, 409, "conflict")
	_, err = a.CreateFault(ctx, client.Fault{TenantID: "acme", Remaining: 1})
	wantCode(t, "a fault without effect", err, 400, "invalid")
	err = a.DeleteFault(ctx, "1")
	wantCode(t, "an unknown fault", err, 404, "not_found")
	_, err = c.client(t, client.WithAdminToken("not-the-admin-token")).Admin().ListTenants(ctx)
	e := wantCode(t, "a wrong admin token", err, 401, "unauthorized")
	if !strings.Contains(e.Message, "admin token") {
		t.Fatalf("admin 401: %+v", e)
	}
}
