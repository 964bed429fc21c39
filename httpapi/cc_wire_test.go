package httpapi

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

// The CC-Management request bodies as clients send them, checked by the
// accesscode package: what a body becomes, and the message that refuses
// it.

// bodyCase is a body, and what it becomes or the start of the message
// that refuses it ("" for success).
type bodyCase[Q comparable] struct {
	body string
	want Q
	err  string
}

// checkBodies decodes each case's body into B and turns it into a query
// with query, holding it to the case.
func checkBodies[B any, Q comparable](t *testing.T, cases []bodyCase[Q], query func(*B) (Q, error)) {
	t.Helper()
	for _, tc := range cases {
		var b B
		if err := json.Unmarshal([]byte(tc.body), &b); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		q, err := query(&b)
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

func TestAccessCodeListBody(t *testing.T) {
	t.Parallel()
	checkBodies(t, []bodyCase[accesscode.Query]{
		{body: `{}`, want: accesscode.Query{Limit: 100}},
		{body: `{"accessCode":"9911411","mediatypeId":5,"description":"access code","limit":10,"offset":0}`,
			want: accesscode.Query{Filter: accesscode.Filter{AccessCode: "9911411", MediaType: 5, Description: "access code"}, Limit: 10}},
		{body: `{"accessCode":"","description":"","mediatypeId":null,"limit":null,"offset":null}`, want: accesscode.Query{Limit: 100}},
		{body: `{"limit":0}`, want: accesscode.Query{Limit: 0}},
		{body: `{"limit":1}`, want: accesscode.Query{Limit: 1}},
		{body: `{"limit":100}`, want: accesscode.Query{Limit: 100}},
		{body: `{"limit":101}`, want: accesscode.Query{Limit: 100}},
		{body: `{"limit":1e30}`, want: accesscode.Query{Limit: 100}},
		{body: `{"limit":99999999999999999999999}`, want: accesscode.Query{Limit: 100}},
		{body: `{"limit":20.0,"offset":1e2}`, want: accesscode.Query{Limit: 20, Offset: 100}},
		{body: `{"offset":100}`, want: accesscode.Query{Limit: 100, Offset: 100}},
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
	}, func(b *accessCodeListBody) (accesscode.Query, error) { return b.request().Query() })
}

func TestCalledRouteBody(t *testing.T) {
	t.Parallel()
	checkBodies(t, []bodyCase[accesscode.RouteQuery]{
		{body: `{}`, want: accesscode.RouteQuery{Limit: 100}},
		{body: `{"accessCode":"12345","extCode":"1","devicetype":3,"deviceDesc":"ivr","mediaTypeId":53,"limit":5,"offset":10}`,
			want: accesscode.RouteQuery{RouteFilter: accesscode.RouteFilter{AccessCode: "12345", ExtCode: "1", DeviceType: 3, DeviceDesc: "ivr", MediaType: 53}, Limit: 5, Offset: 10}},
		// The page: a negative offset is read as 0. There is no maximum.
		{body: `{"offset":-5}`, want: accesscode.RouteQuery{Limit: 100}},
		{body: `{"offset":1000}`, want: accesscode.RouteQuery{Limit: 100, Offset: 1000}},
		{body: `{"limit":101}`, want: accesscode.RouteQuery{Limit: 100}},
		{body: `{"limit":0}`, want: accesscode.RouteQuery{}},
		{body: `{"mediatypeId":19}`, want: accesscode.RouteQuery{RouteFilter: accesscode.RouteFilter{MediaType: 19}, Limit: 100}},
		{body: `{"mediaTypeId":19,"mediatypeId":19}`, want: accesscode.RouteQuery{RouteFilter: accesscode.RouteFilter{MediaType: 19}, Limit: 100}},
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
	}, func(b *calledRouteBody) (accesscode.RouteQuery, error) { return b.request().Query() })
}

// FuzzAccessCodeListBody feeds arbitrary bodies to queryAccessCodeList's
// normalisation: whatever comes in, the result is either a query within
// the page's bounds or an Invalid error with a message.
func FuzzAccessCodeListBody(f *testing.F) {
	for _, seed := range []string{
		`{"accessCode":"9911411","mediatypeId":5,"description":"access code","limit":10,"offset":0}`,
		`{}`, `{"limit":0}`, `{"limit":101,"offset":100}`, `{"limit":-1}`, `{"offset":101}`,
		`{"limit":1e400}`, `{"limit":-0}`, `{"limit":"7"}`, `{"limit":null}`, `{"mediatypeId":19.0}`,
		`{"description":"%_\\"}`, `{"offset":9223372036854775808}`, `{"limit":0.000001}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r accessCodeListBody
		if json.Unmarshal(body, &r) != nil {
			return
		}
		q, err := r.request().Query()
		if err != nil {
			if aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.MessageOf(err, "") == "" {
				t.Fatalf("%s: %v is not an Invalid error with a message", body, err)
			}
			return
		}
		if q.Limit < 0 || q.Limit > accesscode.MaxLimit || q.Offset < 0 || q.Offset > accesscode.MaxOffset {
			t.Fatalf("%s: paging %d/%d out of bounds", body, q.Limit, q.Offset)
		}
		if q.MediaType != 0 && !q.MediaType.Valid() {
			t.Fatalf("%s: media type %d", body, q.MediaType)
		}
		if q.Validate() != nil {
			t.Fatalf("%s: Query returned an invalid query %+v", body, q)
		}
	})
}

// FuzzCalledRouteBody does the same for queryCalledRoute.
func FuzzCalledRouteBody(f *testing.F) {
	for _, seed := range []string{
		`{"accessCode":"12345","extCode":"1","devicetype":1,"deviceDesc":"queue","mediaTypeId":5,"limit":10,"offset":0}`,
		`{"offset":-3}`, `{"mediaTypeId":5,"mediatypeId":53}`, `{"devicetype":2}`, `{"limit":1e9,"offset":1e30}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r calledRouteBody
		if json.Unmarshal(body, &r) != nil {
			return
		}
		q, err := r.request().Query()
		if err != nil {
			if aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.MessageOf(err, "") == "" {
				t.Fatalf("%s: %v is not an Invalid error with a message", body, err)
			}
			return
		}
		if q.Limit < 0 || q.Limit > accesscode.MaxLimit || q.Offset < 0 || q.Validate() != nil {
			t.Fatalf("%s: invalid query %+v", body, q)
		}
	})
}
