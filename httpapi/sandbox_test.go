package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
)

// sandboxProbe serves whoami, after reading the body as a handler does,
// on the SmartCare and CC paths behind the gateway, through the server's
// middleware, so that fault rules and the journal see real route patterns.
func sandboxProbe(e *env) http.Handler {
	whoami := func(w http.ResponseWriter, r *http.Request) error {
		var body map[string]any
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		return e.srv.whoami(w, r)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser", e.srv.api(e.srv.gateway(true, whoami)))
	mux.Handle("POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList", e.srv.api(e.srv.gateway(false, whoami)))
	return e.srv.instrument(e.srv.recoverPanics(e.srv.limitBody(mux)))
}

func TestFaultInjection(t *testing.T) {
	demoData.Engines(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
		w := e.do(request{method: "POST", path: "/admin/v1/faults", header: admin,
			body: `{"tenant_id":"demo","endpoint":"queryfaultyuser","latency_ms":200,"code":"5","remaining":3}`})
		if w.Code != 201 {
			t.Fatalf("create fault: %d %s", w.Code, w.Body)
		}
		h := sandboxProbe(e)
		token := e.gatewayToken()
		call := func(path string) (*httptest.ResponseRecorder, time.Duration) {
			r := httptest.NewRequest("POST", path, strings.NewReader(`{}`))
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("X-APP-Key", demo.AppKey)
			w := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(w, r)
			return w, time.Since(start)
		}
		const sc = "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser"
		for i := range 3 {
			w, took := call(sc)
			if w.Code != 200 || w.Body.String() != `{"returnCode":5,"description":"DAC query error.","data":[]}` {
				t.Fatalf("faulted request %d: %d %s", i, w.Code, w.Body)
			}
			if took < 200*time.Millisecond {
				t.Fatalf("faulted request %d took %s, want at least 200ms", i, took)
			}
		}
		w, took := call(sc)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"tenant":"demo"`) || took > 150*time.Millisecond {
			t.Fatalf("after three: %d %s in %s", w.Code, w.Body, took)
		}
		// The rule was for one endpoint only.
		if w, _ := call("/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList"); w.Code != 200 {
			t.Fatalf("another endpoint was affected: %d", w.Code)
		}
		w = e.do(request{method: "GET", path: "/metrics"})
		if !strings.Contains(w.Body.String(), `aiccd_faults_injected_total{kind="forced",route="POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser"} 3`) {
			t.Fatalf("fault metric missing:\n%s", grepLines(w.Body.String(), "aiccd_faults"))
		}
	})
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestFaultResetAndForcedStatus(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	ctx := context.Background()
	if _, err := e.srv.faults.Create(ctx, faultFor(`reset`)); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sandboxProbe(e))
	defer ts.Close()
	token := e.gatewayToken()
	send := func() (*http.Response, error) {
		req, _ := http.NewRequest("POST", ts.URL+"/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+token)
		return (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	}
	_, err := send()
	var opErr *net.OpError
	if err == nil || !(strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "EOF") || errorsAs(err, &opErr)) {
		t.Fatalf("a reset fault answered: %v", err)
	}
	if _, err := e.srv.faults.Create(ctx, faultFor(`status`)); err != nil {
		t.Fatal(err)
	}
	resp, err := send()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("forced status: %d", resp.StatusCode)
	}
	resp, err = send()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after the rules ran out: %d", resp.StatusCode)
	}
	// The journal says what the client saw: the reset got no status and
	// no bytes, not a 200.
	w := e.do(request{method: "GET", path: "/admin/v1/requests?tenant=demo&limit=3", header: map[string]string{"Authorization": "Bearer " + testAdminToken}})
	var list struct{ Items []journal.Entry }
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) != 3 {
		t.Fatalf("journal: %v %s", err, w.Body)
	}
	for i, want := range []struct {
		status  int
		outcome string
	}{{200, ""}, {503, ""}, {0, journal.OutcomeReset}} {
		if got := list.Items[i]; got.Status != want.status || got.Outcome != want.outcome {
			t.Errorf("entry %d: status %d outcome %q, want %d %q", i, got.Status, got.Outcome, want.status, want.outcome)
		}
	}
	if got := list.Items[2]; got.ResponseBody != "" || !strings.Contains(w.Body.String(), `"status":0,"outcome":"reset"`) {
		t.Errorf("the reset's entry: %+v", got)
	}
	// It is found as what the client saw: no status, reset.
	for _, q := range []string{"status=0", "outcome=reset", "endpoint=queryAccessCodeList&status=0&outcome=reset"} {
		w = e.do(request{method: "GET", path: "/admin/v1/requests/count?tenant=demo&" + q, header: adminHeader})
		if w.Body.String() != `{"count":1}` {
			t.Errorf("count of %s: %s", q, w.Body)
		}
	}
	w = e.do(request{method: "GET", path: "/admin/v1/requests/count?tenant=demo&status=200&endpoint=queryAccessCodeList", header: adminHeader})
	if w.Body.String() != `{"count":1}` {
		t.Errorf("count of the answered one: %s", w.Body)
	}
}

func TestFaultsNeedTheAdminToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	w := e.do(request{method: "POST", path: "/admin/v1/faults", body: `{"tenant_id":"demo","reset":true,"remaining":1}`})
	if w.Code != 401 {
		t.Fatalf("without the admin token: %d", w.Code)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/faults", header: map[string]string{"Authorization": "Bearer " + testAdminToken},
		body: `{"tenant_id":"demo","remaining":1}`})
	if w.Code != 400 || !strings.Contains(w.Body.String(), "needs latency_ms, status, code, body or reset") {
		t.Fatalf("a rule without effect: %d %s", w.Code, w.Body)
	}
}

func TestRequestJournal(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		h := sandboxProbe(e)
		token := e.gatewayToken()
		for _, header := range []map[string]string{
			{"Authorization": "Bearer " + token},
			{"Authorization": "Bearer " + token, "X-APP-Key": "wrong"},
		} {
			r := httptest.NewRequest("POST", "/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList",
				strings.NewReader(`{"accessCode":"9911411","app_secret":"leak"}`))
			r.Header.Set("X-Request-Id", "journal-"+header["X-APP-Key"])
			for k, v := range header {
				r.Header.Set(k, v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		w := e.do(request{method: "GET", path: "/admin/v1/requests?tenant=demo", header: map[string]string{"Authorization": "Bearer " + testAdminToken}})
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, `"request_id":"journal-"`) || !strings.Contains(body, `"caller":"demo-app-key"`) ||
			!strings.Contains(body, `"route":"POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList"`) {
			t.Fatalf("journal: %d %s", w.Code, body)
		}
		if strings.Contains(body, "leak") || !strings.Contains(body, `\"app_secret\":\"*****\"`) {
			t.Fatalf("a secret reached the journal: %s", body)
		}
		// A refused request is journaled for the tenant its token names:
		// the X-APP-Key mismatch, as the client saw it.
		if !strings.Contains(body, `"request_id":"journal-wrong","method":"POST","path":"/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList","route":"POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList","status":401,`) {
			t.Fatalf("the refused request's entry: %s", body)
		}
		if other := e.do(request{method: "GET", path: "/admin/v1/requests?tenant=demo-trial", header: map[string]string{"Authorization": "Bearer " + testAdminToken}}); !strings.Contains(other.Body.String(), `"items":[]`) {
			t.Fatalf("another tenant's journal: %s", other.Body)
		}
	})
}

// A token issued by tokenByAkSk is journaled for the app key's tenant,
// secret and token masked; so is a refused exchange, by its app key.
func TestTokenByAkSkIsJournaled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	token := e.gatewayToken()
	e.do(request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk",
		body: `{"app_key":"` + demo.AppKey + `","app_secret":"wrong-secret"}`})
	w := e.do(request{method: "GET", path: "/admin/v1/requests?tenant=" + demo.TenantID, header: map[string]string{"Authorization": "Bearer " + testAdminToken}})
	var got struct{ Items []journal.Entry }
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || len(got.Items) != 2 {
		t.Fatalf("journal: %v %s", err, w.Body)
	}
	for i, status := range []int{401, 200} {
		j := got.Items[i]
		if j.Route != "POST /apigovernance/api/oauth/tokenByAkSk" || j.Caller != demo.AppKey || j.Status != status {
			t.Fatalf("entry %d: %+v", i, j)
		}
	}
	if strings.Contains(w.Body.String(), demo.AppSecret) || strings.Contains(w.Body.String(), token) {
		t.Fatalf("a secret reached the journal: %s", w.Body)
	}
}

func faultFor(kind string) fault.Fault {
	f := fault.Fault{TenantID: demo.TenantID, Endpoint: "queryAccessCodeList", Remaining: 1}
	switch kind {
	case "reset":
		f.Reset = true
	case "status":
		f.Status = 503
	}
	return f
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestJournalMasksWhatHandlersDecode sends the personal data and secrets
// of every journaled endpoint, some under keys encoding/json folds onto
// the field ("paſsword" is decoded as password), and finds none of them
// whole in the journal, in requests or answers.
func TestJournalMasksWhatHandlersDecode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	gateway := e.gatewayToken()
	gw := func(path, body string) {
		e.do(request{method: "POST", path: path, body: body, header: map[string]string{"Authorization": "Bearer " + gateway, "X-APP-Key": demo.AppKey}})
	}
	secrets := []string{"Journal-pass-1", "Journal-pass-2", "135790"}
	personal := []string{
		"journal-customer", "journal@example.com", "13712345678", "13912345678", "Journal Trading", "apply@example.com",
		demo.FaultyMSISDN, "journal-folded",
	}
	if w := e.partnerCall(asPartnerToken, "POST", subCustomersPath,
		`{"domain_name":"journal-customer","email":"journal@example.com","mobile_phone":"13712345678","paſsword":"Journal-pass-1"}`); w.Code != http.StatusOK {
		t.Fatalf("sub-customer with a folded password key: %d %s", w.Code, w.Body)
	}
	e.partnerCall(asPartnerAKSK, "POST", subCustomersPath, `{"DOMAIN_NAME":"journal-folded","Mobile_Phone":"13712345678","PASSWORD":"Journal-pass-2"}`)
	e.partnerCall(asPartnerAKSK, "POST", checkUserPath, `{"searchType":"mobile","ſearchKey":"0086-13712345678"}`)
	e.partnerCall(asPartnerAKSK, "POST", checkIdentityPath, `{"search_type":"email","search_value":"journal@example.com"}`)
	gw("/apiaccess/rest/ipccprovision/v1/applyTry/applyTenant",
		`{"companyName":"Journal Trading","phone":"13912345678","phoneVerifyCode":"135790","email":"apply@example.com"}`)
	gw(scPath+"queryfaultyuser", exampleRequest())
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	for _, tenant := range []string{demo.TenantID, demo.PartnerID} {
		w := e.do(request{method: "GET", path: "/admin/v1/requests?tenant=" + tenant, header: admin})
		var list struct{ Items []journal.Entry }
		if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) == 0 {
			t.Fatalf("%s's journal: %v %s", tenant, err, w.Body)
		}
		for _, entry := range list.Items {
			if entry.RequestBody == "" {
				t.Fatalf("%s: no request body journaled", entry.Route)
			}
			for _, v := range append(secrets, personal...) {
				if strings.Contains(entry.RequestBody, v) || strings.Contains(entry.ResponseBody, v) {
					t.Errorf("%s: %q kept whole in the journal: %s -> %s", entry.Route, v, entry.RequestBody, entry.ResponseBody)
				}
			}
		}
	}
}

// TestForcedAnswersCarryThePagesSentences forces the statuses the pages
// list without a code of the rule's own: each answers as its page gives it,
// in its family's format.
func TestForcedAnswersCarryThePagesSentences(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, dsn)
		token := e.gatewayToken()
		force := func(tenantID, endpoint string, status int) {
			t.Helper()
			if _, err := e.srv.faults.Create(ctx, fault.Fault{TenantID: tenantID, Endpoint: endpoint, Status: status, Remaining: 1}); err != nil {
				t.Fatal(err)
			}
		}
		for _, status := range []int{401, 500} {
			force(demo.TenantID, "queryAccessCodeList", status)
			golden(t, fmt.Sprintf("cc_queryaccesscodelist_forced_%d.golden", status), e.cc(token, "accessCodeInfo/queryAccessCodeList", `{}`))
			force(demo.TenantID, "queryfaultyuser", status)
			golden(t, fmt.Sprintf("smartcare_queryfaultyuser_forced_%d.golden", status), e.smartCare(token, "queryfaultyuser", exampleRequest()))
			force(demo.PartnerID, "check-identity", status)
			golden(t, fmt.Sprintf("partner_check_identity_forced_%d.golden", status),
				e.partnerCall(asPartnerAKSK, "POST", checkIdentityPath, `{"search_type":"name","search_value":"someone-new"}`))
		}
	})
}
