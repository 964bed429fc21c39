package openapitest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const faultyUserPath = "/apiaccess/CC-Management/v1/smartcare/queryfaultyuser"

var pageExample = []byte(`{"returnCode":0,"description":"Query succeeded. Data is found in the query result.","data":[{"rules":[{"reflectionRule":"FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)","ccmSceneCode":"SMS"},{"reflectionRule":"LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007","ccmSceneCode":"DATA"}],"msisdn":"6680512100869","ttid":"2024-07-18 12:20:41"}]}`)

var jsonHeader = http.Header{"Content-Type": {"application/json;charset=UTF-8"}}

// TestCheckResponse shows what the checker accepts and refuses.
func TestCheckResponse(t *testing.T) {
	s := MustShared(t)
	req := httptest.NewRequest("POST", faultyUserPath, nil)
	if err := s.CheckResponse(req, 200, jsonHeader, pageExample); err != nil {
		t.Fatalf("the page's example: %v", err)
	}
	for name, body := range map[string]string{
		"returnCode as a string": `{"returnCode":"0","description":"x","data":[]}`,
		"an unknown return code": `{"returnCode":8,"description":"x","data":[]}`,
		"a field too many":       `{"returnCode":1,"description":"x","data":[],"extra":true}`,
		"no description":         `{"returnCode":1,"data":[]}`,
		"no data":                `{"returnCode":1,"description":"x"}`,
		"ttid in a rule":         `{"returnCode":0,"description":"x","data":[{"rules":[{"reflectionRule":"A=1","ccmSceneCode":"SMS","ttid":"2024-07-18 12:20:41"}],"msisdn":"6680512100869"}]}`,
	} {
		if err := s.CheckResponse(req, 200, jsonHeader, []byte(body)); err == nil {
			t.Errorf("%s passed", name)
		}
	}
	// An undocumented status of an operation without a default fails; a
	// request with no operation is told apart.
	if err := s.CheckResponse(httptest.NewRequest("POST", "/v3/auth/tokens", nil), 201, jsonHeader, []byte(`{}`)); err == nil {
		t.Error("an IAM answer without its token passed")
	}
	if err := s.CheckResponse(httptest.NewRequest("GET", "/no/such/path", nil), 404, jsonHeader, []byte(`{}`)); !errors.Is(err, ErrNoOperation) {
		t.Errorf("an unknown path: %v", err)
	}
	if err := s.CheckResponse(httptest.NewRequest("DELETE", "/healthz", nil), 405, jsonHeader, []byte(`{}`)); !errors.Is(err, ErrNoOperation) {
		t.Errorf("an unknown method: %v", err)
	}
	text := http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}
	basic := httptest.NewRequest("GET", "/rest/oma/softwareconsole/tenant/querytenantbasic", nil)
	if err := s.CheckResponse(basic, 502, text, []byte("The business fails.")); err != nil {
		t.Errorf("the page's 502: %v", err)
	}
	if err := s.CheckResponse(basic, 502, text, []byte("Business failure.")); err == nil || !strings.Contains(err.Error(), "502") {
		t.Errorf("another 502 text: %v", err)
	}
}

// TestCheckResponseRemembersOnlyPasses holds the memory of passed answers
// to answers alike: an answer that failed fails again, and one that
// passed lets pass only those that differ in their request ID.
func TestCheckResponseRemembersOnlyPasses(t *testing.T) {
	s, err := Load() // a memory of its own
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/admin/v1/tenants", nil)
	refusal := func(id, code string) []byte {
		return []byte(`{"error":{"code":"` + code + `","message":"No.","request_id":"` + id + `"}}`)
	}
	for range 2 {
		if err := s.CheckResponse(req, 401, jsonHeader, []byte(`{"error":{"code":"unauthorized","message":"No."}}`)); err == nil {
			t.Error("a refusal without its request ID passed")
		}
	}
	if err := s.CheckResponse(req, 401, jsonHeader, refusal("0123456789abcdef0123456789abcdef", "unauthorized")); err != nil {
		t.Fatalf("a refusal: %v", err)
	}
	if err := s.CheckResponse(req, 401, jsonHeader, refusal("fedcba9876543210fedcba9876543210", "unauthorized")); err != nil {
		t.Errorf("the same refusal with another request ID: %v", err)
	}
	if err := s.CheckResponse(req, 401, jsonHeader, []byte(`{"error":{"code":"unauthorized","message":"No.","request_id":7}}`)); err == nil {
		t.Error("a number for a request ID passed")
	}
}

func BenchmarkCheckResponse(b *testing.B) {
	s := MustShared(b)
	req := httptest.NewRequest("POST", faultyUserPath, nil)
	for b.Loop() {
		if err := s.CheckResponse(req, 200, jsonHeader, pageExample); err != nil {
			b.Fatal(err)
		}
	}
}
