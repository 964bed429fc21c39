package accesscode

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
)

func TestQueryRequest(t *testing.T) {
	for _, tc := range []struct {
		body string
		want Query
		err  string // the start of the message; "" for success
	}{
		{body: `{}`, want: Query{Limit: 100}},
		{body: `{"accessCode":"9911411","mediatypeId":5,"description":"access code","limit":10,"offset":0}`,
			want: Query{Filter: Filter{AccessCode: "9911411", MediaType: 5, Description: "access code"}, Limit: 10}},
		{body: `{"accessCode":"","description":"","mediatypeId":null,"limit":null,"offset":null}`, want: Query{Limit: 100}},
		{body: `{"limit":0}`, want: Query{Limit: 0}},
		{body: `{"limit":1}`, want: Query{Limit: 1}},
		{body: `{"limit":100}`, want: Query{Limit: 100}},
		{body: `{"limit":101}`, want: Query{Limit: 100}},
		{body: `{"limit":1e30}`, want: Query{Limit: 100}},
		{body: `{"limit":99999999999999999999999}`, want: Query{Limit: 100}},
		{body: `{"limit":20.0,"offset":1e2}`, want: Query{Limit: 20, Offset: 100}},
		{body: `{"offset":100}`, want: Query{Limit: 100, Offset: 100}},
		{body: `{"limit":-1}`, err: "limit: -1 is negative; it ranges from 0 to 100"},
		{body: `{"limit":-1e30}`, err: "limit: -9223372036854775808 is negative"},
		{body: `{"limit":2.5}`, err: "limit: 2.5 is not an integer"},
		{body: `{"limit":"10"}`, err: "limit: must be an integer, not a string"},
		{body: `{"limit":true}`, err: "limit: must be an integer, not a boolean"},
		{body: `{"limit":[1]}`, err: "limit: must be an integer, not an array"},
		{body: `{"offset":101}`, err: "offset: 101 is over the maximum of 100"},
		{body: `{"offset":-1}`, err: "offset: -1 is negative; it ranges from 0 to 100"},
		{body: `{"offset":0.5}`, err: "offset: 0.5 is not an integer"},
		{body: `{"offset":{}}`, err: "offset: must be an integer, not an object"},
		{body: `{"mediatypeId":7}`, err: "mediatypeId: 7 is not one of 2, 5, 18, 19, 53"},
		{body: `{"mediatypeId":"5"}`, err: "mediatypeId: must be an integer, not a string"},
		{body: `{"mediatypeId":5.5}`, err: "mediatypeId: 5.5 is not an integer"},
		{body: `{"accessCode":"` + strings.Repeat("1", 33) + `"}`, err: "accessCode: the filter is longer than 32 characters"},
		{body: `{"description":"` + strings.Repeat("描", 257) + `"}`, err: "description: the filter is longer than 256 characters"},
		// Filters follow the rules of the text they search: no control
		// characters, the NUL byte first (PostgreSQL refuses it in text).
		{body: `{"description":"web\u0000shop"}`, err: "description: must not contain control characters (found U+0000)"},
		{body: `{"description":"web\tshop"}`, err: "description: must not contain control characters (found U+0009)"},
		{body: `{"accessCode":"99\u000011"}`, err: "accessCode: must not contain control characters (found U+0000)"},
	} {
		var r QueryRequest
		if err := json.Unmarshal([]byte(tc.body), &r); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		q, err := r.Query()
		if tc.err != "" {
			if aiccd.KindOf(err) != aiccd.KindInvalid || !strings.HasPrefix(aiccd.MessageOf(err, ""), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil || q != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.body, q, err, tc.want)
		}
	}
}

func TestRouteQueryRequest(t *testing.T) {
	for _, tc := range []struct {
		body string
		want RouteQuery
		err  string
	}{
		{body: `{}`, want: RouteQuery{Limit: 100}},
		{body: `{"accessCode":"12345","extCode":"1","devicetype":3,"deviceDesc":"ivr","mediaTypeId":53,"limit":5,"offset":10}`,
			want: RouteQuery{RouteFilter: RouteFilter{AccessCode: "12345", ExtCode: "1", DeviceType: 3, DeviceDesc: "ivr", MediaType: 53}, Limit: 5, Offset: 10}},
		// The page: a negative offset is read as 0. There is no maximum.
		{body: `{"offset":-5}`, want: RouteQuery{Limit: 100}},
		{body: `{"offset":1000}`, want: RouteQuery{Limit: 100, Offset: 1000}},
		{body: `{"limit":101}`, want: RouteQuery{Limit: 100}},
		{body: `{"limit":0}`, want: RouteQuery{}},
		{body: `{"mediatypeId":19}`, want: RouteQuery{RouteFilter: RouteFilter{MediaType: 19}, Limit: 100}},
		{body: `{"mediaTypeId":19,"mediatypeId":19}`, want: RouteQuery{RouteFilter: RouteFilter{MediaType: 19}, Limit: 100}},
		{body: `{"mediaTypeId":19,"mediatypeId":5}`, err: "mediaTypeId (19) and mediatypeId (5) disagree"},
		{body: `{"mediaTypeId":4}`, err: "mediaTypeId: 4 is not one of 2, 5, 18, 19, 53"},
		{body: `{"devicetype":2}`, err: "devicetype: 2 is not 1 (skill queue) or 3 (IVR)"},
		{body: `{"devicetype":"1"}`, err: "devicetype: must be an integer, not a string"},
		{body: `{"limit":-1}`, err: "limit: -1 is negative"},
		{body: `{"offset":1.5}`, err: "offset: 1.5 is not an integer"},
		{body: `{"extCode":"1234567890123"}`, err: "extCode: the filter is longer than 12 characters"},
		{body: `{"accessCode":"1\u00002"}`, err: "accessCode: must not contain control characters (found U+0000)"},
		{body: `{"extCode":"1\u0000"}`, err: "extCode: must not contain control characters (found U+0000)"},
		{body: `{"deviceDesc":"ivr\u0000"}`, err: "deviceDesc: must not contain control characters (found U+0000)"},
	} {
		var r RouteQueryRequest
		if err := json.Unmarshal([]byte(tc.body), &r); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		q, err := r.Query()
		if tc.err != "" {
			if aiccd.KindOf(err) != aiccd.KindInvalid || !strings.HasPrefix(aiccd.MessageOf(err, ""), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil || q != tc.want {
			t.Errorf("%s: %+v, %v; want %+v", tc.body, q, err, tc.want)
		}
	}
}

func TestQueryValidate(t *testing.T) {
	for _, tc := range []struct {
		q   Query
		err string
	}{
		{Query{Limit: 101}, "limit: 101 is outside 0 to 100"},
		{Query{Limit: -1}, "limit: -1 is outside 0 to 100"},
		{Query{Limit: 1, Offset: 101}, "offset: 101 is outside 0 to 100"},
		{Query{Limit: 1, Filter: Filter{MediaType: 3}}, "mediatypeId: 3 is not one of"},
		{Query{Limit: 1, Filter: Filter{Description: "\xff"}}, "description: is not valid UTF-8"},
		{Query{Limit: 1, Filter: Filter{AccessCode: "99\xff"}}, "accessCode: is not valid UTF-8"},
	} {
		if err := tc.q.Validate(); aiccd.KindOf(err) != aiccd.KindInvalid || !strings.HasPrefix(aiccd.MessageOf(err, ""), tc.err) {
			t.Errorf("%+v: %v, want %q", tc.q, err, tc.err)
		}
	}
	if err := (Query{Limit: 100, Offset: 100}).Validate(); err != nil {
		t.Error(err)
	}
}
