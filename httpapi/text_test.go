package httpapi

import (
	"strings"
	"testing"

	"github.com/aiccd/aiccd/demo"
)

// TestTextNoStoreHoldsIsAClientError sends a NUL byte, which PostgreSQL
// refuses in text, and invalid UTF-8 where each can arrive (JSON strings,
// headers, paths, query parameters): each is the family's client error on
// both engines, never a failing store.
func TestTextNoStoreHoldsIsAClientError(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		gateway := map[string]string{"Authorization": "Bearer " + e.gatewayToken(), "X-APP-Key": demo.AppKey}
		partner := map[string]string{"X-Auth-Token": e.iamToken()}
		admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
		badAK := map[string]string{"X-Sdk-Date": e.clock.Now().Format("20060102T150405Z"),
			"Authorization": "SDK-HMAC-SHA256 Access=DEMO\xffAK, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64)}
		iam := func(user, domain string) string {
			return `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + user + `","password":"p","domain":{` + domain +
				`}}}},"scope":{"domain":{` + domain + `}}}}`
		}
		for _, tc := range []struct {
			method, path, body string
			header             map[string]string
			status             int
			answer             string // a part of the answer
		}{
			{"POST", ccPath + "accessCodeInfo/queryAccessCodeList", `{"description":"web\u0000shop"}`, gateway, 400, `"returnCode":"400"`},
			{"POST", ccPath + "accessCodeInfo/queryAccessCodeList", `{"accessCode":"99\u000011"}`, gateway, 400, `"returnCode":"400"`},
			{"POST", ccPath + "calledRoute/queryCalledRoute", `{"accessCode":"99\u000011"}`, gateway, 400, `"returnCode":"400"`},
			{"POST", ccPath + "calledRoute/queryCalledRoute", `{"extCode":"1\u0000"}`, gateway, 400, `"returnCode":"400"`},
			{"POST", ccPath + "calledRoute/queryCalledRoute", `{"deviceDesc":"ivr\u0000"}`, gateway, 400, `"returnCode":"400"`},
			{"POST", "/apigovernance/api/oauth/tokenByAkSk", `{"app_key":"demo\u0000","app_secret":"s"}`, nil, 401, `"APIG.0301"`},
			{"POST", "/v3/auth/tokens", iam(demo.PartnerUser, `"name":"demo\u0000"`), nil, 401, `"code":401`},
			{"POST", "/v3/auth/tokens", iam(demo.PartnerUser, `"id":"demo\u0000"`), nil, 401, `"code":401`},
			{"POST", "/v3/auth/tokens", iam(demo.PartnerUser+`\u0000`, `"name":"`+demo.PartnerID+`"`), nil, 401, `"code":401`},
			{"POST", checkIdentityPath, `{"search_type":"name","search_value":"abcdef"}`, badAK, 401, `"APIG.0301"`},
			{"POST", "/v1.0/%00/partner/customer-mgr/check-user", `{"searchType":"name","searchKey":"abcdef"}`, partner, 404, `"APIG.0101"`},
			{"POST", "/v1.0/demo%FF/partner/customer-mgr/check-user", `{"searchType":"name","searchKey":"abcdef"}`, partner, 404, `"APIG.0101"`},
			{"GET", "/admin/v1/tenants/%00/accesscodes", "", admin, 404, `"not_found"`},
			{"GET", "/admin/v1/accounts/a%C3%28/users", "", admin, 404, `"not_found"`},
			{"GET", "/admin/v1/tenants/demo/accesscodes?after=%00", "", admin, 400, `"after: must not contain control characters`},
			{"GET", "/admin/v1/tenants/demo/accesscodes?after=%FF", "", admin, 400, `"after: is not valid UTF-8`},
			{"GET", "/admin/v1/requests?tenant=%00", "", admin, 404, `"not_found"`},
			{"GET", "/admin/v1/requests?tenant=%FF", "", admin, 404, `"not_found"`},
		} {
			w := e.do(request{method: tc.method, path: tc.path, body: tc.body, header: tc.header})
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.answer) {
				t.Errorf("%s %s %s: %d %s, want %d with %s", tc.method, tc.path, tc.body, w.Code, w.Body, tc.status, tc.answer)
			}
		}
	})
}
