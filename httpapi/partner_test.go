package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
)

const (
	checkUserPath     = "/v1.0/" + demo.PartnerID + "/partner/customer-mgr/check-user"
	checkIdentityPath = "/v2/partners/sub-customers/users/check-identity"
	subCustomersPath  = "/v2/partners/sub-customers"
)

// Ways a test authenticates to the partner APIs.
const (
	asPartnerAKSK    = "partner AK/SK"
	asPartnerToken   = "partner IAM token"
	asNonPartnerAKSK = "non-partner AK/SK"
	asNobody         = "no credentials"
)

// iamToken obtains an IAM token of the demo partner's user.
func (e *env) iamToken() string {
	e.t.Helper()
	w := e.do(request{method: "POST", path: "/v3/auth/tokens", body: fmt.Sprintf(
		`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},"scope":{"domain":{"name":%q}}}}`,
		demo.PartnerUser, demo.PartnerPassword, demo.PartnerID, demo.PartnerID)})
	if w.Code != http.StatusCreated {
		e.t.Fatalf("IAM token: %d %s", w.Code, w.Body)
	}
	return w.Header().Get("X-Subject-Token")
}

// partnerCall sends a partner API request authenticated as told: AK/SK
// requests are signed as the vendor's SDK signs them (see signed).
func (e *env) partnerCall(as, method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	switch as {
	case asPartnerToken:
		return e.do(request{method: method, path: path, body: body, header: map[string]string{"X-Auth-Token": e.iamToken()}})
	case asNobody:
		return e.do(request{method: method, path: path, body: body})
	}
	return e.serve(e.signed(as, method, path, "application/json", body))
}

// signed is a partner API request with body, of the Content-Type given,
// signed at the test clock's time with the AK/SK of as (asPartnerAKSK or
// asNonPartnerAKSK) by the Go client's signer, as the vendor's SDK signs:
// X-Domain-Id signed, and a body not declared JSON signed as
// UNSIGNED-PAYLOAD. The SDK itself is the witness of the
// examples/partner-sdk module's tests.
func (e *env) signed(as, method, path, contentType, body string) *http.Request {
	e.t.Helper()
	ak, sk, domain := demo.PartnerAK, demo.PartnerSK, demo.PartnerID
	if as == asNonPartnerAKSK {
		ak, sk, domain = demo.NonPartnerAK, demo.NonPartnerSK, demo.NonPartnerID
	}
	r := httptest.NewRequest(method, "http://aiccd.test"+path, strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-Domain-Id", domain)
	if contentType != "application/json" {
		r.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
	}
	if err := (&client.Signer{AK: ak, SK: sk}).Sign(r, []byte(body), e.clock.Now()); err != nil {
		e.t.Fatal(err)
	}
	r.Header.Set("X-Request-Id", "test-request-id")
	return r
}

// TestCheckUserPageExample sends the page's example request with a free
// mobile number and expects the page's example response, byte for byte,
// with either kind of credential.
func TestCheckUserPageExample(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		body := `{
  "searchType": "mobile", 
  "searchKey": "` + demo.FreeMobile + `"
}`
		for _, as := range []string{asPartnerAKSK, asPartnerToken} {
			t.Run(as, func(t *testing.T) {
				golden(t, "partner_check_user_example.golden", e.partnerCall(as, "POST", checkUserPath, body))
			})
		}
	})
}

// TestCheckUserCodeTable covers every row of the page's status/code table
// and every validation rule at its boundaries.
func TestCheckUserCodeTable(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		check := func(typ, key string) string { return fmt.Sprintf(`{"searchType":%q,"searchKey":%q}`, typ, key) }
		for _, tc := range []struct {
			name   string
			as     string
			path   string
			body   string
			status int
			code   string
			want   string // status/uplimit of a success, or a golden file of an error body
		}{
			// 200 CBC.0000: the directory's answers.
			{"free mobile", asPartnerAKSK, checkUserPath, check("mobile", demo.FreeMobile), 200, "CBC.0000", "0/0"},
			{"mobile of one account", asPartnerAKSK, checkUserPath, check("mobile", demo.SingleMobile), 200, "CBC.0000", "1/0"},
			{"mobile at its limit", asPartnerAKSK, checkUserPath, check("mobile", demo.SharedMobile), 200, "CBC.0000", "1/1"},
			{"used name", asPartnerToken, checkUserPath, check("name", "demo-customer-01"), 200, "CBC.0000", "1/1"},
			{"used name in another case", asPartnerToken, checkUserPath, check("name", "Demo-Customer-20"), 200, "CBC.0000", "1/1"},
			{"name of a cloud account", asPartnerAKSK, checkUserPath, check("name", demo.NonPartnerID), 200, "CBC.0000", "1/1"},
			{"name of the partner's own account", asPartnerAKSK, checkUserPath, check("name", "DEMO-PARTNER"), 200, "CBC.0000", "1/1"},
			{"name of an IAM user", asPartnerAKSK, checkUserPath, check("name", demo.PartnerUser), 200, "CBC.0000", "1/1"},
			{"free name", asPartnerAKSK, checkUserPath, check("name", "demo-customer-21"), 200, "CBC.0000", "0/0"},
			{"used email", asPartnerAKSK, checkUserPath, check("email", "customer07@example.com"), 200, "CBC.0000", "1/1"},
			{"used email in upper case", asPartnerAKSK, checkUserPath, check("email", "CUSTOMER07@Example.com"), 200, "CBC.0000", "1/1"},
			{"free email", asPartnerAKSK, checkUserPath, check("email", "customer21@example.com"), 200, "CBC.0000", "0/0"},

			// 200 CBC.0100: invalid input, rule by rule.
			{"unknown search type", asPartnerAKSK, checkUserPath, check("phone", demo.FreeMobile), 200, "CBC.0100", "partner_check_user_invalid_type.golden"},
			{"search type in upper case", asPartnerAKSK, checkUserPath, check("MOBILE", demo.FreeMobile), 200, "CBC.0100", ""},
			{"no search key", asPartnerAKSK, checkUserPath, `{"searchType":"name"}`, 200, "CBC.0100", "partner_check_user_invalid_missing.golden"},
			{"search key of 65 characters", asPartnerAKSK, checkUserPath, check("email", strings.Repeat("a", 53)+"@example.com"), 200, "CBC.0100", "partner_check_user_invalid_long.golden"},
			{"email of 64 characters", asPartnerAKSK, checkUserPath, check("email", strings.Repeat("a", 52)+"@example.com"), 200, "CBC.0000", "0/0"},
			{"email without a domain", asPartnerAKSK, checkUserPath, check("email", "customer01"), 200, "CBC.0100", "partner_check_user_invalid_email.golden"},
			{"mobile placeholder of the page", asPartnerAKSK, checkUserPath, check("mobile", "0086-xxxxxxxxxxx"), 200, "CBC.0100", "partner_check_user_invalid_mobile.golden"},
			{"mobile not starting with 00", asPartnerAKSK, checkUserPath, check("mobile", "1086-13700000000"), 200, "CBC.0100", ""},
			{"mobile without country code", asPartnerAKSK, checkUserPath, check("mobile", "13700000000"), 200, "CBC.0100", ""},
			{"name of 4 characters", asPartnerAKSK, checkUserPath, check("name", "abcd"), 200, "CBC.0100", "partner_check_user_invalid_name_length.golden"},
			{"name of 5 characters", asPartnerAKSK, checkUserPath, check("name", "abcde"), 200, "CBC.0000", "0/0"},
			{"name of 32 characters", asPartnerAKSK, checkUserPath, check("name", "a"+strings.Repeat("b", 31)), 200, "CBC.0000", "0/0"},
			{"name of 33 characters", asPartnerAKSK, checkUserPath, check("name", "a"+strings.Repeat("b", 32)), 200, "CBC.0100", ""},
			{"name starting with op_", asPartnerAKSK, checkUserPath, check("name", "op_customer"), 200, "CBC.0100", "partner_check_user_invalid_name_prefix.golden"},
			{"name starting with shadow_", asPartnerAKSK, checkUserPath, check("name", "shadow_customer"), 200, "CBC.0100", ""},
			{"name of digits", asPartnerAKSK, checkUserPath, check("name", "1234567"), 200, "CBC.0100", "partner_check_user_invalid_name_digits.golden"},
			{"name starting with '_'", asPartnerAKSK, checkUserPath, check("name", "_customer"), 200, "CBC.0100", "partner_check_user_invalid_name_pattern.golden"},
			// The patterns apply to the value as sent: nothing is trimmed.
			{"used name, spaced", asPartnerToken, checkUserPath, check("name", "  demo-customer-20 "), 200, "CBC.0100", "partner_check_user_invalid_name_spaced.golden"},
			{"free email, spaced", asPartnerAKSK, checkUserPath, check("email", " customer21@example.com"), 200, "CBC.0100", ""},
			{"free mobile, spaced", asPartnerAKSK, checkUserPath, check("mobile", demo.FreeMobile+"\t"), 200, "CBC.0100", ""},
			{"body not JSON", asPartnerAKSK, checkUserPath, `{"searchType":`, 200, "CBC.0100", "partner_check_user_invalid_json.golden"},
			{"search key not a string", asPartnerAKSK, checkUserPath, `{"searchType":"mobile","searchKey":86}`, 200, "CBC.0100", ""},
			{"partner_id of 65 characters", asPartnerToken, "/v1.0/" + strings.Repeat("p", 65) + "/partner/customer-mgr/check-user", check("mobile", demo.FreeMobile), 200, "CBC.0100", "partner_check_user_invalid_partner_id.golden"},
			{"partner_id with odd characters", asPartnerToken, "/v1.0/demo.partner%21/partner/customer-mgr/check-user", check("mobile", demo.FreeMobile), 200, "CBC.0100", "partner_check_user_invalid_partner_id.golden"},

			// 400 CBC.5001: a valid credential of an account that is no partner.
			{"not a partner", asNonPartnerAKSK, "/v1.0/" + demo.NonPartnerID + "/partner/customer-mgr/check-user", check("mobile", demo.FreeMobile), 400, "CBC.5001", "partner_check_user_not_partner.golden"},

			// 403 CBC.0151: a partner asking under another partner's ID.
			{"partner_id of another partner", asPartnerAKSK, "/v1.0/" + strings.Repeat("p", 64) + "/partner/customer-mgr/check-user", check("mobile", demo.FreeMobile), 403, "CBC.0151", "partner_check_user_denied.golden"},
			{"partner_id of the non-partner", asPartnerToken, "/v1.0/" + demo.NonPartnerID + "/partner/customer-mgr/check-user", check("mobile", demo.FreeMobile), 403, "CBC.0151", ""},

			// 401: missing or bad credentials, in the gateway's JSON.
			{"no credentials", asNobody, checkUserPath, check("mobile", demo.FreeMobile), 401, "APIG.0301", "partner_no_credentials.golden"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := e.partnerCall(tc.as, "POST", tc.path, tc.body)
				m := decode(t, w)
				if w.Code != tc.status || m["error_code"] != tc.code {
					t.Fatalf("%d %s, want %d %s", w.Code, w.Body, tc.status, tc.code)
				}
				switch {
				case strings.HasSuffix(tc.want, ".golden"):
					golden(t, tc.want, w)
				case tc.want != "":
					if got := fmt.Sprint(m["status"], "/", m["uplimit"]); got != tc.want || m["error_msg"] != "success" {
						t.Fatalf("status/uplimit %s, want %s: %s", got, tc.want, w.Body)
					}
				}
			})
		}

		// 401 with a forged token, and a wrong SK.
		w := e.do(request{method: "POST", path: checkUserPath, body: check("mobile", demo.FreeMobile), header: map[string]string{"X-Auth-Token": "forged"}})
		golden(t, "partner_bad_token.golden", w)

		// 500 CBC.0999: the database fails under an authenticated caller
		// (the credential is served from the cache).
		token := e.iamToken()
		e.db.Close()
		w = e.do(request{method: "POST", path: checkUserPath, body: check("mobile", demo.FreeMobile), header: map[string]string{"X-Auth-Token": token}})
		golden(t, "partner_check_user_internal.golden", w)
	})
}

// TestCheckUserKeepsPersonalDataOutOfLogs: values appear in no log line
// and no error body.
func TestCheckUserKeepsPersonalDataOutOfLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	var logs syncLog
	e.srv.logger = logs.logger()
	for _, body := range []string{
		`{"searchType":"mobile","searchKey":"0086-1370000000x"}`,
		`{"searchType":"email","searchKey":"secret.person@example"}`,
		`{"searchType":"name","searchKey":"op_secretperson"}`,
	} {
		w := e.partnerCall(asPartnerAKSK, "POST", checkUserPath, body)
		for _, secret := range []string{"1370000000x", "secret.person", "secretperson"} {
			if strings.Contains(w.Body.String(), secret) || strings.Contains(logs.String(), secret) {
				t.Fatalf("%q leaked:\n%s\n%s", secret, w.Body, logs.String())
			}
		}
	}
	if !strings.Contains(logs.String(), "request refused") {
		t.Fatalf("nothing was logged, so the test proves nothing:\n%s", logs.String())
	}
}

func TestCheckIdentity(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		check := func(typ, value string) string { return fmt.Sprintf(`{"search_type":%q,"search_value":%q}`, typ, value) }
		for _, tc := range []struct {
			name   string
			as     string
			body   string
			status int
			want   string // the whole body, or a golden file
		}{
			{"free mobile", asPartnerAKSK, check("mobile", demo.FreeMobile), 200, "partner_check_identity_mobile.golden"},
			{"mobile of one account", asPartnerAKSK, check("mobile", demo.SingleMobile), 200,
				`{"error_code":"CBC.0000","error_msg":"success","check_result":"available","mobile_remain_available_num":4}`},
			{"mobile at its limit", asPartnerToken, check("mobile", demo.SharedMobile), 200,
				`{"error_code":"CBC.0000","error_msg":"success","check_result":"used_by_user","mobile_remain_available_num":0}`},
			{"used name", asPartnerAKSK, check("name", "DEMO-customer-05"), 200, "partner_check_identity_name_used.golden"},
			{"free name", asPartnerAKSK, check("name", "demo-customer-99"), 200, `{"error_code":"CBC.0000","error_msg":"success","check_result":"available"}`},
			{"used email", asPartnerAKSK, check("email", demo.CustomerEmail(20)), 200, `{"error_code":"CBC.0000","error_msg":"success","check_result":"used_by_user"}`},
			{"invalid name", asPartnerAKSK, check("name", "op_someone"), 400, "partner_check_identity_invalid.golden"},
			{"invalid type", asPartnerAKSK, check("searchType", "x"), 400, ""},
			{"value of 65 characters", asPartnerAKSK, check("name", strings.Repeat("a", 65)), 400, ""},
			{"old field names", asPartnerAKSK, `{"searchType":"name","searchKey":"demo-customer-01"}`, 400, ""},
			{"not a partner", asNonPartnerAKSK, check("name", "demo-customer-01"), 400, "partner_check_identity_not_partner.golden"},
			{"no credentials", asNobody, check("name", "demo-customer-01"), 401, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := e.partnerCall(tc.as, "POST", checkIdentityPath, tc.body)
				if w.Code != tc.status {
					t.Fatalf("%d %s, want %d", w.Code, w.Body, tc.status)
				}
				if w.Code == 400 && decode(t, w)["error_code"] == nil {
					t.Fatalf("no error_code: %s", w.Body)
				}
				switch {
				case strings.HasSuffix(tc.want, ".golden"):
					golden(t, tc.want, w)
				case tc.want != "" && w.Body.String() != tc.want:
					t.Fatalf("body %s, want %s", w.Body, tc.want)
				}
			})
		}
	})
}

func TestCreateSubCustomer(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		create := func(as, body string) *httptest.ResponseRecorder {
			return e.partnerCall(as, "POST", subCustomersPath, body)
		}
		w := create(asPartnerAKSK, `{"domain_name":"New-Customer-1","email":"New.Customer@Example.com","mobile_phone":"13700000000","password":"Secret-pass1","xaccount_id":"x1","xaccount_type":"partner_x"}`)
		m := decode(t, w)
		id, _ := m["domain_id"].(string)
		if w.Code != 200 || len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" || m["domain_name"] != "New-Customer-1" {
			t.Fatalf("create: %d %s", w.Code, w.Body)
		}
		c, err := e.customers.Get(t.Context(), id)
		if err != nil || c.PartnerID != demo.PartnerID || c.Email != "new.customer@example.com" || c.Mobile != demo.FreeMobile || !c.HasPassword {
			t.Fatalf("stored customer %+v, %v", c, err)
		}
		// What the checks now say about the new customer's values.
		for body, want := range map[string]string{
			`{"search_type":"name","search_value":"new-customer-1"}`:                 "used_by_user",
			`{"search_type":"email","search_value":"new.customer@example.com"}`:      "used_by_user",
			`{"search_type":"mobile","search_value":"` + demo.FreeMobile + `"}`:      "available",
			`{"search_type":"mobile","search_value":"` + demo.SingleMobile + `"}`:    "available",
			`{"search_type":"mobile","search_value":"` + demo.SharedMobile + `"}`:    "used_by_user",
			`{"search_type":"email","search_value":"other.customer@example.com"}`:    "available",
			`{"search_type":"name","search_value":"new-customer-2"}`:                 "available",
			`{"search_type":"mobile","search_value":"0086-13600000000"}`:             "available",
			`{"search_type":"email","search_value":"` + demo.CustomerEmail(1) + `"}`: "used_by_user",
		} {
			if got := decode(t, e.partnerCall(asPartnerToken, "POST", checkIdentityPath, body))["check_result"]; got != want {
				t.Errorf("%s: %v, want %s", body, got, want)
			}
		}

		// A name is generated when none is given, as the cloud does.
		w = create(asPartnerToken, `{"email":"anonymous@example.com"}`)
		if m := decode(t, w); w.Code != 200 || len(m["domain_name"].(string)) != 32 {
			t.Fatalf("create without a name: %d %s", w.Code, w.Body)
		}

		// Refusals: what check-identity calls used or invalid.
		for _, tc := range []struct {
			name, body string
			status     int
			golden     string
		}{
			{"used name", `{"domain_name":"DEMO-CUSTOMER-01"}`, 400, "partner_sub_customer_name_used.golden"},
			{"name of a cloud account", `{"domain_name":"Demo-NonPartner"}`, 400, "partner_sub_customer_name_used.golden"},
			{"name of an IAM user", `{"domain_name":"` + demo.PartnerUser + `"}`, 400, "partner_sub_customer_name_used.golden"},
			{"spaced name", `{"domain_name":" someone-new"}`, 400, ""},
			{"spaced email", `{"domain_name":"someone-new","email":"someone@example.com "}`, 400, "partner_sub_customer_invalid_email.golden"},
			{"spaced mobile", `{"domain_name":"someone-new","mobile_phone":" 13700000001"}`, 400, ""},
			{"used email", `{"domain_name":"someone-new","email":"customer02@example.com"}`, 400, "partner_sub_customer_email_used.golden"},
			{"mobile at its limit", `{"domain_name":"someone-new","mobile_phone":"` + demo.SharedMobile + `"}`, 400, "partner_sub_customer_mobile_limit.golden"},
			{"invalid name", `{"domain_name":"op_someone"}`, 400, "partner_sub_customer_invalid_name.golden"},
			{"invalid mobile", `{"domain_name":"someone-new","mobile_phone":"138"}`, 400, "partner_sub_customer_invalid_mobile.golden"},
			{"invalid email", `{"domain_name":"someone-new","email":"someone"}`, 400, "partner_sub_customer_invalid_email.golden"},
			{"weak password", `{"domain_name":"someone-new","password":"password"}`, 400, "partner_sub_customer_invalid_password.golden"},
			{"password of the name reversed", `{"domain_name":"someone-new","password":"wen-enoemos"}`, 400, ""},
			{"not JSON", `{"domain_name":`, 400, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := create(asPartnerAKSK, tc.body)
				if w.Code != tc.status {
					t.Fatalf("%d %s", w.Code, w.Body)
				}
				if tc.golden != "" {
					golden(t, tc.golden, w)
				}
			})
		}
		if w := create(asNonPartnerAKSK, `{"domain_name":"someone-new"}`); w.Code != 400 || decode(t, w)["error_code"] != "CBC.5001" {
			t.Fatalf("a non-partner creates: %d %s", w.Code, w.Body)
		}
		if w := e.partnerCall(asPartnerAKSK, "POST", checkIdentityPath, `{"search_type":"name","search_value":"someone-new"}`); decode(t, w)["check_result"] != "available" {
			t.Fatalf("a refused creation left a customer behind: %s", w.Body)
		}
	})
}

// TestConcurrentSubCustomerCreations: 50 partners' requests for one name
// at once yield one customer, on both engines.
func TestConcurrentSubCustomerCreations(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		token := e.iamToken()
		var mu sync.Mutex
		codes := map[string]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 50 {
			wg.Go(func() {
				<-start
				w := e.do(request{method: "POST", path: subCustomersPath, header: map[string]string{"X-Auth-Token": token},
					body: fmt.Sprintf(`{"domain_name":"Contested-Name","email":"contender%02d@example.com"}`, i)})
				code := "200"
				if w.Code != 200 {
					code = fmt.Sprint(w.Code, " ", decode(t, w)["error_code"])
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		if codes["200"] != 1 || codes["400 CBC.99000038"] != 49 {
			t.Fatalf("50 concurrent creations of one name: %v", codes)
		}
	})
}

// TestPartnerErrorRulesNameRealRoutes keeps the error mapper's route keys
// in step with the route table.
func TestPartnerErrorRulesNameRealRoutes(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for _, tc := range []struct{ pattern, path string }{
		{routeCheckUser, checkUserPath},
		{routeSubCustomers, subCustomersPath},
	} {
		if _, got := s.mux.Handler(httptest.NewRequest("POST", tc.path, nil)); got != tc.pattern {
			t.Errorf("POST %s is served by %q, but errors.go keys its rules by %q", tc.path, got, tc.pattern)
		}
	}
}

// syncLog collects log lines from concurrent handlers.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *syncLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// FuzzCheckUser sends arbitrary partner IDs and bodies to check-user as
// the demo partner: the answer is always the page's JSON, 200 with
// CBC.0000 or CBC.0100 or 403 CBC.0151 (or the gateway's 404 for a
// partner ID no path may hold), never a server error.
func FuzzCheckUser(f *testing.F) {
	f.Add(demo.PartnerID, `{"searchType":"mobile","searchKey":"0086-13700000000"}`)
	f.Add(demo.PartnerID, `{"searchType":"name","searchKey":"op_\u0000x"}`)
	f.Add(demo.PartnerID, `{"searchType":["name"],"searchKey":null}`)
	f.Add("other", `{"searchType":"email","searchKey":"a@b.cd"}`)
	f.Add("%zz", "{")
	e := newEnv(f, demoData.URL(f, database.SQLite))
	token := e.iamToken()
	f.Fuzz(func(t *testing.T, partnerID, body string) {
		if strings.ContainsAny(partnerID, "/?#") || partnerID == "" || partnerID == "." || partnerID == ".." {
			return // another path, not check-user's
		}
		e.t = t
		w := e.do(request{method: "POST", path: "/v1.0/" + url.PathEscape(partnerID) + "/partner/customer-mgr/check-user",
			body: body, header: map[string]string{"X-Auth-Token": token}})
		m := decode(t, w)
		switch code := m["error_code"]; {
		case w.Code == 200 && (code == "CBC.0000" || code == "CBC.0100"):
		case w.Code == 403 && code == "CBC.0151":
		case w.Code == 404 && code == "APIG.0101" && !cleanPath("/v1.0/"+partnerID):
			// invalid UTF-8 or a control character: no route's path
		default:
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	})
}
