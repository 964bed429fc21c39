package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/journal"
)

// What a client learns here must hold on the platform: the tests below
// send what encoding/json would forgive (a field in another case, a key
// given twice) and expect what the pages' spelling implies.

var adminHeader = map[string]string{"Authorization": "Bearer " + testAdminToken}

// lastRequest is the newest journal entry of tenant, read through the
// admin API.
func (e *env) lastRequest(tenant string) journal.Entry {
	e.t.Helper()
	w := e.do(request{method: "GET", path: "/admin/v1/requests?limit=1&tenant=" + tenant, header: adminHeader})
	var list struct {
		Items []journal.Entry `json:"items"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) != 1 {
		e.t.Fatalf("journal of %s: %d %s", tenant, w.Code, w.Body)
	}
	return list.Items[0]
}

// iamBody is an IAM token request; user is the user object's members.
func iamBody(user string) string {
	return `{"auth":{"identity":{"methods":["password"],"password":{"user":{` + user + `}}},"scope":{"domain":{"name":"` + demo.PartnerID + `"}}}}`
}

func TestBodyKeysAreMatchedAsThePagesSpellThem(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		token := e.gatewayToken()
		codes := func(body string) string { return e.cc(token, "accessCodeInfo/queryAccessCodeList", body).Body.String() }
		routes := func(body string) string { return e.cc(token, "calledRoute/queryCalledRoute", body).Body.String() }
		user := fmt.Sprintf(`"password":%q,"domain":{"name":%q}`, demo.PartnerPassword, demo.PartnerID)
		for _, tc := range []struct {
			name   string
			send   func() *httptest.ResponseRecorder
			status int
			code   string // the answer's family code
			// want, when set, is the body a request spelt as the
			// page spells it gets.
			want    string
			tenant  string // whose journal records the request ("": none)
			ignored []string
			detail  string
		}{
			{name: "CC: mediaTypeId does not override mediatypeId",
				send: func() *httptest.ResponseRecorder {
					return e.cc(token, "accessCodeInfo/queryAccessCodeList", `{"mediatypeId":5,"mediaTypeId":2,"tenantId":"other"}`)
				},
				status: 200, code: "0", want: codes(`{"mediatypeId":5}`), tenant: demo.TenantID, ignored: []string{"mediaTypeId", "tenantId"}},
			{name: "CC: LIMIT is not limit",
				send: func() *httptest.ResponseRecorder {
					return e.cc(token, "accessCodeInfo/queryAccessCodeList", `{"LIMIT":1}`)
				},
				status: 200, code: "0", want: codes(`{}`), tenant: demo.TenantID, ignored: []string{"LIMIT"}},
			{name: "CC: limit given twice",
				send: func() *httptest.ResponseRecorder {
					return e.cc(token, "accessCodeInfo/queryAccessCodeList", `{"limit":1,"limit":50}`)
				},
				status: 400, code: "400", want: `{"returnCode":"400","description":"Incorrect request. Check the request path and parameters."}`,
				tenant: demo.TenantID, detail: "limit is given twice"},
			{name: "CC: MediaTypeId is neither of queryCalledRoute's spellings",
				send: func() *httptest.ResponseRecorder {
					return e.cc(token, "calledRoute/queryCalledRoute", `{"MediaTypeId":2}`)
				},
				status: 200, code: "0", want: routes(`{}`), tenant: demo.TenantID, ignored: []string{"MediaTypeId"}},
			{name: "SmartCare: MSISDN is not msisdn",
				send: func() *httptest.ResponseRecorder {
					return e.smartCare(token, "queryfaultyuser", strings.Replace(exampleRequest(), `"msisdn"`, `"MSISDN"`, 1))
				},
				status: 200, code: "101", want: `{"returnCode":101,"description":"Parameter verification failed.","data":[]}`,
				tenant: demo.TenantID, ignored: []string{"MSISDN"}, detail: "msisdn is mandatory and missing"},
			{name: "SmartCare: msisdn given twice",
				send: func() *httptest.ResponseRecorder {
					return e.smartCare(token, "queryfaultyuser", `{"msisdn":"6680512100870",`+exampleRequest()[1:])
				},
				status: 200, code: "101", tenant: demo.TenantID, detail: "msisdn is given twice"},
			{name: "partner check-user: SearchType is not searchType",
				send: func() *httptest.ResponseRecorder {
					return e.partnerCall(asPartnerAKSK, "POST", checkUserPath, `{"searchType":"email","SearchType":"name","searchKey":"demo-customer-01"}`)
				},
				status: 200, code: "CBC.0100", tenant: demo.PartnerID, ignored: []string{"SearchType"},
				detail: "an email address must have the form name@example.com"},
			{name: "partner check-user: searchKey given twice",
				send: func() *httptest.ResponseRecorder {
					return e.partnerCall(asPartnerAKSK, "POST", checkUserPath, `{"searchType":"name","searchKey":"demo-customer-01","searchKey":"x"}`)
				},
				status: 200, code: "CBC.0100", want: `{"error_code":"CBC.0100","error_msg":"Invalid input parameter. searchKey is given twice."}`,
				tenant: demo.PartnerID, detail: "searchKey is given twice"},
			{name: "partner check-identity: SEARCH_TYPE is not search_type",
				send: func() *httptest.ResponseRecorder {
					return e.partnerCall(asPartnerAKSK, "POST", checkIdentityPath, `{"SEARCH_TYPE":"name","search_value":"demo-customer-01"}`)
				},
				status: 400, code: "CBC.0101", tenant: demo.PartnerID, ignored: []string{"SEARCH_TYPE"},
				detail: "the search type must be one of email, mobile, name"},
			{name: "gateway: APP_KEY is not app_key",
				send: func() *httptest.ResponseRecorder {
					return e.do(request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: `{"APP_KEY":"` + demo.AppKey + `","app_secret":"` + demo.AppSecret + `"}`})
				},
				status: 400, code: "APIG.0201"},
			{name: "gateway: app_key given twice",
				send: func() *httptest.ResponseRecorder {
					return e.do(request{method: "POST", path: "/apigovernance/api/oauth/tokenByAkSk", body: `{"app_key":"x","app_key":"` + demo.AppKey + `","app_secret":"` + demo.AppSecret + `"}`})
				},
				status: 400, code: "APIG.0201", want: `{"error_code":"APIG.0201","error_msg":"app_key is given twice.","request_id":"test-request-id"}`},
			{name: "IAM: a user's Name is not its name",
				send: func() *httptest.ResponseRecorder {
					return e.do(request{method: "POST", path: "/v3/auth/tokens", body: iamBody(`"name":"nobody","Name":"` + demo.PartnerUser + `",` + user)})
				},
				status: 401},
			{name: "IAM: a nested key given twice",
				send: func() *httptest.ResponseRecorder {
					return e.do(request{method: "POST", path: "/v3/auth/tokens", body: iamBody(`"name":"` + demo.PartnerUser + `","name":"` + demo.PartnerUser + `",` + user)})
				},
				status: 400, want: `{"error":{"code":400,"message":"auth.identity.password.user.name is given twice.","title":"Bad Request"}}`},
			{name: "OMA queryresource: LIMIT is not limit",
				send:   func() *httptest.ResponseRecorder { return e.do(resourceRequest(demo.MallToken, `{"LIMIT":1}`)) },
				status: 200, code: "0", want: e.do(resourceRequest(demo.MallToken, `{}`)).Body.String(), tenant: demo.TenantID, ignored: []string{"LIMIT"}},
			{name: "OMA queryresource: limit given twice",
				send: func() *httptest.ResponseRecorder {
					return e.do(resourceRequest(demo.MallToken, `{"limit":1,"limit":1}`))
				},
				status: 400, code: "400", tenant: demo.TenantID, detail: "limit is given twice"},
			{name: "OMA querytenantbasic reads no query parameter",
				send: func() *httptest.ResponseRecorder {
					return e.do(mallGet(pathTenantBasic+"?tenantId=other&TenantId=x", demo.MallToken))
				},
				status: 200, want: e.do(mallGet(pathTenantBasic, demo.MallToken)).Body.String(), tenant: demo.TenantID, ignored: []string{"?tenantId", "?TenantId"}},
			{name: "applyTenant: phone given twice",
				send: func() *httptest.ResponseRecorder {
					return e.do(applyRequest(token, `{"companyName":"Initech","phone":"13700007001","phone":"13700007002","phoneVerifyCode":"123456","email":"a@initech.example"}`))
				},
				status: 400, code: "400", tenant: demo.TenantID, detail: "phone is given twice"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := tc.send()
				if w.Code != tc.status || (tc.code != "" && familyCode(w.Body.Bytes()) != tc.code) || (tc.want != "" && w.Body.String() != tc.want) {
					t.Fatalf("%d %s\nwant %d %s %s", w.Code, w.Body, tc.status, tc.code, tc.want)
				}
				if tc.tenant == "" {
					return
				}
				got := e.lastRequest(tc.tenant)
				if !slices.Equal(got.IgnoredKeys, tc.ignored) || got.Detail != tc.detail {
					t.Fatalf("journal: ignored %q, detail %q; want %q, %q", got.IgnoredKeys, got.Detail, tc.ignored, tc.detail)
				}
			})
		}
	})
}

// TestSmartCareRefusalsSayWhyOnlyInTheLogAndJournal: descriptions are
// Table 4's sentences; the reason is in the access log line and the
// journal, and neither repeats the subscriber's number.
func TestSmartCareRefusalsSayWhyOnlyInTheLogAndJournal(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		logs := captureLog(e)
		token := e.gatewayToken()
		const number = "66805121008AB"
		w := e.smartCare(token, "queryfaultyuser", exampleRequest("msisdn", `"`+number+`"`))
		if w.Body.String() != `{"returnCode":2,"description":"Invalid MSISDN.","data":[]}` {
			t.Fatalf("%s", w.Body)
		}
		got := e.lastRequest(demo.TenantID)
		if got.Detail != "msisdn must be 5 to 15 digits; character 12 is not a digit" {
			t.Fatalf("journal detail %q", got.Detail)
		}
		line := grepLines(logs(), "route=\"POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser\"")
		if !strings.Contains(line, `detail="msisdn must be 5 to 15 digits; character 12 is not a digit"`) {
			t.Fatalf("access log: %s", line)
		}
		if strings.Contains(logs(), number) || strings.Contains(got.Detail+got.ResponseBody, number) {
			t.Fatalf("the subscriber's number is in the log or the journal")
		}
	})
}

// TestCCRefusalsAnswerThePageSentence: every CC-Management 400 is the
// page's sentence, whatever was wrong; the journal says what.
func TestCCRefusalsAnswerThePageSentence(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		token := e.gatewayToken()
		for body, detail := range map[string]string{
			`{"offset":101}`:              "offset: 101 is over the maximum of 100",
			`{"accessCode":9911411}`:      "accessCode must be a JSON string",
			`{"mediatypeId":7}`:           "mediatypeId: 7 is not one of 2, 5, 18, 19, 53",
			`{"limit":`:                   "the request body is truncated JSON",
			`[]`:                          "the request body must be a JSON object",
			`{"description":"a"} {"a":1}`: "the request body is not valid JSON (at byte 21)",
		} {
			w := e.cc(token, "accessCodeInfo/queryAccessCodeList", body)
			if w.Code != 400 || w.Body.String() != `{"returnCode":"400","description":"Incorrect request. Check the request path and parameters."}` {
				t.Fatalf("%s: %d %s", body, w.Code, w.Body)
			}
			if got := e.lastRequest(demo.TenantID).Detail; got != detail {
				t.Errorf("%s: journal detail %q, want %q", body, got, detail)
			}
		}
	})
}

// TestSmartCareHTTPStatuses: the page's 400 is a body that is not a JSON
// object, on every SmartCare endpoint; its 500 a request aiccd failed to
// answer (TestPanicIsRecoveredInFamilyFormat).
func TestSmartCareHTTPStatuses(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		token := e.gatewayToken()
		const want = `{"returnCode":400,"description":"Incorrect request. Check the request path and parameters.","data":[]}`
		for _, endpoint := range []string{"queryfaultyuser", "submitquickdelimit", "queryquickresult", "querydeepresult"} {
			for _, body := range []string{" ", `{"msisdn":`, `[]`, `null`, `"6680512100869"`, exampleRequest() + ` {}`, exampleRequest() + `x`, `{"msisdn":"1",}`} {
				r := httptest.NewRequest("POST", scPath+endpoint, strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("X-APP-Key", demo.AppKey)
				if w := e.serve(r); w.Code != 400 || w.Body.String() != want {
					t.Errorf("%s %q: %d %s", endpoint, body, w.Code, w.Body)
				}
			}
		}
		golden(t, "smartcare_not_json.golden", e.smartCare(token, "queryfaultyuser", `{"msisdn":`))
	})
}

// TestPageExamplesAsPrinted sends each page's example request exactly as
// printed and compares the answer with the page's example answer. The
// exceptions are the ones README and docs/compatibility.md list.
func TestPageExamplesAsPrinted(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		token := e.gatewayToken()
		jsonOf := func(s string) map[string]any {
			var m map[string]any
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}

		// queryAccessCodeList: the printed request filters on a
		// description its answer's row does not have; aiccd's filter
		// only matches descriptions that contain it.
		w := e.cc(token, "accessCodeInfo/queryAccessCodeList", `{
   "accessCode": "9911411",
   "mediatypeId": 5,
   "description": "access code",
   "limit":10,
    "offset":0
}`)
		if w.Body.String() != `{"returnCode":"0","data":{"total":0,"calledRouteList":[]},"description":"success"}` {
			t.Errorf("queryAccessCodeList as printed: %s", w.Body)
		}

		// querytenantinfo: company and customerName are the page's "xxx"
		// placeholders; aiccd answers the masks of the demo trial's.
		got, want := jsonOf(e.do(mallGet(pathTenantInfo, demo.TrialMallToken)).Body.String()), jsonOf(pageTenantInfo)
		if got["company"] != "Wanfang XXXX" || got["customerName"] != "wXXXXXX" {
			t.Errorf("querytenantinfo: company %v, customerName %v", got["company"], got["customerName"])
		}
		delete(got, "company")
		delete(got, "customerName")
		delete(want, "company")
		delete(want, "customerName")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("querytenantinfo: %v\nwant %v", got, want)
		}

		// queryfaultyuser: the data element has the table's ttid, which
		// the example omits; nothing else differs.
		got = jsonOf(e.smartCare(token, "queryfaultyuser", `{
"msisdn": "6680512100869",
"faultTime": "1721283133000",
"complaintScene": "1",
"backtraceDuration": "3600",
"sessionID": "20240709",
"queryFlag": "1"
}`).Body.String())
		data := got["data"].([]any)[0].(map[string]any)
		if data["ttid"] != "2024-07-18 12:20:41" {
			t.Errorf("queryfaultyuser: ttid %v", data["ttid"])
		}
		delete(data, "ttid")
		if want := jsonOf(smartCarePageExample); !reflect.DeepEqual(got, want) {
			t.Errorf("queryfaultyuser: %v\nwant %v", got, want)
		}
	})
}

// smartCarePageExample is the queryfaultyuser page's example response.
const smartCarePageExample = `{
"returnCode": 0,
"description": "Query succeeded. Data is found in the query result.",
"data": [
{
"rules": [
{
"reflectionRule": "FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)",
"ccmSceneCode": "SMS"
},
{
"reflectionRule": "LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007",
"ccmSceneCode": "DATA"
}
],
"msisdn": "6680512100869"
}
]
}`

// TestSentenceKeepsFieldNames: error texts spell field names as the
// pages do.
func TestSentenceKeepsFieldNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		msg        string
		fieldFirst bool
		want       string
	}{
		{"limit must be a JSON number", true, "limit must be a JSON number."},
		{"accessCode must be a JSON string", false, "accessCode must be a JSON string."},
		{"app_key and app_secret are required", false, "app_key and app_secret are required."},
		{"auth.scope.domain is required", false, "auth.scope.domain is required."},
		{"offset: 101 is over the maximum of 100", false, "offset: 101 is over the maximum of 100."},
		{"the request body is empty", false, "The request body is empty."},
		{"a name must not start with op_ or shadow_", false, "A name must not start with op_ or shadow_."},
		{"dimension \"X\": bad", false, "Dimension \"X\": bad."},
		{"ok.", false, "Ok."},
	} {
		if got := sentence(tc.msg, tc.fieldFirst); got != tc.want {
			t.Errorf("sentence(%q) = %q, want %q", tc.msg, got, tc.want)
		}
	}
}

// captureLog sends e's log, from Info up, to a buffer and returns a
// function that reads it.
func captureLog(e *env) func() string {
	var mu sync.Mutex
	var b bytes.Buffer
	e.srv.logger = slog.New(slog.NewTextHandler(lockedWriter{&mu, &b}, nil))
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return b.String()
	}
}
