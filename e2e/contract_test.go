package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/database/dbtest"
)

// TestContract provisions aiccd through its admin CLI, then drives every
// endpoint through the Go client, on SQLite and on PostgreSQL: the happy
// paths, the documented errors and return codes, tenant isolation, fault
// injection and the request journal. Every answer is validated against
// the OpenAPI document, and every operation of the document must be
// called.
func TestContract(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		dir := t.TempDir()
		w := provision(t, dir, dsn)
		// No task workers on this replica: tasks stay queued until a
		// second replica is started (see smartcare/delimitation).
		// A body limit of 64 KiB: an oversized request is refused from its
		// Content-Length, and the server still reads (drains) the rest of
		// it, so that the client sees the 413 rather than a reset.
		s := start(t, dir, "--database", dsn, "--journal-bodies", "--smartcare-workers", "0", "--max-body-bytes", "65536")
		spec := newSpecCheck(t)
		c := &contract{w: w, s: s, spec: spec}
		for _, tc := range []struct {
			name string
			fn   func(t *testing.T)
		}{
			{"gateway", c.gateway},
			{"oma", c.oma},
			{"applytenant", c.applyTenant},
			{"cc", c.cc},
			{"smartcare", c.smartCare},
			{"smartcare/delimitation", c.delimitation},
			{"smartcare/faults", c.smartCareFaults},
			{"partner", c.partner},
			{"isolation", c.isolation},
			{"sandbox", c.sandbox},
			{"admin/tenants", c.adminTenants},
			{"admin/credentials", c.adminCredentials},
			{"admin/accesscodes", c.adminAccessCodes},
			{"admin/smartcare", c.adminSmartCare},
			{"admin/errors", c.adminErrors},
			{"admin/snapshots", c.adminSnapshots},
			{"ops", c.ops},
			{"journal", c.journal},
		} {
			t.Run(tc.name, tc.fn)
		}
		spec.checkCoverage(t)
	})
}

// contract is the state the suite's steps share.
type contract struct {
	w    *world
	s    *server
	spec *specCheck
}

// client returns a Go client of the server whose answers are checked
// against the OpenAPI document.
func (c *contract) client(t *testing.T, opts ...client.Option) *client.Client {
	t.Helper()
	cl, err := client.New(c.s.URL, append([]client.Option{client.WithHTTPClient(c.spec.HTTPClient()),
		client.WithRetry(client.Retry{Attempts: 3, Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func (c *contract) acme(t *testing.T, opts ...client.Option) *client.Client {
	return c.client(t, append([]client.Option{client.WithAppKey(c.w.acme.appKey, c.w.acme.appSecret)}, opts...)...)
}

func (c *contract) admin(t *testing.T) *client.Admin {
	return c.client(t, client.WithAdminToken(adminToken)).Admin()
}

// wantCode fails unless err is an *APIError with this status and code.
func wantCode(t *testing.T, what string, err error, status int, code string) *client.APIError {
	t.Helper()
	e, ok := errors.AsType[*client.APIError](err)
	if !ok || e.Status != status || e.Code != code {
		t.Fatalf("%s: got %v, want HTTP %d code %q", what, err, status, code)
	}
	if e.RequestID == "" {
		t.Errorf("%s: the error carries no request ID", what)
	}
	return e
}

func ok(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (c *contract) gateway(t *testing.T) {
	ctx := t.Context()
	cl := c.client(t)
	tok, err := cl.TokenByAkSk(ctx, c.w.acme.appKey, c.w.acme.appSecret, 10*time.Minute)
	ok(t, "tokenByAkSk", err)
	if tok.ApplyType != "Bearer" || tok.Expires != "600" || tok.Scope != "acme" || tok.AppKey != c.w.acme.appKey || tok.UserID != "Anonymous" {
		t.Fatalf("token: %+v", tok)
	}
	_, err = cl.TokenByAkSk(ctx, c.w.acme.appKey, "wrong", 0)
	wantCode(t, "a wrong secret", err, 401, "APIG.0301")
	_, err = cl.TokenByAkSk(ctx, c.w.acme.appKey, c.w.acme.appSecret, 2*time.Hour)
	wantCode(t, "X-Token-Expire 7200", err, 400, "APIG.0201")

	// Five failures in a row lock the key, even for the right secret.
	for range 5 {
		cl.TokenByAkSk(ctx, c.w.lockKey, "wrong", 0)
	}
	_, err = cl.TokenByAkSk(ctx, c.w.lockKey, c.w.lockSecret, 0)
	wantCode(t, "a locked app key", err, 429, "APIG.0308")

	// A token used after it expired is APIG.0307…
	short, err := cl.TokenByAkSk(ctx, c.w.acme.appKey, c.w.acme.appSecret, time.Second)
	ok(t, "a one-second token", err)
	time.Sleep(1100 * time.Millisecond)
	fixed := c.client(t, client.WithGatewayToken(c.w.acme.appKey, short.AccessToken))
	_, err = fixed.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	wantCode(t, "an expired token", err, 401, "APIG.0307")
	// …which a client that renews its tokens replaces once when the
	// gateway refuses it. Its clock stands still here, so that it believes
	// its token valid and does not renew it beforehand.
	frozen := time.Now()
	renewing := c.acme(t, client.WithTokenLifetime(2*time.Second), client.WithClock(func() time.Time { return frozen }))
	_, err = renewing.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	ok(t, "first call", err)
	time.Sleep(2100 * time.Millisecond)
	_, err = renewing.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	ok(t, "a call with an expired cached token", err)

	// An unknown token, another key's token, no X-APP-Key on SmartCare.
	_, err = c.client(t, client.WithGatewayToken(c.w.acme.appKey, "no-such-token")).QueryCalledRoute(ctx, client.CalledRouteQuery{})
	wantCode(t, "an unknown token", err, 401, "APIG.0301")
	globexTok, err := cl.TokenByAkSk(ctx, c.w.globex.appKey, c.w.globex.appSecret, 0)
	ok(t, "globex token", err)
	_, err = c.client(t, client.WithGatewayToken(c.w.acme.appKey, globexTok.AccessToken)).QueryCalledRoute(ctx, client.CalledRouteQuery{})
	wantCode(t, "X-APP-Key of another key", err, 401, "APIG.0301")
	_, err = c.client(t, client.WithGatewayToken("", globexTok.AccessToken)).QueryFaultyUser(ctx, c.query(affectedMSISDN))
	wantCode(t, "SmartCare without X-APP-Key", err, 401, "APIG.0301")
	// A body over the server's limit.
	_, err = c.acme(t).QueryAccessCodeList(ctx, client.AccessCodeQuery{Description: strings.Repeat("x", 100<<10)})
	wantCode(t, "an oversized body", err, 413, "APIG.0201")
}

func (c *contract) oma(t *testing.T) {
	ctx := t.Context()
	tb, err := c.client(t, client.WithMallToken(c.w.acme.mall)).QueryTenantBasic(ctx)
	ok(t, "querytenantbasic", err)
	if *tb != (client.TenantBasic{MobilePhone: "138****8000", Company: "Acme XXXXXXXXXX", CustomerName: "lXXXX", Email: "lile****@acme.example",
		VDN: "201", CreateDate: tb.CreateDate, TenantSpaceStatus: "2", PortalURL: "https://acme.example/portal"}) {
		t.Fatalf("querytenantbasic: %+v", tb)
	}
	if d := tb.CreateDate.Time().Sub(c.w.now); d < -time.Minute || d > time.Minute {
		t.Fatalf("createDate %s, provisioned at %s", tb.CreateDate.Time(), c.w.now)
	}
	_, err = c.client(t, client.WithMallToken("no-such-token")).QueryTenantBasic(ctx)
	e := wantCode(t, "querytenantbasic with an unknown token", err, 401, "")
	if e.Family != client.FamilyOMA || !strings.HasPrefix(e.Message, "Unauthorized operation. 1. Check whether you have purchased") {
		t.Fatalf("OMA 401: %+v", e)
	}
	_, err = c.client(t, client.WithMallToken(c.w.trialMall)).QueryTenantBasic(ctx)
	wantCode(t, "querytenantbasic with a trial's token", err, 401, "")

	trial := c.client(t, client.WithMallToken(c.w.trialMall))
	ti, err := trial.QueryTrialTenantInfo(ctx)
	ok(t, "querytenantinfo", err)
	if ti.TenantSpaceStatus != "5" || ti.Company != "Acme XXXXXXXX" || ti.MobilePhone != "139****9000" || ti.ExpiryDate.Time().Before(c.w.now.Add(29*24*time.Hour)) {
		t.Fatalf("querytenantinfo: %+v", ti)
	}
	_, err = c.client(t, client.WithMallToken(c.w.acme.mall)).QueryTrialTenantInfo(ctx)
	e = wantCode(t, "querytenantinfo with a formal tenant's token", err, 404, "")
	if e.Message != "The requested content is not found. Check the request path." {
		t.Fatalf("OMA 404: %q", e.Message)
	}
	_, err = c.client(t, client.WithMallToken("no-such-token")).QueryTrialTenantInfo(ctx)
	wantCode(t, "querytenantinfo with an unknown token", err, 401, "")

	mall := c.client(t, client.WithMallToken(c.w.acme.mall))
	page, err := mall.QueryResource(ctx, client.ResourceQuery{Limit: 10, Start: c.w.now})
	ok(t, "queryresource", err)
	if page.Count != 1 || len(page.Result) != 1 || page.Result[0].ResourceID != "acme-agents" || page.Result[0].Status != "active" || page.Result[0].Quantity != 10 {
		t.Fatalf("queryresource: %+v", page)
	}
	_, err = mall.QueryResource(ctx, client.ResourceQuery{Limit: 100})
	wantCode(t, "queryresource with limit 100", err, 400, "400")
	_, err = c.client(t, client.WithMallToken("nope")).QueryResource(ctx, client.ResourceQuery{})
	wantCode(t, "queryresource with an unknown token", err, 401, "")
}

func (c *contract) applyTenant(t *testing.T) {
	ctx := t.Context()
	cl := c.acme(t)
	code := func(phone string) string {
		var v struct {
			Code string `json:"code"`
		}
		c.w.adminJSON(t, &v, "verifycode", "issue", phone)
		return v.Code
	}
	app := client.TrialApplication{CompanyName: "Initech", Phone: "13700007001", PhoneVerifyCode: code("13700007001"), Email: "bill@initech.example"}
	trial, err := cl.ApplyTenant(ctx, app)
	ok(t, "applyTenant", err)
	if !strings.HasPrefix(trial.TenantID, "trial-") || trial.ExpiryDate.Time().Before(time.Now().Add(29*24*time.Hour)) {
		t.Fatalf("applyTenant: %+v", trial)
	}
	for _, tc := range []struct {
		name, code string
		app        client.TrialApplication
	}{
		{"a wrong verification code", "001", client.TrialApplication{CompanyName: "Initrode", Phone: "13700007002", PhoneVerifyCode: "000000", Email: "a@initrode.example"}},
		{"a registered phone number", "002", client.TrialApplication{CompanyName: "Initrode", Phone: "13700007001", PhoneVerifyCode: code("13700007001"), Email: "b@initrode.example"}},
		{"a registered e-mail address", "003", client.TrialApplication{CompanyName: "Initrode", Phone: "13700007003", PhoneVerifyCode: code("13700007003"), Email: "bill@initech.example"}},
		{"an invalid phone number", "004", client.TrialApplication{CompanyName: "Initrode", Phone: "12", PhoneVerifyCode: "123456", Email: "c@initrode.example"}},
		{"an invalid e-mail address", "005", client.TrialApplication{CompanyName: "Initrode", Phone: "13700007004", PhoneVerifyCode: "123456", Email: "not an address"}},
		{"no company name", "006", client.TrialApplication{Phone: "13700007005", PhoneVerifyCode: "123456", Email: "d@initrode.example"}},
	} {
		_, err := cl.ApplyTenant(ctx, tc.app)
		e := wantCode(t, tc.name, err, 200, tc.code)
		if e.Family != client.FamilyCC || e.Message == "" {
			t.Fatalf("%s: %+v", tc.name, e)
		}
	}
	// The trial exists, and its mall can read it once it has a token.
	var tok struct {
		Token string `json:"token"`
	}
	c.w.adminJSON(t, &tok, "malltoken", "issue", "--tenant", trial.TenantID)
	info, err := c.client(t, client.WithMallToken(tok.Token)).QueryTrialTenantInfo(ctx)
	ok(t, "the new trial", err)
	if info.TenantSpaceStatus != "5" || info.Company != "IniXXXX" {
		t.Fatalf("the new trial: %+v", info)
	}
}

func (c *contract) cc(t *testing.T) {
	ctx := t.Context()
	cl := c.acme(t)
	page, err := cl.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	ok(t, "queryAccessCodeList", err)
	var codes []string
	for _, a := range page.CalledRouteList {
		codes = append(codes, a.AccessCode)
	}
	if page.Total != 3 || !slices.Equal(codes, []string{"4008001000", "4008001001", "4008001002"}) {
		t.Fatalf("queryAccessCodeList: %+v", page)
	}
	main := page.CalledRouteList[0]
	if main.ID != c.w.codes["acme/4008001000"] || main.MediatypeID != 5 || main.NumCallAttr != 3 || *main.N400Number != "400-800-1000" || *main.Description != "Main hotline" {
		t.Fatalf("access code: %+v", main)
	}
	if last := page.CalledRouteList[2]; last.Description != nil || last.N400Number != nil {
		t.Fatalf("no description is null: %+v", last)
	}
	page, err = cl.QueryAccessCodeList(ctx, client.AccessCodeQuery{Description: "CLICK-TO", MediatypeID: 2, Limit: client.Ptr(10)})
	ok(t, "queryAccessCodeList filtered", err)
	if page.Total != 1 || page.CalledRouteList[0].AccessCode != "4008001001" {
		t.Fatalf("filtered: %+v", page)
	}
	page, err = cl.QueryAccessCodeList(ctx, client.AccessCodeQuery{Limit: client.Ptr(0)})
	ok(t, "count only", err)
	if page.Total != 3 || len(page.CalledRouteList) != 0 {
		t.Fatalf("limit 0: %+v", page)
	}
	_, err = cl.QueryAccessCodeList(ctx, client.AccessCodeQuery{Offset: 101})
	e := wantCode(t, "offset 101", err, 400, "400")
	if e.Message != "Incorrect request. Check the request path and parameters." {
		t.Fatalf("offset 101: %q, want the page's sentence", e.Message)
	}
	last, err := c.admin(t).ListRequests(ctx, "acme", 1)
	ok(t, "journal", err)
	if len(last) != 1 || last[0].Detail != "offset: 101 is over the maximum of 100" {
		t.Fatalf("the journal does not say why offset 101 was refused: %+v", last)
	}
	_, err = cl.QueryAccessCodeList(ctx, client.AccessCodeQuery{MediatypeID: 7})
	wantCode(t, "mediatypeId 7", err, 400, "400")

	routes, err := cl.QueryCalledRoute(ctx, client.CalledRouteQuery{AccessCode: "4008001000"})
	ok(t, "queryCalledRoute", err)
	if routes.Total != 2 || routes.CalledRouteList[0].ExtCode != nil || *routes.CalledRouteList[1].ExtCode != "1" ||
		routes.CalledRouteList[1].DeviceType != 3 || routes.CalledRouteList[0].Editable != "0" || *routes.CalledRouteList[0].DeviceDesc != "Sales queue" {
		t.Fatalf("queryCalledRoute: %+v", routes)
	}
	routes, err = cl.QueryCalledRoute(ctx, client.CalledRouteQuery{DeviceType: 3})
	ok(t, "queryCalledRoute by device type", err)
	if routes.Total != 1 {
		t.Fatalf("IVR routes: %+v", routes)
	}
	_, err = cl.QueryCalledRoute(ctx, client.CalledRouteQuery{DeviceType: 2})
	wantCode(t, "devicetype 2", err, 400, "400")
}

// query is queryfaultyuser's question about msisdn, now.
func (c *contract) query(msisdn string) client.FaultyUserQuery {
	return client.FaultyUserQuery{MSISDN: msisdn, FaultTime: client.EpochMillis(c.w.now), ComplaintScene: "1", BacktraceDuration: "3600", SessionID: "e2e"}
}

func (c *contract) smartCare(t *testing.T) {
	ctx := t.Context()
	cl := c.acme(t)
	res, err := cl.QueryFaultyUser(ctx, c.query(affectedMSISDN))
	ok(t, "queryfaultyuser", err)
	ttid := c.w.now.Add(-20 * time.Minute).Format(time.DateTime)
	if !res.Found() || res.Data[0].MSISDN != affectedMSISDN || res.Data[0].TTID != ttid || len(res.Data[0].Rules) != 1 ||
		res.Data[0].Rules[0] != (client.MatchedRule{ReflectionRule: faultyCell, CCMSceneCode: "DATA"}) {
		t.Fatalf("queryfaultyuser: %+v", res)
	}
	res, err = cl.QueryFaultyUser(ctx, c.query(healthyMSISDN))
	ok(t, "queryfaultyuser, healthy cell", err)
	if res.ReturnCode != client.ReturnNoData || res.Found() || len(res.Data) != 0 {
		t.Fatalf("healthy: %+v", res)
	}
	q := func(change func(*client.FaultyUserQuery)) client.FaultyUserQuery {
		v := c.query(affectedMSISDN)
		change(&v)
		return v
	}
	for _, tc := range []struct {
		name string
		q    client.FaultyUserQuery
		code string
	}{
		{"an invalid MSISDN", q(func(v *client.FaultyUserQuery) { v.MSISDN = "12" }), "2"},
		{"a fault time in the future", q(func(v *client.FaultyUserQuery) { v.FaultTime = client.EpochMillis(time.Now().Add(time.Hour)) }), "3"},
		{"a fault time before the retention", q(func(v *client.FaultyUserQuery) {
			v.FaultTime = client.EpochMillis(time.Now().Add(-40 * 24 * time.Hour))
		}), "3"},
		{"an unknown complaint scene", q(func(v *client.FaultyUserQuery) { v.ComplaintScene = "9" }), "4"},
		{"queryFlag 0", q(func(v *client.FaultyUserQuery) { v.QueryFlag = "0" }), "101"},
		{"no msisdn", q(func(v *client.FaultyUserQuery) { v.MSISDN = "" }), "101"},
		{"backtraceDuration 10", q(func(v *client.FaultyUserQuery) { v.BacktraceDuration = "10" }), "101"},
		{"more records than a query may load", c.query(busyMSISDN), "97"},
	} {
		_, err := cl.QueryFaultyUser(ctx, tc.q)
		if e := wantCode(t, tc.name, err, 200, tc.code); e.Family != client.FamilySmartCare {
			t.Fatalf("%s: family %s", tc.name, e.Family)
		}
	}
	// A shorter window over the busy subscriber answers.
	busy := c.query(busyMSISDN)
	busy.BacktraceDuration = "600"
	res, err = cl.QueryFaultyUser(ctx, busy)
	ok(t, "the busy subscriber's last ten minutes", err)
	if res.ReturnCode != client.ReturnNoData {
		t.Fatalf("the busy subscriber's last ten minutes: %+v", res)
	}
}

func (c *contract) delimitation(t *testing.T) {
	ctx := t.Context()
	cl := c.acme(t)
	task, err := cl.SubmitQuickDelimit(ctx, c.query(affectedMSISDN))
	ok(t, "submitquickdelimit", err)
	if task.Status != "queued" || task.MSISDN != affectedMSISDN || task.SessionID != "e2e" || task.TaskID == "" {
		t.Fatalf("submitquickdelimit: %+v", task)
	}
	// This replica runs no workers: the task waits.
	r, err := cl.QueryQuickResult(ctx, task.TaskID)
	ok(t, "queryquickresult, queued", err)
	if !r.Pending() || r.Data[0].Status != "queued" {
		t.Fatalf("a queued task: %+v", r)
	}
	d, err := cl.QueryDeepResult(ctx, task.TaskID)
	ok(t, "querydeepresult, queued", err)
	if d.ReturnCode != client.ReturnTaskPending {
		t.Fatalf("querydeepresult of a queued task: %+v", d)
	}
	_, err = cl.SubmitQuickDelimit(ctx, client.FaultyUserQuery{MSISDN: "x", FaultTime: "1", ComplaintScene: "1"})
	wantCode(t, "submitquickdelimit with an invalid MSISDN", err, 200, "2")
	_, err = cl.QueryQuickResult(ctx, "1")
	wantCode(t, "an unknown task", err, 200, "7")
	_, err = cl.QueryDeepResult(ctx, "1")
	wantCode(t, "an unknown task, deep", err, 200, "7")
	_, err = cl.QueryQuickResult(ctx, "")
	wantCode(t, "no taskId", err, 200, "101")

	// A second replica with a worker picks the task up.
	start(t, c.w.dir, "--database", c.w.dsn, "--smartcare-workers", "1")
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	r, err = cl.WaitQuickResult(wctx, task.TaskID, 200*time.Millisecond)
	ok(t, "waiting for the task", err)
	ttid := c.w.now.Add(-20 * time.Minute).Format(time.DateTime)
	if r.ReturnCode != client.ReturnFound || r.Data[0].Status != "finished" || r.Data[0].TTID != ttid || len(r.Data[0].Rules) != 1 {
		t.Fatalf("the finished task: %+v", r)
	}
	d, err = cl.QueryDeepResult(ctx, task.TaskID)
	ok(t, "querydeepresult", err)
	if d.ReturnCode != client.ReturnFound || len(d.Data[0].Rules) != 1 || len(d.Data[0].Rules[0].Records) != 1 ||
		d.Data[0].Rules[0].Records[0].Dimensions["SAI_CGI_ECGI"] != "C100" || d.Data[0].Rules[0].Records[0].EventTime != ttid {
		t.Fatalf("querydeepresult: %+v", d)
	}
	// A healthy subscriber's task finishes with 1.
	healthy, err := cl.SubmitQuickDelimit(ctx, c.query(healthyMSISDN))
	ok(t, "submitquickdelimit, healthy", err)
	r, err = cl.WaitQuickResult(wctx, healthy.TaskID, 200*time.Millisecond)
	ok(t, "waiting for the healthy task", err)
	if r.ReturnCode != client.ReturnNoData || r.Data[0].Status != "finished" {
		t.Fatalf("the healthy task: %+v", r)
	}
}

// smartCareFaults is the fault injection scenario: SmartCare returnCode 5
// after 200 ms, for exactly three requests, then normal answers.
func (c *contract) smartCareFaults(t *testing.T) {
	ctx := t.Context()
	admin := c.admin(t)
	f, err := admin.CreateFault(ctx, client.Fault{TenantID: "acme", Endpoint: "queryfaultyuser", LatencyMS: 200, Code: "5", Remaining: 3})
	ok(t, "create fault", err)
	if f.Remaining != 3 || f.Percent != 100 || f.ID == "" {
		t.Fatalf("fault: %+v", f)
	}
	cl := c.acme(t)
	for i := range 4 {
		id := fmt.Sprintf("fault-scenario-%s-%d", c.w.now.Format("150405"), i)
		start := time.Now()
		res, err := cl.QueryFaultyUser(client.WithRequestID(ctx, id), c.query(affectedMSISDN))
		took := time.Since(start)
		if i < 3 {
			e := wantCode(t, fmt.Sprintf("faulted request %d", i), err, 200, "5")
			if e.Message != "DAC query error." || took < 200*time.Millisecond || e.RequestID != id {
				t.Fatalf("faulted request %d: %+v in %s", i, e, took)
			}
			continue
		}
		if err != nil || !res.Found() {
			t.Fatalf("the fourth request: %+v %v", res, err)
		}
	}
	// The journal has each request's answer and the server's own time.
	entries, err := admin.ListRequests(ctx, "acme", 0)
	ok(t, "journal", err)
	seen := 0
	for _, e := range entries {
		// The client's first call fetches its token with the same request
		// ID; tokenByAkSk is journaled too.
		if !strings.HasPrefix(e.RequestID, "fault-scenario-") || !strings.HasSuffix(e.Route, "/queryfaultyuser") {
			continue
		}
		seen++
		faulted := !strings.HasSuffix(e.RequestID, "-3")
		if faulted && (e.Code != "5" || e.DurationMS < 200) || !faulted && (e.Code != "0" || e.DurationMS >= 200) {
			t.Errorf("journal entry %s: code %s in %.1f ms", e.RequestID, e.Code, e.DurationMS)
		}
	}
	if seen != 4 {
		t.Fatalf("%d of the scenario's 4 requests in the journal", seen)
	}
	faults, err := admin.ListFaults(ctx)
	ok(t, "list faults", err)
	if i := slices.IndexFunc(faults, func(x client.Fault) bool { return x.ID == f.ID }); i < 0 || faults[i].Remaining != 0 {
		t.Fatalf("the spent fault: %+v", faults)
	}
	ok(t, "delete fault", admin.DeleteFault(ctx, f.ID))
}

func (c *contract) partner(t *testing.T) {
	ctx := t.Context()
	iam := c.client(t, client.WithIAMUser(partnerID, partnerUser, partnerPassword))
	aksk := c.client(t, client.WithAKSK(partnerID, c.w.partnerAK, c.w.partnerSK))

	tok, err := c.client(t).IAMToken(ctx, partnerID, partnerUser, partnerPassword)
	ok(t, "IAM token", err)
	if tok.Token == "" || tok.DomainID != partnerID || tok.UserName != partnerUser || tok.ExpiresAt.Sub(tok.IssuedAt) != 24*time.Hour {
		t.Fatalf("IAM token: %+v", tok)
	}
	_, err = c.client(t).IAMToken(ctx, partnerID, partnerUser, "Wrong-password1")
	if e := wantCode(t, "a wrong IAM password", err, 401, ""); e.Family != client.FamilyIAM {
		t.Fatalf("IAM error: %+v", e)
	}

	for name, cl := range map[string]*client.Client{"IAM token": iam, "AK/SK": aksk} {
		r, err := cl.CheckUser(ctx, "", client.SearchName, "free-name-01")
		ok(t, name+": check-user", err)
		if r.Used() || r.LimitReached() {
			t.Fatalf("%s: a free name: %+v", name, r)
		}
		r, err = cl.CheckUser(ctx, partnerID, client.SearchEmail, "TAKEN@acme.example")
		ok(t, name+": check-user, used e-mail", err)
		if !r.Used() || !r.LimitReached() {
			t.Fatalf("%s: a used e-mail address: %+v", name, r)
		}
	}
	_, err = aksk.CheckUser(ctx, "", client.SearchName, "op_admin")
	wantCode(t, "check-user, invalid name", err, 200, "CBC.0100")
	_, err = aksk.CheckUser(ctx, "another-partner", client.SearchName, "free-name-01")
	wantCode(t, "check-user, another partner ID", err, 403, "CBC.0151")
	plain := c.client(t, client.WithAKSK(plainID, c.w.plainAK, c.w.plainSK))
	_, err = plain.CheckUser(ctx, "", client.SearchName, "free-name-01")
	wantCode(t, "check-user by a non-partner", err, 400, "CBC.5001")
	_, err = plain.CheckIdentity(ctx, client.SearchName, "free-name-01")
	wantCode(t, "check-identity by a non-partner", err, 400, "CBC.5001")
	forged := c.client(t, client.WithAKSK(partnerID, c.w.partnerAK, "not-the-sk"))
	_, err = forged.CheckIdentity(ctx, client.SearchName, "free-name-01")
	wantCode(t, "a forged signature", err, 401, "APIG.0301")
	_, err = c.client(t, client.WithIAMToken(partnerID, "no-such-token")).CheckIdentity(ctx, client.SearchName, "free-name-01")
	wantCode(t, "an unknown IAM token", err, 401, "APIG.0301")

	ci, err := iam.CheckIdentity(ctx, client.SearchMobile, "0086-13600000000")
	ok(t, "check-identity, mobile", err)
	if !ci.Available() || ci.MobileRemainAvailableNum == nil || *ci.MobileRemainAvailableNum != 4 {
		t.Fatalf("check-identity: %+v", ci)
	}
	_, err = iam.CheckIdentity(ctx, client.SearchMobile, "13600000000")
	wantCode(t, "check-identity, invalid mobile", err, 400, "CBC.0101")

	created, err := aksk.CreateSubCustomer(ctx, client.SubCustomer{DomainName: "new-customer-01", Email: "new01@acme.example", MobilePhone: "0086-13600000000", Password: "Good-pass-01"})
	ok(t, "sub-customers", err)
	if created.DomainName != "new-customer-01" || len(created.DomainID) != 32 {
		t.Fatalf("sub-customers: %+v", created)
	}
	if r, err := iam.CheckUser(ctx, "", client.SearchName, "NEW-customer-01"); err != nil || !r.Used() {
		t.Fatalf("the new customer's name: %+v %v", r, err)
	}
	for _, tc := range []struct {
		name string
		s    client.SubCustomer
		code string
	}{
		{"a used name", client.SubCustomer{DomainName: "taken-name-01"}, "CBC.99000038"},
		{"an invalid name", client.SubCustomer{DomainName: "op_customer"}, "CBC.99000031"},
		{"an invalid mobile number", client.SubCustomer{DomainName: "new-customer-02", MobilePhone: "12-34"}, "CBC.5017"},
		{"a weak password", client.SubCustomer{DomainName: "new-customer-02", Password: "password"}, "CBC.99000036"},
		{"a used e-mail address", client.SubCustomer{DomainName: "new-customer-02", Email: "taken@acme.example"}, "CBC.0101"},
	} {
		_, err := iam.CreateSubCustomer(ctx, tc.s)
		wantCode(t, "sub-customers: "+tc.name, err, 400, tc.code)
	}
	// The mobile number has 2 accounts; 3 more reach the limit of 5.
	for i := range 3 {
		_, err := aksk.CreateSubCustomer(ctx, client.SubCustomer{MobilePhone: "0086-13600000000", Email: fmt.Sprintf("m%d@acme.example", i)})
		ok(t, "sub-customers sharing a mobile number", err)
	}
	_, err = aksk.CreateSubCustomer(ctx, client.SubCustomer{MobilePhone: "0086-13600000000"})
	wantCode(t, "a mobile number at its limit", err, 400, "CBC.99000030")
	if ci, err := aksk.CheckIdentity(ctx, client.SearchMobile, "0086-13600000000"); err != nil || ci.Available() || *ci.MobileRemainAvailableNum != 0 {
		t.Fatalf("check-identity at the limit: %+v %v", ci, err)
	}

	// CBC.0999, forced for the partner account: the client does not repeat
	// what its call may have done, and the next call is answered.
	f, err := c.admin(t).CreateFault(ctx, client.Fault{TenantID: partnerID, Endpoint: "check-identity", Status: 500, Code: "CBC.0999", Remaining: 1})
	ok(t, "fault", err)
	_, err = aksk.CheckIdentity(ctx, client.SearchName, "free-name-01")
	wantCode(t, "a forced CBC.0999", err, 500, "CBC.0999")
	_, err = aksk.CheckIdentity(ctx, client.SearchName, "free-name-01")
	ok(t, "after the forced failure", err)
	c.admin(t).DeleteFault(ctx, f.ID)
}

// isolation checks that nothing in a request reaches another tenant's
// data.
func (c *contract) isolation(t *testing.T) {
	ctx := t.Context()
	globex := c.client(t, client.WithAppKey(c.w.globex.appKey, c.w.globex.appSecret))
	page, err := globex.QueryAccessCodeList(ctx, client.AccessCodeQuery{AccessCode: "4008001000"})
	ok(t, "globex's access codes", err)
	if page.Total != 1 || *page.CalledRouteList[0].Description != "Globex hotline" || page.CalledRouteList[0].ID != c.w.codes["globex/4008001000"] {
		t.Fatalf("globex sees: %+v", page)
	}
	if page, _ := globex.QueryAccessCodeList(ctx, client.AccessCodeQuery{Description: "Main hotline"}); page.Total != 0 {
		t.Fatalf("globex sees acme's access code: %+v", page)
	}
	if routes, _ := globex.QueryCalledRoute(ctx, client.CalledRouteQuery{}); routes.Total != 1 || routes.CalledRouteList[0].ExtCode != nil {
		t.Fatalf("globex's routes: %+v", routes)
	}
	// globex's scene 1 covers VOICE only, and globex has none of acme's
	// records or rules.
	res, err := globex.QueryFaultyUser(ctx, c.query(affectedMSISDN))
	ok(t, "globex queries acme's subscriber", err)
	if res.ReturnCode != client.ReturnNoData {
		t.Fatalf("globex: %+v", res)
	}
	task, err := c.acme(t).SubmitQuickDelimit(ctx, c.query(affectedMSISDN))
	ok(t, "acme's task", err)
	_, err = globex.QueryQuickResult(ctx, task.TaskID)
	wantCode(t, "acme's task polled by globex", err, 200, "7")
	tb, err := c.client(t, client.WithMallToken(c.w.globex.mall)).QueryTenantBasic(ctx)
	ok(t, "globex's mall", err)
	if tb.VDN != "202" || tb.Company != "Globex XXXXXXXXXXX" {
		t.Fatalf("globex's mall reads: %+v", tb)
	}
	if page, err := c.client(t, client.WithMallToken(c.w.globex.mall)).QueryResource(ctx, client.ResourceQuery{}); err != nil || page.Count != 0 {
		t.Fatalf("globex's resources: %+v %v", page, err)
	}
	// A fault rule of acme's does not touch globex.
	admin := c.admin(t)
	f, err := admin.CreateFault(ctx, client.Fault{TenantID: "acme", Endpoint: "queryAccessCodeList", Status: 500, Remaining: -1})
	ok(t, "acme's fault", err)
	_, err = globex.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	ok(t, "globex under acme's fault", err)
	_, err = c.acme(t).QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	wantCode(t, "acme under its fault", err, 500, "500")
	ok(t, "delete fault", admin.DeleteFault(ctx, f.ID))
	// The journal of one tenant holds none of the other's requests.
	entries, err := admin.ListRequests(ctx, "globex", 0)
	ok(t, "globex's journal", err)
	for _, e := range entries {
		if e.TenantID != "globex" || e.Caller != c.w.globex.appKey && e.Caller != "mall token" {
			t.Fatalf("globex's journal holds %+v", e)
		}
	}
}

// sandbox covers the other kinds of fault: a forced 503 and a connection
// reset, which the client retries for a safe call and not for a write,
// and a rule added through the CLI.
func (c *contract) sandbox(t *testing.T) {
	ctx := t.Context()
	admin := c.admin(t)
	cl := c.acme(t)
	id := func(f *client.Fault, err error) string { ok(t, "fault", err); return f.ID }
	f1 := id(admin.CreateFault(ctx, client.Fault{AppKey: c.w.acme.appKey, Endpoint: "queryCalledRoute", Reset: true, Remaining: 1}))
	_, err := cl.QueryCalledRoute(ctx, client.CalledRouteQuery{})
	ok(t, "a safe call after a connection reset", err)
	f2 := id(admin.CreateFault(ctx, client.Fault{TenantID: "acme", Endpoint: "POST /apiaccess/rest/ipccprovision/v1/applyTry/applyTenant", Status: 500, Code: "205", Remaining: 1}))
	_, err = cl.ApplyTenant(ctx, client.TrialApplication{CompanyName: "X", Phone: "13700007009", PhoneVerifyCode: "1", Email: "x@x.example"})
	wantCode(t, "a forced 205", err, 500, "205")
	f3 := id(admin.CreateFault(ctx, client.Fault{TenantID: "acme", Endpoint: "querytenantbasic", Status: 502, Remaining: 1}))
	_, err = c.client(t, client.WithMallToken(c.w.acme.mall), client.WithRetry(client.Retry{Attempts: 1})).QueryTenantBasic(ctx)
	if e := wantCode(t, "a forced 502 on querytenantbasic", err, 502, ""); e.Message != "The business fails." {
		t.Fatalf("forced 502: %q", e.Message)
	}
	// Codes the pages document that aiccd itself never gives a valid
	// caller, forced to show their wire format.
	f4 := id(admin.CreateFault(ctx, client.Fault{TenantID: "acme", Endpoint: "queryAccessCodeList", Status: 403, Remaining: 1}))
	_, err = cl.QueryAccessCodeList(ctx, client.AccessCodeQuery{})
	if e := wantCode(t, "a forced 403 on queryAccessCodeList", err, 403, "403"); e.Message != "Authentication fails." {
		t.Fatalf("forced 403: %q", e.Message)
	}
	f5 := id(admin.CreateFault(ctx, client.Fault{TenantID: "acme", Endpoint: "queryfaultyuser", Code: "102", Remaining: 1}))
	_, err = cl.QueryFaultyUser(ctx, c.query(affectedMSISDN))
	if e := wantCode(t, "a forced 102", err, 200, "102"); e.Message != "AICC internal system error." {
		t.Fatalf("forced 102: %q", e.Message)
	}
	for _, f := range []string{f1, f2, f3, f4, f5} {
		ok(t, "delete fault", admin.DeleteFault(ctx, f))
	}

	// Through the CLI: a 503 the client retries away.
	c.w.admin(t, "fault", "add", "--tenant", "acme", "--endpoint", "queryAccessCodeList", "--status", "503", "--count", "1")
	time.Sleep(100 * time.Millisecond) // the server learns of the rule through the change feed
	rid := "sandbox-retry-" + c.w.now.Format("150405")
	_, err = cl.QueryAccessCodeList(client.WithRequestID(ctx, rid), client.AccessCodeQuery{})
	ok(t, "a safe call after a 503", err)
	entries, err := admin.ListRequests(ctx, "acme", 10)
	ok(t, "journal", err)
	var statuses []int
	for _, e := range entries {
		if e.RequestID == rid {
			statuses = append(statuses, e.Status)
		}
	}
	if !slices.Equal(statuses, []int{200, 503}) {
		t.Fatalf("the retried request's journal, newest first: %v", statuses)
	}
}

func (c *contract) ops(t *testing.T) {
	hc := c.spec.HTTPClient()
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json", "/openapi.yaml"} {
		resp, err := hc.Get(c.s.URL + path)
		ok(t, path, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest("GET", c.s.URL+"/admin/debug/pprof/symbol", nil)
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := hc.Do(req)
	ok(t, "pprof", err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("pprof: %d", resp.StatusCode)
	}
}

func (c *contract) journal(t *testing.T) {
	ctx := t.Context()
	entries, err := c.admin(t).ListRequests(ctx, "acme", 0)
	ok(t, "journal", err)
	routes := map[string]bool{}
	resets := 0
	for _, e := range entries {
		routes[e.Route] = true
		// A request a fault rule reset got no status: the journal says so.
		if e.TenantID != "acme" || e.RequestID == "" || (e.Status == 0) != (e.Outcome == "reset") {
			t.Fatalf("journal entry: %+v", e)
		}
		if e.Outcome == "reset" {
			resets++
		}
		if strings.Contains(e.RequestBody, c.w.acme.appSecret) || strings.Contains(e.RequestBody, "lilei@acme.example") {
			t.Fatalf("a secret in the journal: %+v", e)
		}
	}
	if resets == 0 {
		t.Fatal("the journal holds no request a fault rule reset")
	}
	for _, r := range []string{
		"POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser",
		"POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList",
		"GET /rest/oma/softwareconsole/tenant/querytenantbasic",
	} {
		if !routes[r] {
			t.Errorf("the journal has no request to %s", r)
		}
	}
	partner, err := c.admin(t).ListRequests(ctx, partnerID, 0)
	ok(t, "the partner's journal", err)
	if len(partner) == 0 || !strings.Contains(partner[0].Route, "/v") {
		t.Fatalf("the partner's journal: %+v", partner)
	}
	cliOut := c.w.admin(t, "requests", "--tenant", "acme", "--limit", "5")
	if !strings.Contains(cliOut, "acme") || !strings.Contains(cliOut, "REQUEST ID") {
		t.Fatalf("aiccd admin requests:\n%s", cliOut)
	}

	// Verification: the affected subscriber's queries, found by the
	// number the journal keeps masked, counted as listed; refusals are
	// journaled too; a partner's journal cleared.
	admin := c.admin(t)
	f := client.RequestFilter{TenantID: "acme", Endpoint: "queryfaultyuser", Body: map[string]string{"msisdn": affectedMSISDN}}
	n, err := admin.CountRequests(ctx, f)
	ok(t, "count", err)
	listed, err := admin.Requests(ctx, f)
	ok(t, "requests", err)
	if n == 0 || len(listed) != min(n, 100) || strings.Contains(listed[0].RequestBody, affectedMSISDN) {
		t.Fatalf("the affected subscriber's queries: %d counted, %d listed", n, len(listed))
	}
	if refused, err := admin.CountRequests(ctx, client.RequestFilter{Status: client.Ptr(401)}); err != nil || refused == 0 {
		t.Fatalf("refused requests: %d, %v", refused, err)
	}
	deleted, err := admin.ClearRequests(ctx, partnerID)
	ok(t, "clear", err)
	if left, err := admin.CountRequests(ctx, client.RequestFilter{TenantID: partnerID}); deleted < len(partner) || left != 0 || err != nil {
		t.Fatalf("cleared %d of the partner's %d; %d left, %v", deleted, len(partner), left, err)
	}
}
