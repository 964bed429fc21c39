package accesscode

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// FuzzQueryRequest feeds arbitrary bodies to queryAccessCodeList's
// normalisation: whatever comes in, the result is either a query within
// the page's bounds or an Invalid error with a message.
func FuzzQueryRequest(f *testing.F) {
	for _, seed := range []string{
		`{"accessCode":"9911411","mediatypeId":5,"description":"access code","limit":10,"offset":0}`,
		`{}`, `{"limit":0}`, `{"limit":101,"offset":100}`, `{"limit":-1}`, `{"offset":101}`,
		`{"limit":1e400}`, `{"limit":-0}`, `{"limit":"7"}`, `{"limit":null}`, `{"mediatypeId":19.0}`,
		`{"description":"%_\\"}`, `{"offset":9223372036854775808}`, `{"limit":0.000001}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r QueryRequest
		if json.Unmarshal(body, &r) != nil {
			return
		}
		q, err := r.Query()
		if err != nil {
			if aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.MessageOf(err, "") == "" {
				t.Fatalf("%s: %v is not an Invalid error with a message", body, err)
			}
			return
		}
		if q.Limit < 0 || q.Limit > MaxLimit || q.Offset < 0 || q.Offset > MaxOffset {
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

// FuzzRouteQueryRequest does the same for queryCalledRoute.
func FuzzRouteQueryRequest(f *testing.F) {
	for _, seed := range []string{
		`{"accessCode":"12345","extCode":"1","devicetype":1,"deviceDesc":"queue","mediaTypeId":5,"limit":10,"offset":0}`,
		`{"offset":-3}`, `{"mediaTypeId":5,"mediatypeId":53}`, `{"devicetype":2}`, `{"limit":1e9,"offset":1e30}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r RouteQueryRequest
		if json.Unmarshal(body, &r) != nil {
			return
		}
		q, err := r.Query()
		if err != nil {
			if aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.MessageOf(err, "") == "" {
				t.Fatalf("%s: %v is not an Invalid error with a message", body, err)
			}
			return
		}
		if q.Limit < 0 || q.Limit > MaxLimit || q.Offset < 0 || q.Validate() != nil {
			t.Fatalf("%s: invalid query %+v", body, q)
		}
	})
}

// FuzzFold checks that the ASCII shortcut of Fold agrees with full case
// folding.
func FuzzFold(f *testing.F) {
	for _, seed := range []string{"Access CODE", "ΣΊΣΥΦΟΣ", "Straße", "cafe\u0301", "热线", "%_\\", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := norm.NFC.String(cases.Fold().String(norm.NFC.String(s)))
		if got := Fold(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
		if Fold(Fold(s)) != Fold(s) && utf8.ValidString(s) {
			t.Fatalf("Fold is not idempotent on %q", s)
		}
	})
}
