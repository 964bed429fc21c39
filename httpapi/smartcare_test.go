package httpapi

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
	"github.com/jackc/pgx/v5"
)

const scPath = "/apiaccess/CC-Management/v1/smartcare/"

// smartCare sends body to a SmartCare endpoint with the demo app's token.
func (e *env) smartCare(token, endpoint, body string) *httptest.ResponseRecorder {
	return e.do(request{method: "POST", path: scPath + endpoint, body: body,
		header: map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey}})
}

// exampleRequest is the page's example request, with fields replaced.
func exampleRequest(replace ...string) string {
	fields := map[string]string{
		"msisdn": `"6680512100869"`, "faultTime": `"1721283133000"`, "complaintScene": `"1"`,
		"backtraceDuration": `"3600"`, "sessionID": `"20240709"`, "queryFlag": `"1"`,
	}
	for i := 0; i+1 < len(replace); i += 2 {
		fields[replace[i]] = replace[i+1]
	}
	var parts []string
	for _, k := range []string{"msisdn", "faultTime", "complaintScene", "backtraceDuration", "sessionID", "queryFlag"} {
		if v := fields[k]; v != "" {
			parts = append(parts, fmt.Sprintf("%q:%s", k, v))
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestQueryFaultyUserPageExample answers the page's example request with
// the page's example answer (ttid added), on both engines.
func TestQueryFaultyUserPageExample(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC) // the example's day
		golden(t, "smartcare_queryfaultyuser_example.golden", e.smartCare(e.gatewayToken(), "queryfaultyuser", exampleRequest()))
	})
}

// TestQueryFaultyUserReturnCodes answers one request per return code of
// Table 4 that a request can cause, all with HTTP 200, the table's
// sentence as the whole description and data present, on both engines.
func TestQueryFaultyUserReturnCodes(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		token := e.gatewayToken()
		for _, tc := range []struct {
			name string
			body string
			code int
		}{
			{"found", exampleRequest(), 0},
			{"faultTime and backtraceDuration as numbers", exampleRequest("faultTime", "1721283133000", "backtraceDuration", "3600"), 0},
			{"backtrace above 86400 is clamped", exampleRequest("backtraceDuration", `"999999"`), 0},
			{"backtrace absent: the tenant's default", exampleRequest("backtraceDuration", ""), 0},
			{"none found", exampleRequest("msisdn", `"6680512100870"`), 1},
			{"msisdn of 4 digits", exampleRequest("msisdn", `"6680"`), 2},
			{"msisdn with letters", exampleRequest("msisdn", `"66805121008AB"`), 2},
			{"fault time not epoch ms", exampleRequest("faultTime", `"2024-07-18"`), 3},
			{"fault time in the future", exampleRequest("faultTime", `"1893456000000"`), 3},
			{"unknown scene", exampleRequest("complaintScene", `"99"`), 4},
			{"queryFlag not 1", exampleRequest("queryFlag", `"2"`), 101},
			{"msisdn missing", exampleRequest("msisdn", ""), 101},
			{"backtrace below 60", exampleRequest("backtraceDuration", `"59"`), 101},
			{"backtrace not a number", exampleRequest("backtraceDuration", `"1h"`), 101},
			{"msisdn of the wrong type", exampleRequest("msisdn", "true"), 101},
			{"msisdn given twice", `{"msisdn":"6680512100870",` + exampleRequest()[1:], 101},
		} {
			t.Run(tc.name, func(t *testing.T) {
				w := e.smartCare(token, "queryfaultyuser", tc.body)
				var got struct {
					ReturnCode  int    `json:"returnCode"`
					Description string `json:"description"`
					Data        []any  `json:"data"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || got.ReturnCode != tc.code {
					t.Fatalf("%d %s, want returnCode %d", w.Code, w.Body, tc.code)
				}
				if got.Description != SmartCareDescription(tc.code) || got.Data == nil || (tc.code != 0) != (len(got.Data) == 0) {
					t.Fatalf("%s: want exactly the table's sentence and data", w.Body)
				}
			})
		}
		golden(t, "smartcare_invalid_msisdn.golden", e.smartCare(token, "queryfaultyuser", exampleRequest("msisdn", `"6680"`)))
		golden(t, "smartcare_param_invalid.golden", e.smartCare(token, "queryfaultyuser", exampleRequest("queryFlag", `"2"`)))
	})
}

// TestQueryFaultyUserStoreFailure answers return code 5 when the record
// store fails while the rest of the database, which authenticates the
// caller, works.
func TestQueryFaultyUserStoreFailure(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		token := e.gatewayToken()
		e.smartCare(token, "queryfaultyuser", exampleRequest()) // the tenant's rules now in memory
		dropTable(t, dsn, "smartcare_records")
		golden(t, "smartcare_store_failed.golden", e.smartCare(token, "queryfaultyuser", exampleRequest()))
	})
}

// dropTable drops a table of the database at dsn behind its stores' back,
// as a damaged database would lose it.
func dropTable(t *testing.T, dsn, table string) {
	t.Helper()
	ctx := context.Background()
	if database.EngineOf(dsn) == database.Postgres {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP TABLE "+table+" CASCADE"); err != nil {
			t.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "DROP TABLE "+table); err != nil {
		t.Fatal(err)
	}
}

// TestDelimitationOverHTTP submits a delimitation, polls it until the
// worker has run it, and reads the evidence.
func TestDelimitationOverHTTP(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		token := e.gatewayToken()
		w := e.smartCare(token, "submitquickdelimit", exampleRequest())
		var submitted struct {
			ReturnCode int `json:"returnCode"`
			Data       []struct {
				TaskID string `json:"taskId"`
			} `json:"data"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &submitted); err != nil || submitted.ReturnCode != 0 || len(submitted.Data) != 1 {
			t.Fatalf("submit: %d %s", w.Code, w.Body)
		}
		task := `{"taskId":"` + submitted.Data[0].TaskID + `"}`
		if w := e.smartCare(token, "queryquickresult", task); !strings.Contains(w.Body.String(), `"returnCode":6`) {
			t.Fatalf("a queued task: %s", w.Body)
		}
		if _, err := e.srv.smartcare.ProcessTasks(t.Context(), nilLogger()); err != nil {
			t.Fatal(err)
		}
		w = e.smartCare(token, "queryquickresult", task)
		if !strings.Contains(w.Body.String(), `"returnCode":0`) || !strings.Contains(w.Body.String(), `LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007`) {
			t.Fatalf("a finished task: %s", w.Body)
		}
		w = e.smartCare(token, "querydeepresult", task)
		if !strings.Contains(w.Body.String(), `"records":[{`) || !strings.Contains(w.Body.String(), `"dimensions":{`) {
			t.Fatalf("deep result: %s", w.Body)
		}
		if w := e.smartCare(token, "queryquickresult", `{"taskId":"1234567890"}`); !strings.Contains(w.Body.String(), `"returnCode":7`) {
			t.Fatalf("an unknown task: %s", w.Body)
		}
		for _, endpoint := range []string{"queryquickresult", "querydeepresult"} {
			if w := e.smartCare(token, endpoint, `{}`); !strings.Contains(w.Body.String(), `"returnCode":101`) {
				t.Fatalf("%s without taskId: %s", endpoint, w.Body)
			}
		}
	})
}

// TestSmartCareTenantIsolation: another tenant's token sees none of the
// demo tenant's scenes or faults.
func TestSmartCareTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	e.do(request{method: "POST", path: "/admin/v1/tenants", body: `{"id":"other"}`, header: admin})
	w := e.do(request{method: "POST", path: "/admin/v1/tenants/other/appkeys", header: admin})
	k := decode(t, w)
	w = e.do(tokenRequest(k["app_key"].(string), k["app_secret"].(string), nil))
	token := decode(t, w)["AccessToken"].(string)
	w = e.do(request{method: "POST", path: scPath + "queryfaultyuser", body: exampleRequest(),
		header: map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": k["app_key"].(string)}})
	if !strings.Contains(w.Body.String(), `"returnCode":4`) {
		t.Fatalf("another tenant's query reached the demo tenant's scene: %s", w.Body)
	}
}

func TestSmartCareAdminAPI(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
		base := "/admin/v1/tenants/demo/smartcare/"
		w := e.do(request{method: "POST", path: base + "scenes", body: `{"id":"7","name":"voice","ccm_scene_codes":["VOICE"]}`, header: admin})
		if w.Code != 201 || !strings.Contains(w.Body.String(), `"ccm_scene_codes":["VOICE"]`) {
			t.Fatalf("create scene: %d %s", w.Code, w.Body)
		}
		w = e.do(request{method: "POST", path: base + "rules", header: admin,
			body: `{"ccm_scene_code":"VOICE","reflection_rule":"LAC_TAC=1&FAILURE_CAUSE","active_from":"2026-11-23T00:00:00Z"}`})
		if w.Code != 400 || !strings.Contains(w.Body.String(), `condition 2`) {
			t.Fatalf("malformed rule: %d %s", w.Code, w.Body)
		}
		w = e.do(request{method: "POST", path: base + "rules", header: admin,
			body: `{"ccm_scene_code":"VOICE","reflection_rule":"lac_tac=5200504B2007","active_from":"2026-11-23T00:00:00Z"}`})
		rule := decode(t, w)
		if w.Code != 201 || rule["reflection_rule"] != "LAC_TAC=5200504B2007" || rule["active_until"] != nil {
			t.Fatalf("create rule: %d %s", w.Code, w.Body)
		}
		w = e.do(request{method: "PATCH", path: base + "rules/" + rule["id"].(string), body: `{"active_until":"1795420800000"}`, header: admin})
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"active_until":"2026-11-23`) {
			t.Fatalf("end a rule: %d %s", w.Code, w.Body)
		}
		w = e.do(request{method: "PATCH", path: base + "settings", body: `{"default_backtrace_seconds":7200,"time_zone":"Europe/Paris"}`, header: admin})
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"default_backtrace_seconds":7200`) {
			t.Fatalf("settings: %d %s", w.Code, w.Body)
		}
		feed := `{"msisdn":"6680512100999","eventTime":"2026-11-23T01:00:00Z","ccmSceneCode":"VOICE","dimensions":{"LAC_TAC":"5200504B2007"}}` + "\n" +
			`{"msisdn":"12","eventTime":"2026-11-23T01:00:00Z","ccmSceneCode":"VOICE","dimensions":{}}` + "\n"
		w = e.do(request{method: "POST", path: base + "records", body: feed, header: admin})
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"imported":1`) || !strings.Contains(w.Body.String(), `"line":2`) {
			t.Fatalf("ingest: %d %s", w.Code, w.Body)
		}
		w = e.do(request{method: "GET", path: base + "records?msisdn=6680512100999&from=2026-11-22T00:00:00Z&to=2026-11-24T00:00:00Z", header: admin})
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"dimensions":{"LAC_TAC":"5200504B2007"}`) {
			t.Fatalf("records: %d %s", w.Code, w.Body)
		}
	})
}

// TestSmartCareFaultInjection forces return code 5 for three requests
// with 200 ms of latency, then the endpoint answers normally again.
func TestSmartCareFaultInjection(t *testing.T) {
	demoData.Engines(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
		if w := e.do(request{method: "POST", path: "/admin/v1/faults", header: admin,
			body: `{"tenant_id":"demo","endpoint":"queryfaultyuser","latency_ms":200,"code":"5","remaining":3}`}); w.Code != 201 {
			t.Fatalf("create fault: %d %s", w.Code, w.Body)
		}
		token := e.gatewayToken()
		for i := range 4 {
			start := time.Now()
			w := e.smartCare(token, "queryfaultyuser", exampleRequest())
			took := time.Since(start)
			if i < 3 {
				if w.Body.String() != `{"returnCode":5,"description":"DAC query error.","data":[]}` || took < 200*time.Millisecond {
					t.Fatalf("faulted request %d: %s in %s", i, w.Body, took)
				}
				continue
			}
			if !strings.Contains(w.Body.String(), `"returnCode":0`) || took > 150*time.Millisecond {
				t.Fatalf("after the fault ran out: %s in %s", w.Body, took)
			}
		}
	})
}
