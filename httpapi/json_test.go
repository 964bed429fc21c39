package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

// keysTarget has the kinds of fields request bodies have: plain and
// optional values, a nested object, lists of values and of objects, maps,
// values kept raw, a type with its own UnmarshalJSON, an embedded struct.
type keysTarget struct {
	Name    string  `json:"name"`
	Limit   *int64  `json:"limit"`
	LimitID *string `json:"limitId"`
	Inner   struct {
		A string `json:"a"`
		B []int  `json:"b"`
	} `json:"inner"`
	List []struct{ X string } `json:"list"`
	Map  map[string]string    `json:"map"`
	Deep map[string]struct {
		Y bool `json:"y"`
	} `json:"deep"`
	Any    any                `json:"any"`
	Flex   flexString         `json:"flex"`
	Number *accesscode.Number `json:"number"`
	Skip   string             `json:"-"`
	keysEmbedded
}

type keysEmbedded struct {
	Embedded string `json:"embedded"`
}

func TestDecodeJSONKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body    string
		err     string // the message, "" when decoded
		want    string // the value decoded, re-encoded
		ignored []string
	}{
		{body: `{"name":"a","NAME":"b"}`, want: `"name":"a"`, ignored: []string{"NAME"}},
		{body: `{"NAME":"b","name":"a"}`, want: `"name":"a"`, ignored: []string{"NAME"}},
		{body: `{"NAME":"b"}`, want: `"name":""`, ignored: []string{"NAME"}},
		{body: `{"Name":"b" , "NAME":"c"}`, want: `"name":""`, ignored: []string{"Name", "NAME"}},
		{body: `{"limit":1,"LIMIT":2,"limitID":3,"limitId":"x"}`, want: `"limit":1,"limitId":"x"`, ignored: []string{"LIMIT", "limitID"}},
		{body: `{"inner":{"A":"x","a":"y","b":[1]}}`, want: `"inner":{"a":"y","b":[1]}`, ignored: []string{"inner.A"}},
		{body: `{"list":[{"X":"1"},{"x":"2"}]}`, want: `"list":[{"X":"1"},{"X":""}]`, ignored: []string{"list[1].x"}},
		{body: `{"map":{"k":"v","K":"w"}}`, want: `"map":{"K":"w","k":"v"}`},
		{body: `{"deep":{"k":{"Y":true}}}`, want: `"deep":{"k":{"y":false}}`, ignored: []string{"deep.k.Y"}},
		{body: `{"any":{"a":1,"A":2}}`, want: `"any":{"A":2,"a":1}`},
		{body: `{"EMBEDDED":"x","embedded":"y"}`, want: `"embedded":"y"`, ignored: []string{"EMBEDDED"}},
		{body: `{"Skip":"x","-":"y"}`, want: `"name":""`, ignored: []string{"Skip", "-"}},
		{body: `{"na\u006de":"a"}`, want: `"name":"a"`},
		{body: `{"ſkip":1,"nameſ":2,"liſt":[{}]}`, want: `"list":null`, ignored: []string{"ſkip", "nameſ", "liſt"}},
		{body: `{"name":"a","name":"b"}`, err: "name is given twice"},
		{body: `{"name":"a","na\u006de":"b"}`, err: "name is given twice"},
		{body: `{"NAME":"a","NAME":"b"}`, err: "NAME is given twice"},
		{body: `{"other":1,"other":2}`, err: "other is given twice"},
		{body: `{"":1,"":2}`, err: `"" is given twice`},
		{body: `{"inner":{"b":[],"b":[]}}`, err: "inner.b is given twice"},
		{body: `{"list":[{},{"X":"1","X":"2"}]}`, err: "list[1].X is given twice"},
		{body: `{"map":{"k":"v","k":"w"}}`, err: "map.k is given twice"},
		{body: `{"any":[{"a":1,"a":1}]}`, err: "any[0].a is given twice"},
		{body: `{"other":{"a":1,"a":1}}`, want: `"name":""`, ignored: []string{"other"}},
		{body: `{"name":5}`, err: "name must be a JSON string"},
		{body: `{"inner":{"a":[]}}`, err: "inner.a must be a JSON string"},
		{body: `{"flex":{}}`, err: "flex must be a JSON string"},
		{body: ``, err: "the request body is empty; a JSON object is required"},
		{body: `null`, err: "the request body must be a JSON object"},
		{body: ` [1] `, err: "the request body must be a JSON object"},
		{body: `{"name":`, err: "the request body is truncated JSON"},
		{body: `{"name":"a"}}`, err: "the request body is not valid JSON (at byte 13)"},
		{body: `{"name":"a"} {}`, err: "the request body is not valid JSON (at byte 14)"},
		{body: `{"name":"a",}`, err: "the request body is not valid JSON (at byte 13)"},
		{body: `{"NAME":01}`, err: "the request body is not valid JSON (at byte 10)"},
		{body: "{\"NAME\":\"\x01\"}", err: "the request body is not valid JSON (at byte 10)"},
		{body: strings.Repeat(`{"any":`, 10001) + `1` + strings.Repeat(`}`, 10001), err: "the request body is not valid JSON (at byte 70001)"},
	} {
		var v keysTarget
		r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
		st := &requestState{}
		st.rec.info = &st.info
		info := &st.info
		err := decodeJSON(r.WithContext(context.WithValue(r.Context(), requestStateKey, st)), &v)
		if tc.err != "" {
			if aiccd.MessageOf(err, "") != tc.err || aiccd.KindOf(err) != aiccd.KindInvalid {
				t.Errorf("%.80s: %v, want %q", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%.80s: %v", tc.body, err)
			continue
		}
		if got := encodeSet(t, v); !strings.Contains(got, tc.want) {
			t.Errorf("%s: decoded %s, want %s", tc.body, got, tc.want)
		}
		if !slices.Equal(info.ignoredKeys, tc.ignored) {
			t.Errorf("%s: ignored %q, want %q", tc.body, info.ignoredKeys, tc.ignored)
		}
	}
}

// encodeSet writes v's set fields.
func encodeSet(t *testing.T, v keysTarget) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDecodeJSONBoundsIgnoredKeys(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"` + strings.Repeat("é", 100) + `":1`)
	for i := range 40 {
		b.WriteString(`,"k` + strings.Repeat("x", i) + `":1`)
	}
	b.WriteString("}")
	var k keyScan
	err := k.scan([]byte(b.String()), shapeOf(reflect.TypeFor[keysTarget]()))
	if err != nil || len(k.ignored) != 16 || k.ignored[0] != strings.Repeat("é", 64)+"…" {
		t.Fatalf("%v %q", err, k.ignored)
	}
}

// FuzzDecodeJSON holds the key check to encoding/json: it finds a body
// invalid exactly when encoding/json does, a key given twice exactly when
// an object repeats one, and what it lets the decoder read equals what
// the decoder reads of the body with every key that is not a field's
// exact name removed.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","NAME":"b","limit":1,"LIMIT":2}`,
		`{"inner":{"A":"x","a":"y","b":[1,2]},"list":[{"X":"1"},{"x":"2"}]}`,
		`{"map":{"k":"v"},"deep":{"k":{"Y":true,"y":false}},"any":{"a":[{"b":null}]}}`,
		`{"flex":3,"number":"x","embedded":"e","EMBEDDED":"f","Skip":1}`,
		`{"na\u006de":"a","ſkip":1,"\ud800":2}`,
		`{"name":"a","name":"b"}`,
		`{"a":1,}`, `[1]`, `null`, `{"a":01}`, `{"a":-}`, `{"a":1e}`, `{"a":"\x"}`, `{"a":tru}`,
		"{\"a\":\"\xff\"}", `{"a":1} x`,
	} {
		f.Add(s)
	}
	target := shapeOf(reflect.TypeFor[keysTarget]())
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 1<<14 {
			return
		}
		b := []byte(body)
		var k keyScan
		err := k.scan(b, target)
		valid := json.Valid(b)
		object := valid && bytes.TrimLeft(b, " \t\r\n")[0] == '{'
		switch {
		case errors.Is(err, errNotJSON) && valid, !errors.Is(err, errNotJSON) && !valid:
			t.Fatalf("scan: %v, json.Valid: %v", err, valid)
		case errors.Is(err, errNotObject) == object && valid:
			t.Fatalf("scan: %v for a valid value, object: %v", err, object)
		case err != nil:
			return
		}
		// Duplicates, against a reading that checks every object.
		var all keyScan
		all.scan(b, nil)
		if repeats := hasDuplicateKey(t, b); (all.dup != "") != repeats {
			t.Fatalf("dup %q; the body repeats a key: %v", all.dup, repeats)
		}
		if k.dup != "" {
			return
		}
		// What the decoder reads.
		rest := k.without(b)
		if !json.Valid(rest) {
			t.Fatalf("without: %s", rest)
		}
		var again keyScan
		if err := again.scan(rest, target); err != nil || len(again.drops) != 0 || again.dup != "" {
			t.Fatalf("without %s: %v, %+v", rest, err, again)
		}
		var got, want keysTarget
		errGot := decodeInto(rest, &got)
		errWant := decodeInto(exactKeysOnly(t, b, reflect.TypeFor[keysTarget]()), &want)
		if (errGot == nil) != (errWant == nil) || errGot == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded %+v (%v)\nwant %+v (%v)", got, errGot, want, errWant)
		}
	})
}

func decodeInto(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// hasDuplicateKey reads a valid body token by token and reports whether
// an object holds a key twice.
func hasDuplicateKey(t *testing.T, b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	var walk func() bool
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("a valid body: %v", err)
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			dup := false
			for dec.More() {
				key, _ := dec.Token()
				if seen[key.(string)] {
					dup = true
				}
				seen[key.(string)] = true
				dup = walk() || dup
			}
			dec.Token()
			return dup
		case json.Delim('['):
			dup := false
			for dec.More() {
				dup = walk() || dup
			}
			dec.Token()
			return dup
		}
		return false
	}
	return walk()
}

// exactKeysOnly re-encodes a valid body without the members of objects
// read into structs whose key is not a field's exact JSON name.
func exactKeysOnly(t *testing.T, b []byte, typ reflect.Type) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out bytes.Buffer
	var walk func(s *shape)
	walk = func(s *shape) {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("a valid body: %v", err)
		}
		switch tok {
		case json.Delim('{'):
			out.WriteByte('{')
			first := true
			for dec.More() {
				key, _ := dec.Token()
				var child *shape
				keep := true
				switch {
				case s != nil && s.object:
					idx := s.field([]byte(key.(string)))
					if keep = idx >= 0; keep {
						child = s.of[idx]
					}
				case s != nil:
					child = s.elem
				}
				if !keep {
					var skip json.RawMessage
					dec.Decode(&skip)
					continue
				}
				if !first {
					out.WriteByte(',')
				}
				first = false
				k, _ := json.Marshal(key)
				out.Write(k)
				out.WriteByte(':')
				walk(child)
			}
			dec.Token()
			out.WriteByte('}')
		case json.Delim('['):
			out.WriteByte('[')
			var elem *shape
			if s != nil {
				elem = s.elem
			}
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				walk(elem)
			}
			dec.Token()
			out.WriteByte(']')
		default:
			v, _ := json.Marshal(tok)
			out.Write(v)
		}
	}
	walk(shapeOf(typ))
	return out.Bytes()
}

// The bodies of the benchmark: the vendor pages' example requests, and
// the IAM token request, the one with nested objects.
var decodeBenchBodies = map[string]struct {
	body string
	into func() any
}{
	"queryfaultyuser": {`{"msisdn":"6680512100869","faultTime":"1721283133000","complaintScene":"1","backtraceDuration":"3600","sessionID":"20240709","queryFlag":"1"}`,
		func() any { return new(faultyUserBody) }},
	"queryAccessCodeList": {`{"accessCode":"9911411","mediatypeId":5,"description":"access code","limit":10,"offset":0}`,
		func() any { return new(accessCodeListBody) }},
	"iamTokens": {`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"demo-partner-admin","password":"Demo-partner-pw1","domain":{"name":"demo-partner"}}}},"scope":{"domain":{"name":"demo-partner"}}}}`,
		func() any { return new(iamTokenRequest) }},
}

// BenchmarkKeyScan measures the key check alone, what decodeJSON adds to
// encoding/json (docs/benchmarks.md).
func BenchmarkKeyScan(b *testing.B) {
	for _, name := range []string{"queryfaultyuser", "queryAccessCodeList", "iamTokens"} {
		bb := decodeBenchBodies[name]
		body, typ := []byte(bb.body), reflect.TypeOf(bb.into())
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var k keyScan
			for b.Loop() {
				if err := k.scan(body, shapeOf(typ)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeJSON measures decodeJSON on the pages' requests
// (docs/benchmarks.md).
func BenchmarkDecodeJSON(b *testing.B) {
	for _, name := range []string{"queryfaultyuser", "queryAccessCodeList", "iamTokens"} {
		bb := decodeBenchBodies[name]
		b.Run(name, func(b *testing.B) {
			r := httptest.NewRequest("POST", "/", nil)
			body := strings.NewReader(bb.body)
			b.ReportAllocs()
			for b.Loop() {
				body.Reset(bb.body)
				r.Body = io.NopCloser(body)
				if err := decodeJSON(r, bb.into()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFlexStringAsDecoded holds flexString's shortcut for plain strings
// and numbers to what decoding them gives: a string's value, a number as
// written, null as empty, anything else refused.
func TestFlexStringAsDecoded(t *testing.T) {
	t.Parallel()
	reference := func(b []byte) (string, bool) {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s, true
		}
		var n json.Number
		if json.Unmarshal(b, &n) == nil {
			return n.String(), true
		}
		return "", false
	}
	inputs := []string{`"6680512100869"`, `"1721283133000"`, `1721283133000`, `-1.5e3`, `0`, `null`, `""`, `" a b "`,
		`"\u0041"`, `"a\"b"`, `"a\\b"`, `"a\/b"`, `"热线"`, `"\ud83d\ude00"`, "\"a\x7fb\"", "\"\xff\"", `true`, `false`, `[]`, `{}`, `[1]`}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "7", " ", "~", "\\", "\"", "/", "\x00", "\x1f", "\x7f", "é", "热", "\xff", "\xed\xa0\x80"}
	for range 2000 {
		var w strings.Builder
		for range rng.IntN(8) {
			w.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		quoted, _ := json.Marshal(w.String())
		inputs = append(inputs, string(quoted), `"`+w.String()+`"`)
	}
	for _, in := range inputs {
		if !json.Valid([]byte(in)) {
			continue // encoding/json refuses the body before any field is decoded
		}
		want, ok := reference([]byte(in))
		var got flexString
		err := got.UnmarshalJSON([]byte(in))
		if (err == nil) != ok || string(got) != want {
			t.Errorf("%q: got %q, %v; want %q, accepted %v", in, got, err, want, ok)
		}
	}
}
