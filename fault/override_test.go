package fault

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValidateOverride(t *testing.T) {
	const qfu = "queryfaultyuser"
	good := json.RawMessage(`{"returnCode":0,"description":"The operation is successful.","data":[]}`)
	f, err := Validate(Fault{TenantID: "t", Endpoint: qfu, Body: good, Remaining: 1,
		Headers: map[string]string{"retry-after": "3"}, BodyMatch: map[string]any{"msisdn": "X", "n": json.Number("2")}}, endpoints)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != 200 || f.Headers["Retry-After"] != "3" || f.BodyMatch["n"] != 2.0 {
		t.Fatalf("defaults not filled: %+v", f)
	}
	if f, err := Validate(Fault{TenantID: "t", Body: json.RawMessage(`{"anything":[1]}`), FreeForm: true, Status: 418, Remaining: 1,
		Headers: map[string]string{"Content-Type": "application/problem+json"}}, endpoints); err != nil || f.Status != 418 {
		t.Fatalf("a free-form body: %+v, %v", f, err)
	}
	for name, tc := range map[string]struct {
		f    Fault
		want string
	}{
		"wrong type":        {Fault{Body: json.RawMessage(`{"returnCode":"0","description":"x","data":[]}`)}, "returnCode is string, want integer"},
		"missing field":     {Fault{Body: json.RawMessage(`{"returnCode":0,"data":[]}`)}, `required field "description"`},
		"unknown status":    {Fault{Body: good, Status: 418}, "gives with status 418"},
		"no endpoint":       {Fault{Body: good, Endpoint: "-"}, "give the endpoint, or mark the body free_form"},
		"not JSON":          {Fault{Body: json.RawMessage(`{`)}, "body must be JSON"},
		"too big":           {Fault{Body: json.RawMessage(`"` + strings.Repeat("x", MaxBodyBytes) + `"`)}, "at most 65536 bytes"},
		"body and code":     {Fault{Body: good, Code: "5"}, "leave code out"},
		"body and reset":    {Fault{Body: good, Reset: true}, "leave body out"},
		"free form no body": {Fault{FreeForm: true, LatencyMS: 1}, "free_form applies to a body"},
		"content-length":    {Fault{Body: good, Headers: map[string]string{"content-length": "1"}}, "Content-Length belongs to the connection"},
		"transfer-encoding": {Fault{Body: good, Headers: map[string]string{"Transfer-Encoding": "chunked"}}, "Transfer-Encoding belongs"},
		"connection":        {Fault{Body: good, Headers: map[string]string{"Connection": "close"}}, "Connection belongs"},
		"content-type":      {Fault{Body: good, Headers: map[string]string{"Content-Type": "text/plain"}}, "only with free_form"},
		"bad header name":   {Fault{Body: good, Headers: map[string]string{"a b": "1"}}, "not a header name"},
		"header line break": {Fault{Body: good, Headers: map[string]string{"X-A": "1\r\nX-B: 2"}}, "no line breaks"},
		"headers alone":     {Fault{LatencyMS: 5, Headers: map[string]string{"X-A": "1"}}, "headers go with an answer"},
		"twice":             {Fault{Body: good, Headers: map[string]string{"x-a": "1", "X-A": "2"}}, "given twice"},
		"match object":      {Fault{Body: good, BodyMatch: map[string]any{"a": map[string]any{}}}, "must be a string, number, boolean or null"},
		"match empty path":  {Fault{Body: good, BodyMatch: map[string]any{"a..b": "x"}}, "not a dotted path"},
	} {
		tc.f.TenantID, tc.f.Remaining = "t", 1
		if tc.f.Endpoint == "" {
			tc.f.Endpoint = qfu
		} else if tc.f.Endpoint == "-" {
			tc.f.Endpoint = ""
		}
		if _, err := Validate(tc.f, endpoints); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, tc.want)
		}
	}
}

func TestBodyMatches(t *testing.T) {
	var body any
	json.Unmarshal([]byte(`{"msisdn":"X","data":{"n":2,"ok":true,"none":null},"list":[1]}`), &body)
	for _, tc := range []struct {
		m    map[string]any
		want bool
	}{
		{map[string]any{"msisdn": "X"}, true},
		{map[string]any{"msisdn": "Y"}, false},
		{map[string]any{"data.n": 2.0, "data.ok": true, "data.none": nil}, true},
		{map[string]any{"data.n": "2"}, false},
		{map[string]any{"data.missing": nil}, false},
		{map[string]any{"list.0": 1.0}, false},
		{map[string]any{"msisdn.x": "X"}, false},
	} {
		if got := bodyMatches(tc.m, body); got != tc.want {
			t.Errorf("bodyMatches(%v) = %v", tc.m, got)
		}
	}
	if bodyMatches(map[string]any{"msisdn": "X"}, nil) {
		t.Error("a body that is not JSON matches")
	}
}

func TestStringShowsTheOverride(t *testing.T) {
	f := Fault{Status: 200, Body: json.RawMessage(`{}`), BodyMatch: map[string]any{"msisdn": "X", "data.n": 2.0}}
	if got := f.String(); got != `status 200, body of 2 bytes, when data.n=2 and msisdn="X"` {
		t.Fatalf("String() = %s", got)
	}
}
