package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWriteBadGateway answers 502 for a proxy's unreachable upstream in
// each family's documented format.
func TestWriteBadGateway(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/apiaccess/CC-Management/v1/smartcare/queryfaultyuser":               `{"error_code":"APIG.0202","error_msg":"Backend unavailable.","request_id":"r-1"}`,
		"/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList": `{"error_code":"APIG.0202","error_msg":"Backend unavailable.","request_id":"r-1"}`,
		"/v1.0/p1/partner/customer-mgr/check-user":                            `{"error_code":"APIG.0202","error_msg":"Backend unavailable.","request_id":"r-1"}`,
		"/rest/oma/softwareconsole/tenant/querytenantbasic":                   "The business fails.",
	} {
		method := "POST"
		if strings.Contains(path, "querytenantbasic") {
			method = "GET"
		}
		r := httptest.NewRequest(method, path, nil)
		r.Header.Set("X-Request-Id", "r-1")
		w := httptest.NewRecorder()
		WriteBadGateway(w, r)
		if w.Code != 502 || w.Body.String() != want {
			t.Errorf("%s: %d %s, want 502 %s", path, w.Code, w.Body, want)
		}
		checkAnswer(t, r, w)
	}
	if got := clipRequestID("a\"b"); got != "" {
		t.Errorf("a request ID with a quote is echoed: %q", got)
	}
}
