package smartcare

import (
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
)

func TestParseReflectionRuleNormalizes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// The page's two examples are already normal.
		{"LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007", "LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007"},
		{"FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)", "FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)"},
		// Sorted by key, keys upper-cased, blanks around keys and values dropped.
		{"SAI_CGI_ECGI=X1&LAC_TAC=L1", "LAC_TAC=L1&SAI_CGI_ECGI=X1"},
		{" lac_tac = 52005 & rat=4G ", "LAC_TAC=52005&RAT=4G"},
		// '=' after the first belongs to the value.
		{"APN=internet=x", "APN=internet=x"},
		{"FAILURE_CAUSE=a:b (c) d,e;f", "FAILURE_CAUSE=a:b (c) d,e;f"},
		{"K=值", "K=值"},
	} {
		r, err := ParseReflectionRule(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := r.String(); got != tc.want {
			t.Errorf("%q normalises to %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseReflectionRuleErrorsNameTheCondition(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "reflectionRule is empty"},
		{"   ", "reflectionRule is empty"},
		{"LAC_TAC", `condition 1 "LAC_TAC": has no '=' between key and value`},
		{"LAC_TAC=1&&RAT=4G", `condition 2 "": is empty`},
		{"LAC_TAC=1&", `condition 2 "": is empty`},
		{"LAC_TAC=1&RAT=", `condition 2 "RAT=": the value is empty`},
		{"=5&RAT=4G", `condition 1 "=5": the key is empty`},
		{"RAT=4G&1X=2", `condition 2 "1X=2": the key "1X" must be a letter`},
		{"RAT=4G&LAC-TAC=2", `condition 2 "LAC-TAC=2": the key "LAC-TAC" must be a letter`},
		{"LAC_TAC=1&RAT=4G&lac_tac=2", `condition 3 "lac_tac=2": key LAC_TAC is already used by condition 1`},
		{"APN=a\tb", `condition 1 "APN=a\tb": the value holds a control character`},
		{"APN=\xff", `the value is not valid UTF-8`},
		{"K=" + strings.Repeat("v", MaxDimensionValue+1), "longer than 256 bytes"},
		{strings.Repeat("K=v&", MaxRuleConditions) + "K=v", "conditions; the limit is 16"},
	} {
		_, err := ParseReflectionRule(tc.in)
		if err == nil {
			t.Errorf("%q was accepted", tc.in)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q lacks %q", tc.in, err, tc.want)
		}
		if aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.CodeOf(err) != CodeInvalidRule {
			t.Errorf("%q: kind %s, code %q; want invalid, %q", tc.in, aiccd.KindOf(err), aiccd.CodeOf(err), CodeInvalidRule)
		}
	}
}

func TestReflectionMatches(t *testing.T) {
	r, err := ParseReflectionRule("LAC_TAC=A&SAI_CGI_ECGI=B")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dims Dimensions
		want bool
	}{
		{Dimensions{{"LAC_TAC", "A"}, {"RAT", "4G"}, {"SAI_CGI_ECGI", "B"}}, true},
		{Dimensions{{"LAC_TAC", "A"}, {"SAI_CGI_ECGI", "B"}}, true},
		{Dimensions{{"LAC_TAC", "A"}}, false},                         // a condition without a dimension
		{Dimensions{{"LAC_TAC", "A"}, {"SAI_CGI_ECGI", "b"}}, false},  // values are case-sensitive
		{Dimensions{{"LAC_TAC", "A"}, {"SAI_CGI_ECGI", "B "}}, false}, // and exact
		{Dimensions{{"LAC_TAC", "A"}, {"SAI_CGI_ECGI", "BB"}}, false}, // not prefixes
		{nil, false},
	} {
		if got := r.Matches(tc.dims); got != tc.want {
			t.Errorf("%v: Matches = %v, want %v", tc.dims, got, tc.want)
		}
	}
}

// FuzzParseReflectionRule checks that the parser never panics, that what
// it accepts is normal (parsing the normal form again gives it back), and
// that every condition survives the round trip.
func FuzzParseReflectionRule(f *testing.F) {
	for _, s := range []string{
		"LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007",
		"FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)",
		"a=b&c=d=e", "", "&", "=", "K=v&&", " k = v ", "K=\x00", "A=1&a=2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReflectionRule(s)
		if err != nil {
			if aiccd.KindOf(err) != aiccd.KindInvalid {
				t.Fatalf("%q: error of kind %s", s, aiccd.KindOf(err))
			}
			return
		}
		if len(r.Conditions) == 0 || len(r.Conditions) > MaxRuleConditions {
			t.Fatalf("%q: %d conditions", s, len(r.Conditions))
		}
		norm := r.String()
		again, err := ParseReflectionRule(norm)
		if err != nil {
			t.Fatalf("normal form %q of %q does not parse: %v", norm, s, err)
		}
		if again.String() != norm {
			t.Fatalf("normal form is not stable: %q -> %q", norm, again.String())
		}
		dims := make(Dimensions, len(r.Conditions))
		for i, c := range r.Conditions {
			dims[i] = Dimension(c)
		}
		if !r.Matches(dims) {
			t.Fatalf("%q does not match its own conditions", s)
		}
	})
}

func TestCheckReflectionRuleSpansTheOffendingCondition(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Span
	}{
		{"", Span{0, 0}},
		{"LAC_TAC", Span{0, 7}},
		{"LAC_TAC=1&&RAT=4G", Span{10, 10}},
		{"RAT=4G&1X=2", Span{7, 11}},
		{"LAC_TAC=1&RAT=4G&lac_tac=2", Span{17, 26}},
		{strings.Repeat("K=v&", MaxRuleConditions) + "K=v", Span{0, 4*MaxRuleConditions + 3}},
	} {
		_, span, err := CheckReflectionRule(tc.in)
		if err == nil || span != tc.want {
			t.Errorf("%q: span %v, error %v; want %v", tc.in, span, err, tc.want)
		}
	}
	if r, span, err := CheckReflectionRule("rat=4G&LAC_TAC=1"); err != nil || span != (Span{}) || r.String() != "LAC_TAC=1&RAT=4G" {
		t.Errorf("a valid rule: %v %v %v", r, span, err)
	}
}
