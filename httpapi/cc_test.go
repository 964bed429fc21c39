package httpapi

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
)

const ccPath = "/apiaccess/rest/cc-management/v1/"

func (e *env) cc(token, endpoint, body string) *httptest.ResponseRecorder {
	return e.do(request{method: "POST", path: ccPath + endpoint, body: body,
		header: map[string]string{"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey}})
}

// pageExampleResponse is the response of the queryAccessCodeList page.
const pageExampleResponse = `{
    "returnCode": "0",
    "data": {
        "total": 1,
        "calledRouteList": [
            {
                "id": "1124167935465633793",
                "accessCode": "9911411",
                "mediatypeId": 5,
                "n400Number": null,
                "description": null,
                "numCallAttr": 3
            }
        ]
    },
    "description": "success"
}`

// TestQueryAccessCodeListPageExample sends the page's example request
// without its description filter (a null description matches no filter;
// docs/compatibility.md) and gets the page's example answer, value for
// value, on both engines.
func TestQueryAccessCodeListPageExample(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		w := e.cc(e.gatewayToken(), "accessCodeInfo/queryAccessCodeList", `{"accessCode":"9911411","mediatypeId":5,"limit":10,"offset":0}`)
		var got, want any
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		json.Unmarshal([]byte(pageExampleResponse), &want)
		if w.Code != 200 || !reflect.DeepEqual(got, want) {
			t.Fatalf("%d %s\nwant the page's example", w.Code, w.Body)
		}
		golden(t, "cc_queryaccesscodelist_example.golden", w)
	})
}

func TestQueryAccessCodeListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	token := e.gatewayToken()
	all := e.cc(token, "accessCodeInfo/queryAccessCodeList", `{}`)
	total := int(decode(t, all)["data"].(map[string]any)["total"].(float64))
	if total < 31 {
		t.Fatalf("demo tenant has %d access codes", total)
	}
	for _, tc := range []struct {
		body        string
		status      int
		rows, total int
	}{
		{``, 200, total, total}, // an empty body is {}
		{`{"limit":0}`, 200, 0, total},
		{`{"limit":1}`, 200, 1, total},
		{`{"limit":100}`, 200, total, total},
		{`{"limit":101}`, 200, total, total},
		{`{"offset":0,"limit":10}`, 200, 10, total},
		{`{"offset":100}`, 200, 0, total},
		{`{"offset":30,"limit":100}`, 200, total - 30, total},
		{`{"offset":101}`, 400, 0, 0},
		{`{"limit":-1}`, 400, 0, 0},
		{`{"limit":"ten"}`, 400, 0, 0},
		{`{"limit":1.5}`, 400, 0, 0},
		{`{"offset":-1}`, 400, 0, 0},
		{`{"mediatypeId":7}`, 400, 0, 0},
		{`{"mediatypeId":53}`, 200, -1, -1},
		{`{"description":"ACCESS CODE"}`, 200, -1, -1},
		{`{"accessCode":"%"}`, 200, 0, 0},
		{`{"accessCode":"_"}`, 200, 0, 0},
		{`{"description":"\\"}`, 200, 0, 0},
		{`{"accessCode":9911411}`, 400, 0, 0},
	} {
		w := e.cc(token, "accessCodeInfo/queryAccessCodeList", tc.body)
		m := decode(t, w)
		if w.Code != tc.status {
			t.Fatalf("%s: %d %s", tc.body, w.Code, w.Body)
		}
		if tc.status != 200 {
			if m["returnCode"] != "400" || m["description"] == "" {
				t.Fatalf("%s: %s", tc.body, w.Body)
			}
			continue
		}
		data := m["data"].(map[string]any)
		rows := len(data["calledRouteList"].([]any))
		if tc.rows >= 0 && (rows != tc.rows || int(data["total"].(float64)) != tc.total) {
			t.Fatalf("%s: %d rows of total %v, want %d of %d", tc.body, rows, data["total"], tc.rows, tc.total)
		}
		if tc.rows < 0 && rows == 0 {
			t.Fatalf("%s: nothing found", tc.body)
		}
	}
	golden(t, "cc_queryaccesscodelist_invalid.golden", e.cc(token, "accessCodeInfo/queryAccessCodeList", `{"offset":101}`))
}

func TestQueryCalledRoute(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		w := e.cc(e.gatewayToken(), "calledRoute/queryCalledRoute", `{"limit":2}`)
		m := decode(t, w)
		list := m["data"].(map[string]any)["calledRouteList"].([]any)
		if w.Code != 200 || m["returnCode"] != "0" || len(list) != 2 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		first := list[0].(map[string]any)
		for _, k := range []string{"id", "accessCode", "extCode", "mediatypeId", "devicetype", "deviceId", "deviceDesc", "dnid", "editable"} {
			if _, ok := first[k]; !ok {
				t.Fatalf("route lacks %s: %v", k, first)
			}
		}
		if _, ok := first["id"].(string); !ok {
			t.Fatalf("id is not a string: %v", first)
		}
		if w := e.cc(e.gatewayToken(), "calledRoute/queryCalledRoute", `{"devicetype":9}`); w.Code != 400 {
			t.Fatalf("bad devicetype: %d %s", w.Code, w.Body)
		}
	})
}

// TestAccessCodeTenantIsolation: another tenant's token never sees the
// demo tenant's codes or routes.
func TestAccessCodeTenantIsolation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	e.do(request{method: "POST", path: "/admin/v1/tenants", body: `{"id":"other"}`, header: admin})
	if w := e.do(request{method: "POST", path: "/admin/v1/tenants/other/accesscodes", header: admin,
		body: `{"access_code":"9911411","media_type":2,"call_attr":1,"description":"other's hotline"}`}); w.Code != 201 {
		t.Fatalf("add: %d %s", w.Code, w.Body)
	}
	k := decode(t, e.do(request{method: "POST", path: "/admin/v1/tenants/other/appkeys", header: admin}))
	token := decode(t, e.do(tokenRequest(k["app_key"].(string), k["app_secret"].(string), nil)))["AccessToken"].(string)
	w := e.do(request{method: "POST", path: ccPath + "accessCodeInfo/queryAccessCodeList", body: `{}`,
		header: map[string]string{"Authorization": "Bearer " + token}})
	if !strings.Contains(w.Body.String(), `"total":1`) || !strings.Contains(w.Body.String(), "other's hotline") {
		t.Fatalf("other tenant: %s", w.Body)
	}
	w = e.do(request{method: "POST", path: ccPath + "calledRoute/queryCalledRoute", body: `{}`,
		header: map[string]string{"Authorization": "Bearer " + token}})
	if !strings.Contains(w.Body.String(), `"total":0`) {
		t.Fatalf("other tenant's routes: %s", w.Body)
	}
}
