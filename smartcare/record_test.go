package smartcare

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func testParser() *RecordParser {
	return &RecordParser{earliest: earliestTime, latest: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func TestRecordCSV(t *testing.T) {
	p := testParser()
	parse, err := p.CSV([]string{"\ufeffmsisdn", "eventTime", "ccmSceneCode", "lac_tac", "FAILURE_CAUSE", "RAT"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := parse([]string{"6680512100869", "1721280041000", "sms", "5200504B2007", " DTAPSMS_CP:CP Error(17 Network Failure) ", ""})
	if err != nil {
		t.Fatal(err)
	}
	want := Record{MSISDN: "6680512100869", EventTime: time.UnixMilli(1721280041000).UTC(), SceneCode: "SMS",
		Dimensions: Dimensions{{"FAILURE_CAUSE", "DTAPSMS_CP:CP Error(17 Network Failure)"}, {"LAC_TAC", "5200504B2007"}}}
	if !sameRecord(r, want) {
		t.Fatalf("%+v", r)
	}
	// A short row leaves the missing cells blank.
	if r, err := parse([]string{"6680512100869", "1721280041000", "DATA"}); err != nil || len(r.Dimensions) != 0 {
		t.Fatalf("short row: %+v, %v", r, err)
	}
	for _, tc := range []struct {
		row  []string
		want string
	}{
		{[]string{"12", "1721280041000", "SMS"}, "msisdn"},
		{[]string{"6680512100869", "yesterday", "SMS"}, "eventTime"},
		{[]string{"6680512100869", "1721280041000", "S MS"}, "ccmSceneCode"},
		{[]string{"6680512100869", "1721280041000", "SMS", "a\x01b"}, "control character"},
		{[]string{"6680512100869", "1999999999999", "SMS"}, "in the future"},
	} {
		if _, err := parse(tc.row); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error about %s", tc.row, err, tc.want)
		}
	}
	for _, header := range [][]string{
		{"msisdn", "eventTime"},
		{"msisdn", "eventTime", "ccmSceneCode", "cell id"},
	} {
		if _, err := p.CSV(header); err == nil {
			t.Errorf("header %q accepted", header)
		}
	}
}

// FuzzRecordFromJSON checks that the NDJSON decoder never panics and that
// every record it accepts survives AppendRecordJSON and decoding again.
func FuzzRecordFromJSON(f *testing.F) {
	for _, s := range []string{
		`{"msisdn":"6680512100869","eventTime":1721280041000,"ccmSceneCode":"SMS","dimensions":{"LAC_TAC":"5200504B2007","FAILURE_CAUSE":"DTAPSMS_CP:CP Error(17 Network Failure)"}}`,
		`{"msisdn":"6680512100869","eventTime":"2024-07-18T05:20:41Z","ccmSceneCode":"data"}`,
		`{"msisdn":"6680512100869","eventTime":"1721280041000","ccmSceneCode":"DATA","dimensions":{"a":"\"q\\\\"}}`,
		`{"eventTime":null}`, `[]`, `{"dimensions":{"K":1}}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		p := testParser()
		r, err := p.FromJSON(line)
		if err != nil {
			return
		}
		again, err := p.FromJSON(AppendRecordJSON(nil, r))
		if err != nil {
			t.Fatalf("%s: re-encoded record refused: %v", line, err)
		}
		if !sameRecord(r, again) {
			t.Fatalf("%s: %+v became %+v", line, r, again)
		}
		if got := DecodeDimensions(r.Dimensions.Encode()); !slices.Equal(got, r.Dimensions) {
			t.Fatalf("stored form of %+v decodes to %+v", r.Dimensions, got)
		}
	})
}

// FuzzFastRecordJSON holds the fast decoder of record lines to
// encoding/json: whenever it accepts a line, encoding/json must read the
// same record from it.
func FuzzFastRecordJSON(f *testing.F) {
	for _, s := range []string{
		`{"msisdn":"6680512100869","eventTime":1721280041000,"ccmSceneCode":"SMS","dimensions":{"LAC_TAC":"5200504B2007","FAILURE_CAUSE":"DTAPSMS_CP:CP Error(17 Network Failure)"}}`,
		` { "eventTime" : "2024-07-18T05:20:41Z" , "msisdn":"6680512100869", "dimensions":{}, "ccmSceneCode":"data" } `,
		`{"msisdn":"668","MSISDN":"669"}`, `{"msisdn":"6680\u0031"}`, `{"eventTime":01}`, `{"eventTime":1.5}`,
		`{"dimensions":{"a":"1","A":"2"}}`, `{"dimensions":{"a":"1","a":"2"}}`, `{"dimensions":{"a":"1","a":""}}`, `{"x":1}`, `{}`, `{"msisdn":"é"}`, "{\"msisdn\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var fast recordJSON
		var fb DimensionsBuilder
		if !fastRecordJSON(line, &fast, &fb) {
			return
		}
		var slow recordJSON
		p := testParser()
		if err := p.slowRecordJSON(line, &slow); err != nil {
			t.Fatalf("%q: the fast path accepted what encoding/json refuses: %v", line, err)
		}
		fd, sd := fb.Build(), p.dims.Build()
		if fast.MSISDN != slow.MSISDN || fast.SceneCode != slow.SceneCode || string(fast.EventTime) != string(slow.EventTime) || !slices.Equal(fd, sd) {
			t.Fatalf("%q:\nfast %q %q %q %v\nslow %q %q %q %v", line, fast.MSISDN, fast.EventTime, fast.SceneCode, fd,
				slow.MSISDN, slow.EventTime, slow.SceneCode, sd)
		}
	})
}
