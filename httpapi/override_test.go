package httpapi

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/demo"
)

// TestFaultOverride sets an override through the admin API and calls the
// real queryfaultyuser through the router, with the change feed live (the
// rules' read model): the override answers only for the msisdn it names,
// as many times as it was given, with its headers; the journal records
// what the client saw; a body the endpoint's wire format does not allow
// is refused unless free_form.
func TestFaultOverride(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.follow()
		admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
		create := func(body string) (int, string) {
			w := e.do(request{method: "POST", path: "/admin/v1/faults", header: admin, body: body})
			return w.Code, w.Body.String()
		}
		// A fault aiccd's rules would not find, as the platform reports it.
		const override = `{"returnCode":0,"description":"Query succeeded. Data is found in the query result.","data":[{"rules":[{"reflectionRule":"not modelled","ccmSceneCode":"VOICE"}],"msisdn":"6680512100869"}]}`
		code, body := create(`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":2,
			"body_match":{"msisdn":"6680512100869"},"headers":{"Retry-After":"7"},"body":` + override + `}`)
		if code != 201 || !strings.Contains(body, `"body_match":{"msisdn":"6680512100869"}`) || !strings.Contains(body, `"status":200`) {
			t.Fatalf("create override: %d %s", code, body)
		}
		token := e.gatewayToken()
		for i := range 2 {
			w := e.smartCare(token, "queryfaultyuser", exampleRequest())
			if w.Code != 200 || w.Body.String() != override || w.Header().Get("Retry-After") != "7" || w.Header().Get("Content-Type") != contentTypeJSON {
				t.Fatalf("overridden call %d: %d %v %s", i, w.Code, w.Header(), w.Body)
			}
		}
		// Spent: aiccd answers again, and a documented answer at that.
		w := e.smartCare(token, "queryfaultyuser", exampleRequest())
		if w.Code != 200 || w.Body.String() == override || w.Header().Get("Retry-After") != "" || !strings.Contains(w.Body.String(), `"returnCode":`) {
			t.Fatalf("after two: %d %v %s", w.Code, w.Header(), w.Body)
		}
		// Another msisdn is not matched.
		if code, body := create(`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":-1,
			"body_match":{"msisdn":"6680512100869"},"body":` + override + `}`); code != 201 {
			t.Fatalf("create: %d %s", code, body)
		}
		w = e.smartCare(token, "queryfaultyuser", exampleRequest("msisdn", `"6680512100870"`))
		if w.Body.String() == override {
			t.Fatalf("an override matched another msisdn: %s", w.Body)
		}
		if w := e.smartCare(token, "queryfaultyuser", exampleRequest()); w.Body.String() != override {
			t.Fatalf("the unlimited override did not answer: %s", w.Body)
		}
		if err := e.srv.journal.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		var list struct {
			Items []struct {
				Route, Code  string
				ResponseBody string `json:"response_body"`
			}
		}
		w = e.do(request{method: "GET", path: "/admin/v1/requests?tenant=demo&limit=1", header: admin})
		if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Items) != 1 || !strings.Contains(list.Items[0].ResponseBody, "not modelled") {
			t.Fatalf("the journal does not hold the override's answer: %s", w.Body)
		}

		// Refusals, in the admin API's format.
		for body, want := range map[string]string{
			`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":1,"body":{"returnCode":"0","description":"x","data":[]}}`: "returnCode is string, want integer",
			`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":1,"body":{"returnCode":0,"data":[]}}`:                     `required field \"description\"`,
			`{"tenant_id":"demo","remaining":1,"body":{"returnCode":0}}`:                                                            "give the endpoint, or mark the body free_form",
			`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":1,"body":{},"headers":{"Transfer-Encoding":"chunked"}}`:   "Transfer-Encoding belongs to the connection",
			`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":1,"body":{},"free_form":true,"headers":{"X-A":"1\r\n"}}`:  "no line breaks",
			`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":1,"latency_ms":1,"body_match":{"msisdn":["a"]}}`:          "must be a string, number, boolean or null",
			`{"tenant_id":"demo","endpoint":"queryfaultyuser","remaining":1,"body":{"returnCode":0},"free_form":"yes"}`:             "free_form",
		} {
			code, got := create(body)
			if code != 400 || !strings.Contains(got, want) {
				t.Errorf("%s: %d %s, want 400 with %q", body, code, got, want)
			}
		}
		// A free-form body answers as given, whatever the document says.
		if code, body := create(`{"app_key":"demo-app-key","endpoint":"queryfaultyuser","status":503,"remaining":1,"free_form":true,
			"headers":{"Content-Type":"text/html"},"body":"<h1>maintenance</h1>"}`); code != 201 {
			t.Fatalf("free-form: %d %s", code, body)
		}
		// Served without the harness's check against the document: a
		// free-form body is free not to follow it.
		r := httptest.NewRequest("POST", scPath+"queryfaultyuser", strings.NewReader(exampleRequest("msisdn", `"6680512100870"`)))
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("X-APP-Key", demo.AppKey)
		w = httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		if w.Code != 503 || w.Body.String() != `<h1>maintenance</h1>` || w.Header().Get("Content-Type") != "text/html" {
			t.Fatalf("free-form answer: %d %v %s", w.Code, w.Header(), w.Body)
		}
	})
}
