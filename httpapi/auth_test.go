package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
)

func tokenRequest(key, secret string, header map[string]string) request {
	return request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk",
		body: fmt.Sprintf(`{"app_key":%q,"app_secret":%q}`, key, secret), header: header}
}

func TestTokenByAkSk(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		w := e.do(tokenRequest(demo.AppKey, demo.AppSecret, map[string]string{"X-Token-Expire": "600"}))
		if w.Code != 200 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		body := decode(t, w)
		for _, k := range []string{"AccessToken", "ApplyType", "CreateTime", "Expires", "Scope", "AppKey", "UserID"} {
			if _, ok := body[k].(string); !ok {
				t.Errorf("%s is %T, want a string", k, body[k])
			}
		}
		if body["ApplyType"] != "Bearer" || body["Expires"] != "600" || body["AppKey"] != demo.AppKey ||
			body["UserID"] != "Anonymous" || body["CreateTime"] != fmt.Sprint(e.clock.Now().Unix()) || len(body["AccessToken"].(string)) < 43 {
			t.Fatalf("body %v", body)
		}
		if w := e.do(tokenRequest(demo.AppKey, demo.AppSecret, nil)); decode(t, w)["Expires"] != "3600" {
			t.Fatalf("default lifetime: %s", w.Body)
		}
	})
}

func TestTokenByAkSkRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	for _, tc := range []struct {
		name   string
		req    request
		golden string
	}{
		{"wrong secret", tokenRequest(demo.AppKey, "wrong", nil), "gateway_token_wrong_secret.golden"},
		{"unknown key", tokenRequest("no-such-app-key", "wrong", nil), "gateway_token_unknown_key.golden"},
		{"expire 0", tokenRequest(demo.AppKey, demo.AppSecret, map[string]string{"X-Token-Expire": "0"}), "gateway_token_expire_range.golden"},
		{"expire 3601", tokenRequest(demo.AppKey, demo.AppSecret, map[string]string{"X-Token-Expire": "3601"}), "gateway_token_expire_range.golden"},
		{"expire not a number", tokenRequest(demo.AppKey, demo.AppSecret, map[string]string{"X-Token-Expire": "1h"}), "gateway_token_expire_range.golden"},
		{"missing secret", request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: `{"app_key":"x"}`}, "gateway_token_missing.golden"},
		{"not JSON", request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: `{"app_key":`}, "gateway_token_bad_json.golden"},
		{"wrong type", request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: `{"app_key":1,"app_secret":"x"}`}, "gateway_token_wrong_type.golden"},
		{"oversized", request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: `{"app_key":"` + strings.Repeat("k", 70<<10) + `"}`}, "gateway_token_too_large.golden"},
		{"wrong method", request{method: "GET", path: "/apigovernance/api/oauth/tokenByAkSk"}, "gateway_token_405.golden"},
	} {
		t.Run(tc.name, func(t *testing.T) { golden(t, tc.golden, e.do(tc.req)) })
	}
	// The unknown key and the wrong secret get the same answer.
	a, b := e.do(tokenRequest(demo.AppKey, "wrong", nil)), e.do(tokenRequest("no-such-app-key", "wrong", nil))
	if a.Code != b.Code || a.Body.String() != b.Body.String() {
		t.Fatalf("told apart:\n%s\n%s", a.Body, b.Body)
	}
}

func TestTokenByAkSkLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	for range 5 {
		if w := e.do(tokenRequest(demo.AppKey, "wrong", nil)); w.Code != 401 {
			t.Fatalf("failure: %d", w.Code)
		}
	}
	golden(t, "gateway_token_locked.golden", e.do(tokenRequest(demo.AppKey, demo.AppSecret, nil)))
	e.clock.Add(5 * time.Minute)
	if w := e.do(tokenRequest(demo.AppKey, demo.AppSecret, nil)); w.Code != 200 {
		t.Fatalf("after the lockout: %d %s", w.Code, w.Body)
	}
}

// whoami answers with the authenticated gateway caller; tests mount it
// behind the gateway middleware on CC and SmartCare paths.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request) error {
	p := gatewayPrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]string{"tenant": p.TenantID, "app_key": p.AppKey})
	return nil
}

func TestGatewayBearer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	token := e.gatewayToken()
	cc := e.srv.instrument(e.srv.api(e.srv.gateway(false, e.srv.whoami)))
	sc := e.srv.instrument(e.srv.api(e.srv.gateway(true, e.srv.whoami)))
	const ccPath = "/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList"
	const scPath = "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser"
	call := func(h http.Handler, path string, header map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", path, nil)
		r.Header.Set("X-Request-Id", "test-request-id")
		for k, v := range header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		answered(w, r)
		return w
	}
	for _, tc := range []struct {
		name   string
		h      http.Handler
		path   string
		header map[string]string
		status int
		golden string
	}{
		{"bearer", cc, ccPath, map[string]string{"Authorization": "Bearer " + token}, 200, ""},
		{"scheme in lower case", cc, ccPath, map[string]string{"Authorization": "bearer " + token}, 200, ""},
		{"matching X-APP-Key", sc, scPath, map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey}, 200, ""},
		{"no Authorization", cc, ccPath, nil, 401, "gateway_bearer_missing.golden"},
		{"no Bearer prefix", cc, ccPath, map[string]string{"Authorization": token}, 401, "gateway_bearer_missing.golden"},
		{"two spaces", cc, ccPath, map[string]string{"Authorization": "Bearer  " + token}, 401, "gateway_bearer_missing.golden"},
		{"unknown token", cc, ccPath, map[string]string{"Authorization": "Bearer nope"}, 401, "gateway_bearer_unknown.golden"},
		{"X-APP-Key of another app", cc, ccPath, map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": "other"}, 401, "gateway_appkey_mismatch.golden"},
		{"SmartCare without X-APP-Key", sc, scPath, map[string]string{"Authorization": "Bearer " + token}, 401, "gateway_appkey_missing.golden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := call(tc.h, tc.path, tc.header)
			if w.Code != tc.status {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			if tc.status == 200 && decode(t, w)["tenant"] != demo.TenantID {
				t.Fatalf("principal %s", w.Body)
			}
			if tc.golden != "" {
				golden(t, tc.golden, w)
			}
		})
	}

	e.clock.Add(time.Hour)
	golden(t, "gateway_bearer_expired.golden", call(cc, ccPath, map[string]string{"Authorization": "Bearer " + token}))

	token = e.gatewayToken()
	if w := e.do(request{method: "PATCH", path: "/admin/v1/appkeys/" + demo.AppKey, body: `{"enabled":false}`,
		header: map[string]string{"Authorization": "Bearer " + testAdminToken}}); w.Code != 200 {
		t.Fatalf("disable: %d %s", w.Code, w.Body)
	}
	if w := call(cc, ccPath, map[string]string{"Authorization": "Bearer " + token}); w.Code != 401 {
		t.Fatalf("token of a disabled key: %d %s", w.Code, w.Body)
	}
}

func TestIAMTokensEndpoint(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		body := func(user, password, scope string) string {
			return fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"domain":{"name":%q}}}}`,
				user, password, demo.PartnerID, scope)
		}
		w := e.do(request{method: "POST", path: "/v3/auth/tokens", body: body(demo.PartnerUser, demo.PartnerPassword, demo.PartnerID)})
		if w.Code != http.StatusCreated || w.Header().Get("X-Subject-Token") == "" {
			t.Fatalf("%d %v %s", w.Code, w.Header(), w.Body)
		}
		tok := decode(t, w)["token"].(map[string]any)
		expires, _ := time.Parse(iamTime, tok["expires_at"].(string))
		issued, _ := time.Parse(iamTime, tok["issued_at"].(string))
		if expires.Sub(issued) != 24*time.Hour || tok["user"].(map[string]any)["name"] != demo.PartnerUser ||
			tok["domain"].(map[string]any)["id"] != demo.PartnerID {
			t.Fatalf("token body %v", tok)
		}

		golden(t, "iam_wrong_password.golden", e.do(request{method: "POST", path: "/v3/auth/tokens", body: body(demo.PartnerUser, "Wrong-pass1", demo.PartnerID)}))
		golden(t, "iam_no_scope.golden", e.do(request{method: "POST", path: "/v3/auth/tokens",
			body: `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"p","domain":{"name":"d"}}}}}}`}))
		golden(t, "iam_other_scope.golden", e.do(request{method: "POST", path: "/v3/auth/tokens", body: body(demo.PartnerUser, demo.PartnerPassword, "someone-else")}))
	})
}

// whoIsCloud answers with the authenticated cloud caller.
func (s *Server) whoIsCloud(w http.ResponseWriter, r *http.Request) error {
	p := cloudPrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{"account": p.AccountID, "partner": p.IsPartner, "ak": p.AccessKey, "user": p.UserName})
	return nil
}

func TestCloudAuthWithIAMToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	h := e.srv.instrument(e.srv.api(e.srv.cloud(e.srv.whoIsCloud)))
	w := e.do(request{method: "POST", path: "/v3/auth/tokens", body: fmt.Sprintf(
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"domain":{"name":%q}}}}`,
		demo.PartnerUser, demo.PartnerPassword, demo.PartnerID, demo.PartnerID)})
	token := w.Header().Get("X-Subject-Token")
	for _, tc := range []struct {
		header map[string]string
		status int
		golden string
	}{
		{map[string]string{"X-Auth-Token": token}, 200, ""},
		{map[string]string{"X-Auth-Token": "forged"}, 401, "partner_bad_token.golden"},
		{nil, 401, "partner_no_credentials.golden"},
	} {
		r := httptest.NewRequest("POST", "/v1.0/demo-partner/partner/customer-mgr/check-user", nil)
		r.Header.Set("X-Request-Id", "test-request-id")
		for k, v := range tc.header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		answered(w, r)
		if w.Code != tc.status {
			t.Fatalf("%v: %d %s", tc.header, w.Code, w.Body)
		}
		if tc.golden != "" {
			golden(t, tc.golden, w)
		}
	}
}

func TestAdminAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	if w := e.do(request{method: "GET", path: "/admin/v1/tenants"}); w.Code != 401 {
		t.Fatalf("without the token: %d", w.Code)
	}
	if w := e.do(request{method: "GET", path: "/admin/v1/tenants", header: map[string]string{"Authorization": "Bearer wrong"}}); w.Code != 401 {
		t.Fatalf("wrong token: %d", w.Code)
	}
	w := e.do(request{method: "POST", path: "/admin/v1/tenants", body: `{"id":"acme","name":"Acme"}`, header: admin})
	if w.Code != 201 {
		t.Fatalf("create tenant: %d %s", w.Code, w.Body)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/tenants/acme/appkeys", body: `{"name":"crm"}`, header: admin})
	created := decode(t, w)
	if w.Code != 201 || created["app_secret"] == "" || created["secret_hash"] != nil {
		t.Fatalf("create app key: %d %s", w.Code, w.Body)
	}
	if w := e.do(tokenRequest(created["app_key"].(string), created["app_secret"].(string), nil)); w.Code != 200 {
		t.Fatalf("the new key does not get a token: %d %s", w.Code, w.Body)
	}
	w = e.do(request{method: "GET", path: "/admin/v1/tenants/acme/appkeys", header: admin})
	if strings.Contains(w.Body.String(), created["app_secret"].(string)) || !strings.Contains(w.Body.String(), `"items":[{`) {
		t.Fatalf("list: %s", w.Body)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/tenants/nobody/appkeys", header: admin})
	if w.Code != 404 {
		t.Fatalf("app key of a missing tenant: %d %s", w.Code, w.Body)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/tenants/acme/malltokens", body: `{"ttl_seconds":60}`, header: admin})
	issued := decode(t, w)
	if w.Code != 201 || issued["token"] == "" {
		t.Fatalf("issue mall token: %d %s", w.Code, w.Body)
	}
	if w := e.do(request{method: "DELETE", path: "/admin/v1/tenants/acme/malltokens/" + issued["id"].(string), header: admin}); w.Code != 200 {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/accounts", body: `{"id":"p9","partner":true}`, header: admin})
	if w.Code != 201 {
		t.Fatalf("account: %d %s", w.Code, w.Body)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/accounts/p9/accesskeys", header: admin})
	if k := decode(t, w); w.Code != 201 || len(k["sk"].(string)) != 40 {
		t.Fatalf("AK/SK: %d %s", w.Code, w.Body)
	}
	w = e.do(request{method: "POST", path: "/admin/v1/accounts/p9/users", body: `{"name":"ops","password":"weak"}`, header: admin})
	if w.Code != 400 {
		t.Fatalf("weak password: %d %s", w.Code, w.Body)
	}

	off := New(Options{})
	r := httptest.NewRequest("GET", "/admin/v1/tenants", nil)
	r.Header.Set("Authorization", "Bearer anything")
	rw := httptest.NewRecorder()
	off.ServeHTTP(rw, r)
	if rw.Code != 404 {
		t.Fatalf("the admin API answers without a configured token: %d", rw.Code)
	}
}

// TestRevocationAcrossServers runs two servers on one PostgreSQL database,
// each following the change feed: a key disabled through one is refused by
// the other within the feed's Lease, although it had the token in memory.
func TestRevocationAcrossServers(t *testing.T) {
	db := dbtest.Open(t, demoData.URL(t, database.Postgres))
	a, b := newEnvOn(t, db), newEnvOn(t, db)
	a.follow()
	b.follow()
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}

	w := a.do(request{method: "POST", path: "/admin/v1/tenants/demo/appkeys", header: admin})
	k := decode(t, w)
	w = b.do(tokenRequest(k["app_key"].(string), k["app_secret"].(string), nil))
	if w.Code != 200 {
		t.Fatalf("a key created on one server is unknown to the other: %d %s", w.Code, w.Body)
	}
	token := decode(t, w)["AccessToken"].(string)
	h := b.srv.instrument(b.srv.api(b.srv.gateway(false, b.srv.whoami)))
	call := func() int {
		r := httptest.NewRequest("POST", "/apiaccess/rest/cc-management/v1/x", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		rw := httptest.NewRecorder()
		h.ServeHTTP(rw, r)
		return rw.Code
	}
	if code := call(); code != 200 {
		t.Fatalf("token on the second server: %d", code)
	}
	a.do(request{method: "PATCH", path: "/admin/v1/appkeys/" + k["app_key"].(string), body: `{"enabled":false}`, header: admin})
	start := time.Now()
	for call() == 200 {
		if time.Since(start) > changefeed.Lease+20*time.Millisecond {
			t.Fatalf("the second server still accepts the token %s after the key was disabled", time.Since(start))
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("refused after %s", time.Since(start).Round(time.Millisecond))
}

func FuzzBearerToken(f *testing.F) {
	f.Add("Bearer abc")
	f.Add("bearer  abc")
	f.Add("BEARER\tabc")
	f.Fuzz(func(t *testing.T, h string) {
		token, ok := bearerToken(h)
		if ok && (token == "" || strings.ContainsAny(token, " \t") || len(token)+7 != len(h)) {
			t.Fatalf("bearerToken(%q) = %q", h, token)
		}
	})
}

// FuzzTokenByAkSk throws arbitrary bodies and X-Token-Expire values at
// tokenByAkSk: the answer is always the gateway's JSON, never a 5xx.
func FuzzTokenByAkSk(f *testing.F) {
	f.Add(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`, "3600")
	f.Add(`{"app_key":null,"app_secret":[1]}`, "-1")
	f.Add(`{"app_key":"a","app_secret":"b"}{}`, "")
	f.Add("\x00\xff{", "99999999999999999999")
	e := newEnv(f, demoData.URL(f, database.SQLite))
	f.Fuzz(func(t *testing.T, body, expire string) {
		e.t = t
		header := map[string]string{}
		if expire != "" {
			header["X-Token-Expire"] = expire
		}
		w := e.do(request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: body, header: header})
		if w.Code >= 500 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		m := decode(t, w)
		if w.Code != 200 && m["error_code"] == nil {
			t.Fatalf("%d without an APIG code: %s", w.Code, w.Body)
		}
	})
}

func TestMallToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	h := e.srv.instrument(e.srv.api(e.srv.mall(func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]string{"tenant": mallTenantFrom(r.Context())})
		return nil
	})))
	for _, tc := range []struct {
		header     map[string]string
		status     int
		wantTenant string
	}{
		{map[string]string{"X-Auth-Token": demo.MallToken}, 200, demo.TenantID},
		{map[string]string{"X-Auth_Token": demo.MallToken}, 200, demo.TenantID}, // the page example's spelling
		{map[string]string{"X-Auth-Token": demo.TrialMallToken}, 200, demo.TrialTenantID},
		{map[string]string{"X-Auth-Token": "unknown-token"}, 401, ""},
		{nil, 401, ""},
	} {
		// Over a real connection: the server's header parser decides how
		// X-Auth_Token arrives.
		ts := httptest.NewServer(h)
		r, _ := http.NewRequest("GET", ts.URL+"/rest/oma/softwareconsole/tenant/querytenantbasic", nil)
		for k, v := range tc.header {
			r.Header[k] = []string{v} // sent exactly as spelled
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		w.Code = resp.StatusCode
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		io.Copy(w.Body, resp.Body)
		resp.Body.Close()
		ts.Close()
		answered(w, r)
		if w.Code != tc.status {
			t.Fatalf("%v: %d %s", tc.header, w.Code, w.Body)
		}
		if tc.status == 200 && decode(t, w)["tenant"] != tc.wantTenant {
			t.Fatalf("%v: %s", tc.header, w.Body)
		}
		if tc.status == 401 && w.Header().Get("Content-Type") != "text/plain;charset=UTF-8" {
			t.Fatalf("OMA refusals are plain strings: %s", w.Header().Get("Content-Type"))
		}
	}
}

// TestSignatureCoversTheBody replays a signed sub-customer creation with
// another body: X-Sdk-Content-Sha256 stands for the body only when it is
// signed and is the body's hash (or UNSIGNED-PAYLOAD, which the SDK signs
// for bodies that are not JSON), so the replay creates no customer.
func TestSignatureCoversTheBody(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		signedBody := `{"domain_name":"signed-customer","email":"signed@example.com"}`
		otherBody := `{"domain_name":"swapped-customer","email":"swapped@example.com"}`
		sum := sha256.Sum256([]byte(signedBody))
		signedHash := hex.EncodeToString(sum[:])
		replay := func(setHash func(h http.Header)) *httptest.ResponseRecorder {
			r := e.signed(asPartnerAKSK, "POST", subCustomersPath, "application/json", signedBody)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(otherBody)), int64(len(otherBody))
			setHash(r.Header)
			return e.serve(r)
		}
		for name, setHash := range map[string]func(h http.Header){
			"without a content hash":        func(http.Header) {},
			"with the signed body's hash":   func(h http.Header) { h.Set("X-Sdk-Content-Sha256", signedHash) },
			"with UNSIGNED-PAYLOAD":         func(h http.Header) { h.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD") },
			"with two content hashes":       func(h http.Header) { h["X-Sdk-Content-Sha256"] = []string{signedHash, signedHash} },
			"with the hash in another case": func(h http.Header) { h.Set("X-Sdk-Content-Sha256", strings.ToUpper(signedHash)) },
		} {
			if w := replay(setHash); w.Code != 401 || !strings.Contains(w.Body.String(), "APIG.0301") {
				t.Errorf("replayed %s: %d %s", name, w.Code, w.Body)
			}
			// A success forgets the failures, so that the AK is not locked.
			if w := e.partnerCall(asPartnerAKSK, "POST", checkIdentityPath, `{"search_type":"name","search_value":"abcdef"}`); w.Code != 200 {
				t.Fatalf("a signed check after a refused replay: %d %s", w.Code, w.Body)
			}
		}
		if c, err := e.customers.Check(t.Context(), "name", "swapped-customer"); err != nil || c.Used {
			t.Fatalf("the swapped body created a customer: %+v %v", c, err)
		}
		// What the SDK sends is accepted: the body's hash, or for a body
		// that is not declared JSON, a signed UNSIGNED-PAYLOAD (the SDK's
		// own requests: examples/partner-sdk's tests).
		if w := e.serve(e.signed(asPartnerAKSK, "POST", subCustomersPath, "application/json", signedBody)); w.Code != 200 {
			t.Fatalf("a signed JSON body: %d %s", w.Code, w.Body)
		}
		r := e.signed(asPartnerAKSK, "POST", checkIdentityPath, "text/plain", `{"search_type":"name","search_value":"signed-customer"}`)
		if w := e.serve(r); w.Code != 200 || !strings.Contains(w.Body.String(), `"used_by_user"`) {
			t.Fatalf("a signed UNSIGNED-PAYLOAD: %d %s", w.Code, w.Body)
		}
	})
}
