package journal

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/masterkey"
)

func testBlinder(t *testing.T) Blinder {
	k, err := masterkey.New([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestMatchKeys(t *testing.T) {
	j := New(Options{Size: 1, Blinder: testBlinder(t)})
	body := []byte(`{"msisdn":"6680512100869","n":12.50,"ok":true,"nil":null,"auth":{"scope":{"domain":{"name":"acme"}}},"list":[{"email":"a@b.c"},{"email":"d@e.f"}],"tags":["x","y"]}`)
	keys := j.MatchKeys(map[string][]string{"X-App-Key": {"demo-app-key"}}, body)
	has := func(name, value string) bool { return slices.Contains(keys, matchKey(j.blinder, name, value)) }
	for _, tc := range []struct {
		field Field
		want  bool
	}{
		{Field{"body.msisdn", "6680512100869"}, true},
		{Field{"body.msisdn", "6680512100870"}, false},
		{Field{"body.MSISDN", "6680512100869"}, false}, // keys as the endpoints read them
		{Field{"body.n", "12.50"}, true},               // numbers as sent
		{Field{"body.n", "12.5"}, false},
		{Field{"body.ok", "true"}, true},
		{Field{"body.nil", "null"}, false},
		{Field{"body.auth.scope.domain.name", "acme"}, true},
		{Field{"body.list.email", "d@e.f"}, true}, // any element
		{Field{"body.tags", "y"}, true},
		{Field{"header.x-app-key", "demo-app-key"}, true}, // names in any case
		{Field{"header.X-APP-KEY", "demo-app-key"}, true},
	} {
		fd := tc.field.Normalize()
		if got := has(fd.Name, fd.Value); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.field, got, tc.want)
		}
	}
	if again := j.MatchKeys(map[string][]string{"X-App-Key": {"demo-app-key"}}, body); !slices.Equal(again, keys) {
		t.Error("the keys differ from one call to the next")
	}
	// Bounded, body fields first; nothing without a blinder.
	var many []string
	for i := range 200 {
		many = append(many, fmt.Sprintf(`"f%03d":%d`, i, i))
	}
	if keys := j.MatchKeys(map[string][]string{"X-A": {"1"}}, []byte("{"+strings.Join(many, ",")+"}")); len(keys) != maxKeys || has("header.x-a", "1") {
		t.Errorf("%d keys kept", len(keys))
	}
	if keys := New(Options{Size: 1}).MatchKeys(map[string][]string{"X-A": {"1"}}, body); keys != nil {
		t.Errorf("keys without a blinder: %v", keys)
	}
}

func TestValidateField(t *testing.T) {
	for fd, want := range map[Field]string{
		{"body.msisdn", "1"}:                      "",
		{"header.X-Trace", "1"}:                   "",
		{"query.x", "1"}:                          "a field filter is header.NAME or body.PATH",
		{"body.", "1"}:                            "a field filter is",
		{"body.a..b", "1"}:                        "separated by single dots",
		{"body.a.b.c.d.e.f.g.h.i", "1"}:           "at most 8 keys deep",
		{"body.x", strings.Repeat("v", 257)}:      "at most 256 bytes",
		{"body." + strings.Repeat("k", 200), "1"}: "names are at most 128 bytes",
		{"body.x", "a\x00b"}:                      "UTF-8 text without NUL",
		{"body.\xff", "1"}:                        "UTF-8 text without NUL",
	} {
		err := ValidateField(fd)
		if (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", fd.Name, err, want)
		}
	}
}

// BenchmarkMatchKeys is the journal's cost per request for matching by
// value: a queryfaultyuser body and a client's usual headers.
func BenchmarkMatchKeys(b *testing.B) {
	k, _ := masterkey.New([]byte(strings.Repeat("k", 32)))
	j := New(Options{Size: 1, Blinder: k})
	body := []byte(`{"msisdn":"6680512100869","faultTime":"1721283133000","complaintScene":"1","backtraceDuration":"3600","sessionID":"20240709","queryFlag":"1"}`)
	header := map[string][]string{
		"Authorization": {"Bearer 0123456789abcdef0123456789abcdef"}, "X-App-Key": {"demo-app-key"},
		"Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"}, "Accept-Encoding": {"gzip"}, "Content-Length": {"140"},
	}
	b.ReportAllocs()
	for b.Loop() {
		j.MatchKeys(header, body)
	}
}

// TestFlushComputesMatchKeys: the digests are computed when the entry is
// written, from what the request gave.
func TestFlushComputesMatchKeys(t *testing.T) {
	store := &memStore{}
	j := New(Options{Store: store, Size: 5, Blinder: testBlinder(t)})
	e := Entry{TenantID: "a"}
	e.SetMatchSource(map[string][]string{"X-Trace": {"7"}}, []byte(`{"msisdn":"123"}`))
	j.Record(e)
	if err := j.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	got := store.batches[0][0]
	if len(got.MatchKeys) != 2 || got.deferred != nil || got.MatchKeys[0] != matchKey(j.blinder, "body.msisdn", "123") {
		t.Fatalf("written: %+v", got)
	}
}

// TestFlushCompletesEntries: the answer's code is found, and the text
// made storable, when the entry is written; a code given is kept.
func TestFlushCompletesEntries(t *testing.T) {
	store := &memStore{}
	j := New(Options{Store: store, Size: 5})
	codeOf := func(answer []byte) string { return string(answer[:2]) }
	found := Entry{TenantID: "a", RequestID: "r1", Path: "/p\x00"}
	found.SetAnswer([]byte("42 and the rest"), codeOf)
	j.Record(found)
	given := Entry{TenantID: "a", RequestID: "r2", Code: "7"}
	given.SetAnswer([]byte("42"), codeOf)
	j.Record(given)
	superseded := Entry{TenantID: "b", RequestID: "r3"}
	superseded.SetAnswer([]byte("ignored"), func([]byte) string { t.Error("the code of an entry not written was searched"); return "" })
	small := New(Options{Store: &memStore{}, Size: 1})
	small.Record(superseded)
	small.Record(Entry{TenantID: "b", RequestID: "r4"})
	if err := errors.Join(j.Flush(t.Context()), small.Flush(t.Context())); err != nil {
		t.Fatal(err)
	}
	got := store.batches[0]
	if got[0].Code != "42" || got[0].Path != "/p\uFFFD" || got[0].deferred != nil || got[1].Code != "7" {
		t.Fatalf("written: %+v", got)
	}
}
