package smartcare

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func mustRule(t *testing.T, id int64, scene, text string, from, until time.Time) FaultRule {
	t.Helper()
	r, err := newRule("t", RuleInput{SceneCode: scene, ReflectionRule: text, ActiveFrom: from, ActiveUntil: until})
	if err != nil {
		t.Fatal(err)
	}
	r.ID = id
	return r
}

func rec(at time.Time, scene string, dims ...string) Record {
	var b DimensionsBuilder
	for i := 0; i < len(dims); i += 2 {
		if err := b.Add(dims[i], dims[i+1]); err != nil {
			panic(err)
		}
	}
	return Record{MSISDN: "6680512100869", EventTime: at, SceneCode: scene, Dimensions: b.Build()}
}

func TestCorrelate(t *testing.T) {
	t0 := time.Date(2024, 7, 18, 5, 0, 0, 0, time.UTC)
	h := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }
	rules := []FaultRule{
		mustRule(t, 1, "DATA", "LAC_TAC=L1&SAI_CGI_ECGI=C1", h(0), time.Time{}),
		mustRule(t, 2, "SMS", "FAILURE_CAUSE=CP Error(17 Network Failure)", h(0), h(2)),
		// The same fault recorded again for a later period: answered once.
		mustRule(t, 3, "DATA", "LAC_TAC=L1&SAI_CGI_ECGI=C1", h(0.5), h(3)),
		// Shares RAT=4G with many: must still be found through its rarer condition.
		mustRule(t, 4, "DATA", "RAT=4G&SAI_CGI_ECGI=C9", h(0), time.Time{}),
		mustRule(t, 5, "DATA", "RAT=4G&SAI_CGI_ECGI=C8", h(0), time.Time{}),
		mustRule(t, 6, "DATA", "RAT=4G&SAI_CGI_ECGI=C7", h(0), time.Time{}),
		// Not yet active when the record happened.
		mustRule(t, 7, "DATA", "APN=ims", h(2), time.Time{}),
		// A VOICE fault, which scene "1" does not cover.
		mustRule(t, 8, "VOICE", "LAC_TAC=L1", h(0), time.Time{}),
		// Active until exactly the record's time: over (the end is exclusive).
		mustRule(t, 9, "SMS", "LAC_TAC=L2", h(0), h(1)),
	}
	ix := newRuleIndex(rules)
	if got := len(ix.byAnchor[anchor{"DATA", "SAI_CGI_ECGI", "C9"}]); got != 1 {
		t.Fatalf("rule 4 is not anchored on its rarest condition")
	}
	scene := Scene{ID: "1", SceneCodes: []string{"DATA", "SMS"}}
	recs := []Record{
		rec(h(1.5), "DATA", "LAC_TAC", "L1", "SAI_CGI_ECGI", "C1", "RAT", "4G"),
		rec(h(0.25), "SMS", "FAILURE_CAUSE", "CP Error(17 Network Failure)", "LAC_TAC", "L9"),
		rec(h(1), "SMS", "LAC_TAC", "L2"),
		rec(h(1.2), "DATA", "LAC_TAC", "L7", "SAI_CGI_ECGI", "C9", "RAT", "4G", "APN", "ims"),
		rec(h(1.3), "VOICE", "LAC_TAC", "L1"),
		// A DATA record of the SMS fault's cause: the scene codes differ.
		rec(h(0.1), "DATA", "FAILURE_CAUSE", "CP Error(17 Network Failure)"),
		// Outside the window.
		rec(h(-1), "DATA", "LAC_TAC", "L1", "SAI_CGI_ECGI", "C1"),
	}
	got := ix.correlate(recs, scene, h(-0.5), h(2))
	type row struct {
		scene, rule string
		first       time.Time
		ids         []int64
		records     int
	}
	var rows []row
	for _, m := range got {
		rows = append(rows, row{m.SceneCode, m.ReflectionRule, m.FirstSeen, m.RuleIDs, len(m.Records)})
	}
	want := []row{
		{"SMS", "FAILURE_CAUSE=CP Error(17 Network Failure)", h(0.25), []int64{2}, 1},
		{"DATA", "RAT=4G&SAI_CGI_ECGI=C9", h(1.2), []int64{4}, 1},
		{"DATA", "LAC_TAC=L1&SAI_CGI_ECGI=C1", h(1.5), []int64{1, 3}, 1},
	}
	if !slices.EqualFunc(rows, want, func(a, b row) bool {
		return a.scene == b.scene && a.rule == b.rule && a.first.Equal(b.first) && slices.Equal(a.ids, b.ids) && a.records == b.records
	}) {
		t.Fatalf("correlate =\n%+v\nwant\n%+v", rows, want)
	}
	if got := ix.correlate(recs, scene, h(1.6), h(2)); len(got) != 0 {
		t.Fatalf("a window without matching records answered %+v", got)
	}
}

func TestCorrelateKeepsEvidenceBounded(t *testing.T) {
	t0 := time.Date(2024, 7, 18, 5, 0, 0, 0, time.UTC)
	ix := newRuleIndex([]FaultRule{mustRule(t, 1, "DATA", "LAC_TAC=L1", t0, time.Time{})})
	var recs []Record
	for i := range MaxEvidence + 50 {
		recs = append(recs, rec(t0.Add(time.Duration(i)*time.Second), "DATA", "LAC_TAC", "L1"))
	}
	got := ix.correlate(recs, Scene{SceneCodes: []string{"DATA"}}, t0, t0.Add(time.Hour))
	if len(got) != 1 || len(got[0].Records) != MaxEvidence || !got[0].FirstSeen.Equal(t0) {
		t.Fatalf("%d matches, %d records", len(got), len(got[0].Records))
	}
}

func TestDimensionsRoundTrip(t *testing.T) {
	var b DimensionsBuilder
	for _, kv := range [][2]string{{"sai_cgi_ecgi", "C1"}, {"FAILURE_CAUSE", " DTAPSMS_CP:CP Error(17 Network Failure) "}, {"APN", ""}, {"LAC_TAC", "a=b"}} {
		if err := b.Add(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	d := b.Build()
	want := Dimensions{{"FAILURE_CAUSE", "DTAPSMS_CP:CP Error(17 Network Failure)"}, {"LAC_TAC", "a=b"}, {"SAI_CGI_ECGI", "C1"}}
	if !slices.Equal(d, want) {
		t.Fatalf("built %v", d)
	}
	if got := DecodeDimensions(d.Encode()); !slices.Equal(got, want) {
		t.Fatalf("round trip %v", got)
	}
	if err := b.Add("K", "a\tb"); err == nil {
		t.Fatal("a tab in a value was accepted")
	}
	b.Build()
	if err := b.Add("K", "1"); err != nil {
		t.Fatal(err)
	}
	if err := b.Add("k", "2"); err == nil {
		t.Fatal("a dimension given twice was accepted")
	}
}

// BenchmarkCorrelate measures the engine alone: a day of one busy
// subscriber's records (50, five dimensions each) against an index of
// 100,000 rules, a quarter of them on the subscriber's own cells.
func BenchmarkCorrelate(b *testing.B) {
	t0 := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	var rules []FaultRule
	for i := range 100_000 {
		cell := i % 4000
		var text string
		switch i % 4 {
		case 0, 1:
			text = fmt.Sprintf("LAC_TAC=T%d&SAI_CGI_ECGI=C%d", cell/16, cell)
		case 2:
			text = fmt.Sprintf("FAILURE_CAUSE=cause %d&LAC_TAC=T%d", i%7, cell/16)
		case 3:
			text = fmt.Sprintf("RAT=4G&SAI_CGI_ECGI=C%d", cell)
		}
		from := t0.Add(-time.Duration(i) * time.Minute)
		r, err := newRule("t", RuleInput{SceneCode: []string{"DATA", "SMS", "VOICE"}[i%3], ReflectionRule: text, ActiveFrom: from, ActiveUntil: from.Add(3 * time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		r.ID = int64(i + 1)
		rules = append(rules, r)
	}
	ix := newRuleIndex(rules)
	var recs []Record
	for i := range 50 {
		cell := i % 8
		recs = append(recs, rec(t0.Add(-time.Duration(i)*20*time.Minute), []string{"DATA", "SMS", "VOICE"}[i%3],
			"LAC_TAC", fmt.Sprintf("T%d", cell/16), "SAI_CGI_ECGI", fmt.Sprintf("C%d", cell), "RAT", "4G",
			"FAILURE_CAUSE", fmt.Sprintf("cause %d", i%7), "APN", "internet"))
	}
	scene := Scene{SceneCodes: []string{"DATA", "SMS", "VOICE"}}
	from, to := t0.Add(-24*time.Hour), t0
	b.ResetTimer()
	for b.Loop() {
		ix.correlate(recs, scene, from, to)
	}
}

func TestRuleMatchEvidences(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 7, 18, 5, 20, 41, 0, time.UTC)
	rec := Record{MSISDN: "6680512100869", EventTime: at, SceneCode: "SMS", Dimensions: Dimensions{{"RAT", "4G"}}}
	m := RuleMatch{Records: []Record{rec}}
	if !m.Evidences(rec) {
		t.Error("a match does not evidence its own record")
	}
	for _, other := range []Record{
		{MSISDN: rec.MSISDN, EventTime: at.Add(time.Millisecond), SceneCode: "SMS", Dimensions: rec.Dimensions},
		{MSISDN: rec.MSISDN, EventTime: at, SceneCode: "DATA", Dimensions: rec.Dimensions},
		{MSISDN: rec.MSISDN, EventTime: at, SceneCode: "SMS", Dimensions: Dimensions{{"RAT", "5G"}}},
		{MSISDN: "6680512100870", EventTime: at, SceneCode: "SMS", Dimensions: rec.Dimensions},
	} {
		if m.Evidences(other) {
			t.Errorf("the match evidences %+v", other)
		}
	}
}
