package httpapi

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/journal"
)

// journalPage reads GET /admin/v1/requests?query.
func (e *env) journalPage(query string) (entries []journal.Entry, next int64) {
	e.t.Helper()
	w := e.do(request{method: "GET", path: "/admin/v1/requests?" + query, header: adminHeader})
	var page struct {
		Items      []journal.Entry `json:"items"`
		NextBefore int64           `json:"next_before"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != 200 {
		e.t.Fatalf("journal ?%s: %d %s", query, w.Code, w.Body)
	}
	return page.Items, page.NextBefore
}

func (e *env) journalCount(query string) string {
	e.t.Helper()
	w := e.do(request{method: "GET", path: "/admin/v1/requests/count?" + query, header: adminHeader})
	if w.Code != 200 {
		e.t.Fatalf("count ?%s: %d %s", query, w.Code, w.Body)
	}
	return w.Body.String()
}

// TestJournalQueries finds requests through the admin API by each filter,
// the masked mobile number by its keyed digest, on both engines.
func TestJournalQueries(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		token := e.gatewayToken()
		start := e.clock.Now()
		for _, msisdn := range []string{"6680512100869", "6680512100870", "6680512100869"} {
			if w := e.smartCare(token, "queryfaultyuser", exampleRequest("msisdn", `"`+msisdn+`"`)); w.Code != 200 {
				t.Fatalf("queryfaultyuser: %d %s", w.Code, w.Body)
			}
		}
		e.smartCare(token, "queryfaultyuser", exampleRequest("msisdn", `"6680"`)) // refused: invalid MSISDN (2); the other no data (1)
		e.do(request{method: "POST", path: scPath + "queryquickresult", body: `{"msisdn":"6680512100869"}`,
			header: map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey, "X-Trace": "run-7"}})

		// The journal keeps the number masked, and finds it whole.
		if entries, _ := e.journalPage("tenant=demo&body.msisdn=6680512100869"); len(entries) != 3 ||
			strings.Contains(fmt.Sprint(entries), "6680512100869") {
			t.Fatalf("by msisdn: %+v", entries)
		}
		for q, want := range map[string]int{
			"tenant=demo&endpoint=queryfaultyuser&body.msisdn=6680512100869":                  2,
			"tenant=demo&endpoint=POST+/apiaccess/CC-Management/v1/smartcare/queryfaultyuser": 4,
			"tenant=demo&endpoint=queryfaultyuser&status=200&code=0":                          2,
			"tenant=demo&endpoint=queryfaultyuser&code=2":                                     1,
			"tenant=demo&body.msisdn=6680512100869&body.queryFlag=1":                          2,
			"tenant=demo&body.MSISDN=6680512100869":                                           0, // keys as the endpoints read them
			"tenant=demo&body.msisdn=6680512100":                                              0,
			"tenant=demo&header.x-trace=run-7":                                                1,
			"tenant=demo&header.X-APP-Key=" + demo.AppKey:                                     5,
			"tenant=demo&endpoint=tokenByAkSk":                                                1,
			"tenant=demo&from=" + url.QueryEscape(start.Format(time.RFC3339)):                 6,
			"tenant=demo&to=" + url.QueryEscape(start.Format(time.RFC3339)):                   0,
			"endpoint=queryfaultyuser&body.msisdn=6680512100870":                              1,
			"tenant=" + demo.TrialTenantID + "&body.msisdn=6680512100869":                     0,
			"tenant=demo&status=0":                                                            0,
		} {
			if got, want := e.journalCount(q), fmt.Sprintf(`{"count":%d}`, want); got != want {
				t.Errorf("count ?%s = %s, want %s", q, got, want)
			}
			if entries, _ := e.journalPage(q); fmt.Sprintf(`{"count":%d}`, len(entries)) != fmt.Sprintf(`{"count":%d}`, want) {
				t.Errorf("list ?%s: %d entries, want %d", q, len(entries), want)
			}
		}

		// Pages of two, newest first, end to end.
		var ids []int64
		before := ""
		for range 5 {
			entries, next := e.journalPage("tenant=demo&limit=2" + before)
			for _, en := range entries {
				ids = append(ids, en.ID)
			}
			if next == 0 {
				break
			}
			before = fmt.Sprint("&before=", next)
		}
		if len(ids) != 6 || ids[0] <= ids[5] {
			t.Fatalf("paged ids: %v", ids)
		}

		// Cleared for one tenant, the buffered entries too.
		e.smartCare(token, "queryfaultyuser", exampleRequest())
		w := e.do(request{method: "DELETE", path: "/admin/v1/requests?tenant=demo", header: adminHeader})
		if w.Code != 200 || w.Body.String() != `{"deleted":7}` {
			t.Fatalf("clear: %d %s", w.Code, w.Body)
		}
		if got := e.journalCount("tenant=demo"); got != `{"count":0}` {
			t.Fatalf("after clearing: %s", got)
		}
	})
}

// TestJournalQueryValidation refuses, in the admin API's format, each
// filter it cannot honour, naming the filters it knows.
func TestJournalQueryValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	long := strings.Repeat("x", journal.MaxValueLen+1)
	many := ""
	for i := range journal.MaxFields + 1 {
		many += fmt.Sprintf("&body.f%d=1", i)
	}
	for _, tc := range []struct{ method, query, want string }{
		{"GET", "tenat=demo", `unknown filter \"tenat\"; the filters are tenant, endpoint, status, code, outcome, from, to, header.NAME, body.PATH, limit, before`},
		{"GET", "/count?limit=5", `unknown filter \"limit\"; the filters are tenant, endpoint, status, code, outcome, from, to, header.NAME, body.PATH.`},
		{"GET", "status=2OO", `status: \"2OO\" is not an HTTP status`},
		{"GET", "status=200&status=401", `status is given 2 times`},
		{"GET", "from=yesterday", `from: \"yesterday\" is not an RFC 3339 time`},
		{"GET", "from=2026-12-06T10:00:00Z&to=2026-12-06T09:00:00Z", `from must be before to`},
		{"GET", "endpoint=queryfaultyusr", `endpoint: \"queryfaultyusr\" names no endpoint`},
		{"GET", "endpoint=adminListTenants", `names no endpoint`},
		{"GET", "limit=0", `limit: \"0\" is not from 1 to 1000`},
		{"GET", "limit=1001", `limit: \"1001\" is not from 1 to 1000`},
		{"GET", "before=-1", `before: \"-1\" is not an entry's id`},
		{"GET", "outcome=crashed", `outcome: \"crashed\" is not an outcome`},
		{"GET", "body.msisdn=" + long, `values are at most 256 bytes`},
		{"GET", "body.a..b=1", `a body path is keys separated by single dots`},
		{"GET", "body.a.b.c.d.e.f.g.h.i=1", `body paths are at most 8 keys deep`},
		{"GET", "header.=1", `a field filter is header.NAME or body.PATH`},
		{"GET", strings.TrimPrefix(many, "&"), `at most 8 header and body filters`},
		{"GET", "tenant=nobody", `no tenant or cloud account has ID \"nobody\"`},
		{"DELETE", "", `tenant is required`},
		{"DELETE", "tenant=demo&status=200", `unknown parameter \"status\"; the journal is cleared by tenant only`},
	} {
		path := "/admin/v1/requests?" + tc.query
		if strings.HasPrefix(tc.query, "/count") {
			path = "/admin/v1/requests" + tc.query
		}
		w := e.do(request{method: tc.method, path: path, header: adminHeader})
		want := 400
		if strings.Contains(tc.want, "no tenant") {
			want = 404
		}
		if w.Code != want || !strings.Contains(strings.ToLower(w.Body.String()), strings.ToLower(tc.want)) || !strings.HasPrefix(w.Body.String(), `{"error":{"code":`) {
			t.Errorf("%s ?%s: %d %s, want %d with %s", tc.method, tc.query, w.Code, w.Body, want, tc.want)
		}
	}
}

// TestRefusedRequestsAreJournaled finds the requests authentication
// refused: under the tenant the token, app key or path names when it
// exists, under no tenant otherwise.
func TestRefusedRequestsAreJournaled(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		// A token that is not one, with the app key: the key's tenant.
		e.do(request{method: "POST", path: scPath + "queryfaultyuser", body: exampleRequest(),
			header: map[string]string{"Authorization": "Bearer forged", "X-APP-Key": demo.AppKey, "X-Request-Id": "forged-token"}})
		// No credentials at all, an app key nothing has: no tenant.
		e.do(request{method: "POST", path: scPath + "queryfaultyuser", body: exampleRequest(),
			header: map[string]string{"X-APP-Key": "no-such-key", "X-Request-Id": "no-credentials"}})
		// A mall request without its token, and a partner request to a
		// partner account's path without credentials.
		e.do(request{method: "GET", path: "/rest/oma/softwareconsole/tenant/querytenantbasic", header: map[string]string{"X-Request-Id": "no-mall-token"}})
		e.do(request{method: "POST", path: "/v1.0/" + demo.PartnerID + "/partner/customer-mgr/check-user", body: `{}`,
			header: map[string]string{"X-Request-Id": "unsigned-partner"}})
		// A request no endpoint serves.
		e.do(request{method: "GET", path: "/apiaccess/nowhere", header: map[string]string{"X-Request-Id": "nowhere"}})

		in := func(tenant string) map[string]journal.Entry {
			q := "status=401"
			if tenant != "*" {
				q += "&tenant=" + tenant
			}
			entries, _ := e.journalPage(q)
			m := map[string]journal.Entry{}
			for _, en := range entries {
				m[en.RequestID] = en
			}
			return m
		}
		demoEntries := in(demo.TenantID)
		if en, ok := demoEntries["forged-token"]; !ok || en.Caller != demo.AppKey || en.Code != "APIG.0301" ||
			en.Route != "POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser" || len(demoEntries) != 1 {
			t.Errorf("demo's refused requests: %+v", demoEntries)
		}
		// Refused before its body was read, it is still found by it.
		if got := e.journalCount("tenant=demo&status=401&body.msisdn=6680512100869"); got != `{"count":1}` {
			t.Errorf("the refused request by its body: %s", got)
		}
		if en, ok := in(demo.PartnerID)["unsigned-partner"]; !ok || en.Status != 401 {
			t.Errorf("the partner's refused request: %+v", in(demo.PartnerID))
		}
		all := in("*")
		for _, id := range []string{"no-credentials", "no-mall-token"} {
			if en, ok := all[id]; !ok || en.TenantID != "" {
				t.Errorf("%s: %+v, want an entry without tenant", id, en)
			}
		}
		if en, _ := e.journalPage("endpoint=unmatched"); len(en) != 1 || en[0].RequestID != "nowhere" || en[0].Status != 404 {
			t.Errorf("the unmatched request: %+v", en)
		}
		// The admin API's own requests are not journaled.
		if got := e.journalCount("status=200"); got != `{"count":0}` {
			t.Errorf("admin requests journaled: %s", got)
		}
	})
}

// FuzzJournalFilter holds the journal's query parser to its limits: any
// query either is refused as invalid, or gives a filter within them.
func FuzzJournalFilter(f *testing.F) {
	routes := New(Options{}).Routes()
	f.Add("tenant=demo&endpoint=queryfaultyuser&body.msisdn=6680512100869&limit=10")
	f.Add("status=0&outcome=reset&from=2026-12-06T09:00:00Z&to=2026-12-06T10:00:00.5%2B01:00")
	f.Add("header.X-App-Key=a&body.a.b.c=1&before=7")
	f.Add("body.%00=1&header.=&limit=-1")
	f.Fuzz(func(t *testing.T, raw string) {
		query, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, paging := range []bool{true, false} {
			flt, err := parseJournalFilter(query, paging, routes)
			if err != nil {
				if kind := aiccd.KindOf(err); kind != aiccd.KindInvalid {
					t.Fatalf("%q: %v is not invalid input (%v)", raw, err, kind)
				}
				continue
			}
			if len(flt.Fields) > journal.MaxFields || flt.Limit < 0 || flt.Limit > journal.MaxPage || flt.Before < 0 ||
				(!paging && (flt.Limit != 0 || flt.Before != 0)) {
				t.Fatalf("%q: %+v", raw, flt)
			}
			for _, fd := range flt.Fields {
				if journal.ValidateField(fd) != nil || len(fd.Value) > journal.MaxValueLen {
					t.Fatalf("%q: field %+v", raw, fd)
				}
			}
		}
	})
}
