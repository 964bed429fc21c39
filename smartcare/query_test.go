package smartcare

import (
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
)

// exampleRequest is the request of the page's example.
func exampleRequest() FaultyUserRequest {
	return FaultyUserRequest{
		MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1",
		BacktraceDuration: "3600", SessionID: "20240709", QueryFlag: "1",
	}
}

func TestParseFaultyUserRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*FaultyUserRequest)
		refuse string // Refusal; "": accepted
		reason string // part of the error message
		want   time.Duration
	}{
		{"example", func(*FaultyUserRequest) {}, "", "", time.Hour},
		{"msisdn missing", func(r *FaultyUserRequest) { r.MSISDN = "" }, "invalid", "msisdn is mandatory", 0},
		{"faultTime missing", func(r *FaultyUserRequest) { r.FaultTime = "" }, "invalid", "faultTime is mandatory", 0},
		{"complaintScene missing", func(r *FaultyUserRequest) { r.ComplaintScene = "" }, "invalid", "complaintScene is mandatory", 0},
		{"queryFlag missing", func(r *FaultyUserRequest) { r.QueryFlag = "" }, "invalid", "queryFlag is mandatory", 0},
		{"queryFlag 0", func(r *FaultyUserRequest) { r.QueryFlag = "0" }, "invalid", `queryFlag "0" must be "1"`, 0},
		{"queryFlag padded", func(r *FaultyUserRequest) { r.QueryFlag = " 1" }, "invalid", "queryFlag", 0},
		{"backtrace absent", func(r *FaultyUserRequest) { r.BacktraceDuration = "" }, "", "", 0},
		{"backtrace minimum", func(r *FaultyUserRequest) { r.BacktraceDuration = "60" }, "", "", time.Minute},
		{"backtrace maximum", func(r *FaultyUserRequest) { r.BacktraceDuration = "86400" }, "", "", 24 * time.Hour},
		{"backtrace clamped", func(r *FaultyUserRequest) { r.BacktraceDuration = "86401" }, "", "", 24 * time.Hour},
		{"backtrace huge", func(r *FaultyUserRequest) { r.BacktraceDuration = "99999999999999999999999" }, "", "", 24 * time.Hour},
		{"backtrace below", func(r *FaultyUserRequest) { r.BacktraceDuration = "59" }, "invalid", "below the minimum of 60", 0},
		{"backtrace zero", func(r *FaultyUserRequest) { r.BacktraceDuration = "0" }, "invalid", "below the minimum", 0},
		{"backtrace negative", func(r *FaultyUserRequest) { r.BacktraceDuration = "-3600" }, "invalid", "not a whole number", 0},
		{"backtrace text", func(r *FaultyUserRequest) { r.BacktraceDuration = "1h" }, "invalid", "not a whole number", 0},
		{"backtrace decimal", func(r *FaultyUserRequest) { r.BacktraceDuration = "3600.5" }, "invalid", "not a whole number", 0},
		{"sessionID long", func(r *FaultyUserRequest) { r.SessionID = strings.Repeat("s", 129) }, "invalid", "sessionID", 0},
		{"sessionID absent", func(r *FaultyUserRequest) { r.SessionID = "" }, "", "", time.Hour},
		{"msisdn letters", func(r *FaultyUserRequest) { r.MSISDN = "66805121008x9" }, CodeInvalidMSISDN, "5 to 15 digits", 0},
		{"msisdn plus", func(r *FaultyUserRequest) { r.MSISDN = "+6680512100869" }, CodeInvalidMSISDN, "5 to 15 digits", 0},
		{"msisdn short", func(r *FaultyUserRequest) { r.MSISDN = "1234" }, CodeInvalidMSISDN, "5 to 15 digits", 0},
		{"msisdn shortest", func(r *FaultyUserRequest) { r.MSISDN = "12345" }, "", "", time.Hour},
		{"msisdn longest", func(r *FaultyUserRequest) { r.MSISDN = "123456789012345" }, "", "", time.Hour},
		{"msisdn long", func(r *FaultyUserRequest) { r.MSISDN = "1234567890123456" }, CodeInvalidMSISDN, "5 to 15 digits", 0},
		{"faultTime text", func(r *FaultyUserRequest) { r.FaultTime = "2024-07-18 06:12:13" }, CodeInvalidTime, "not epoch milliseconds", 0},
		{"faultTime negative", func(r *FaultyUserRequest) { r.FaultTime = "-1721283133000" }, CodeInvalidTime, "not epoch milliseconds", 0},
		{"faultTime decimal", func(r *FaultyUserRequest) { r.FaultTime = "1721283133000.5" }, CodeInvalidTime, "not epoch milliseconds", 0},
		{"faultTime seconds", func(r *FaultyUserRequest) { r.FaultTime = "1721283133" }, CodeInvalidTime, "before 2000-01-01", 0},
		{"faultTime overflow", func(r *FaultyUserRequest) { r.FaultTime = "99999999999999999999" }, CodeInvalidTime, "not epoch milliseconds", 0},
		// The parameters are checked before the msisdn and faultTime.
		{"queryFlag before msisdn", func(r *FaultyUserRequest) { r.QueryFlag = "2"; r.MSISDN = "x" }, "invalid", "queryFlag", 0},
		{"msisdn before faultTime", func(r *FaultyUserRequest) { r.MSISDN = "x"; r.FaultTime = "y" }, CodeInvalidMSISDN, "msisdn", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := exampleRequest()
			tc.edit(&req)
			q, err := ParseFaultyUserRequest(req)
			if tc.refuse == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if q.Backtrace != tc.want {
					t.Fatalf("backtrace %s, want %s", q.Backtrace, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want %s", tc.refuse)
			}
			if got := Refusal(err); got != tc.refuse {
				t.Fatalf("refused %s (%v), want %s", got, err, tc.refuse)
			}
			if aiccd.KindOf(err) != aiccd.KindInvalid {
				t.Fatalf("kind %s, want invalid", aiccd.KindOf(err))
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("error %q lacks %q", err, tc.reason)
			}
		})
	}
}

func TestExampleRequestParsesToTheExampleQuery(t *testing.T) {
	q, err := ParseFaultyUserRequest(exampleRequest())
	if err != nil {
		t.Fatal(err)
	}
	want := FaultyUserQuery{
		MSISDN: "6680512100869", FaultTime: time.Date(2024, 7, 18, 6, 12, 13, 0, time.UTC),
		SceneID: "1", Backtrace: time.Hour, SessionID: "20240709",
	}
	if q != want {
		t.Fatalf("%+v, want %+v", q, want)
	}
}

func TestQueryWindow(t *testing.T) {
	fault := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	q := FaultyUserQuery{FaultTime: fault}
	keep := Settings{DefaultBacktrace: 2 * time.Hour, TimeZone: "UTC"}
	month := Settings{DefaultBacktrace: 2 * time.Hour, TimeZone: "UTC", RetentionDays: 30}

	// The tenant's default applies when the request gives none.
	from, to, err := q.window(keep, fault)
	if err != nil || !from.Equal(fault.Add(-2*time.Hour)) || !to.Equal(fault) {
		t.Fatalf("default backtrace: [%s, %s] %v", from, to, err)
	}
	q.Backtrace = 10 * time.Minute
	if from, _, _ := q.window(keep, fault); !from.Equal(fault.Add(-10 * time.Minute)) {
		t.Fatalf("explicit backtrace: from %s", from)
	}

	// The future, within and beyond the tolerance.
	if _, _, err := q.window(keep, fault.Add(-FaultTimeTolerance)); err != nil {
		t.Fatalf("at the tolerance: %v", err)
	}
	_, _, err = q.window(keep, fault.Add(-FaultTimeTolerance-time.Millisecond))
	if aiccd.CodeOf(err) != CodeInvalidTime || !strings.Contains(err.Error(), "future") {
		t.Fatalf("beyond the tolerance: %v", err)
	}

	// Retention: a fault older than it is refused; a window reaching
	// past it is cut at the horizon; without retention nothing is.
	now := fault.Add(30 * 24 * time.Hour)
	if _, _, err := q.window(month, now); err != nil {
		t.Fatalf("fault exactly at the horizon: %v", err)
	}
	q.Backtrace = time.Hour
	from, _, _ = q.window(month, now)
	if !from.Equal(fault) {
		t.Fatalf("window not cut at the horizon: from %s", from)
	}
	_, _, err = q.window(month, now.Add(time.Millisecond))
	if aiccd.CodeOf(err) != CodeInvalidTime || !strings.Contains(err.Error(), "30-day retention") {
		t.Fatalf("older than retention: %v", err)
	}
	if _, _, err := q.window(keep, now.Add(365*24*time.Hour)); err != nil {
		t.Fatalf("without retention: %v", err)
	}
}

// TestErrorCodes: each refusal of the package carries the code and kind
// that name it; httpapi answers each with its return code.
func TestErrorCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		kind aiccd.Kind
		code string
	}{
		{fieldError(CodeInvalidMSISDN, "x"), aiccd.KindInvalid, CodeInvalidMSISDN},
		{errUnknownScene("9"), aiccd.KindNotFound, CodeUnknownScene},
		{dacError(aiccd.ErrNotFound), aiccd.KindUnavailable, CodeRecordsUnavailable},
		{unknownTask("1"), aiccd.KindNotFound, CodeUnknownTask},
		{invalidRule("x"), aiccd.KindInvalid, CodeInvalidRule},
	} {
		if kind, code := aiccd.KindOf(tc.err), aiccd.CodeOf(tc.err); kind != tc.kind || code != tc.code {
			t.Errorf("%v: kind %s, code %q; want %s, %q", tc.err, kind, code, tc.kind, tc.code)
		}
	}
}

// TestMSISDNErrorsDoNotRepeatTheNumber: the reason a number is refused
// goes to the log and the request journal, which must not hold it.
func TestMSISDNErrorsDoNotRepeatTheNumber(t *testing.T) {
	for _, msisdn := range []string{"6680", "66805121008AB", "6680512100869012345", "+6680512100"} {
		_, err := ParseFaultyUserRequest(FaultyUserRequest{MSISDN: msisdn, FaultTime: "1721283133000", ComplaintScene: "1", QueryFlag: "1"})
		if aiccd.CodeOf(err) != CodeInvalidMSISDN || strings.Contains(err.Error(), msisdn) || !strings.HasPrefix(aiccd.MessageOf(err, ""), "msisdn ") {
			t.Errorf("%s: %v", msisdn, err)
		}
	}
}

func TestSettingsValidate(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Settings{
		{DefaultBacktrace: 59 * time.Second, TimeZone: "UTC"},
		{DefaultBacktrace: 86401 * time.Second, TimeZone: "UTC"},
		{DefaultBacktrace: 90500 * time.Millisecond, TimeZone: "UTC"},
		{DefaultBacktrace: time.Hour, TimeZone: "Mars/Olympus"},
		{DefaultBacktrace: time.Hour, TimeZone: "Local"},
		{DefaultBacktrace: time.Hour, TimeZone: ""},
		{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: -1},
		{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: MaxRetentionDays + 1},
	} {
		if err := s.Validate(); aiccd.KindOf(err) != aiccd.KindInvalid {
			t.Errorf("%+v: %v", s, err)
		}
	}
	if err := (Settings{DefaultBacktrace: time.Minute, TimeZone: "Asia/Bangkok"}).Validate(); err != nil {
		t.Errorf("Asia/Bangkok: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2024, 7, 18, 6, 12, 13, 0, time.UTC)
	for _, s := range []string{"1721283133000", "2024-07-18T06:12:13Z", "2024-07-18T13:12:13+07:00", "2024-07-18T06:12:13.000Z"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %s, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "1721283133", "yesterday", "2024-07-18", "1999-12-31T23:59:59Z", "-5"} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("ParseTime(%q) accepted", s)
		}
	}
}

// FuzzParseFaultyUserRequest checks that request validation never panics,
// that every refusal is one a request's fields can cause, and that what it
// accepts is within the page's bounds.
func FuzzParseFaultyUserRequest(f *testing.F) {
	r := exampleRequest()
	f.Add(r.MSISDN, r.FaultTime, r.ComplaintScene, r.BacktraceDuration, r.QueryFlag)
	f.Add("x", "", "1", "-1", "1")
	f.Add("12345", "946684800000", " ", "999999999999999999999", "1")
	f.Fuzz(func(t *testing.T, msisdn, fault, scene, backtrace, flag string) {
		q, err := ParseFaultyUserRequest(FaultyUserRequest{MSISDN: msisdn, FaultTime: fault, ComplaintScene: scene, BacktraceDuration: backtrace, QueryFlag: flag})
		if err != nil {
			switch Refusal(err) {
			case "invalid", CodeInvalidMSISDN, CodeInvalidTime:
			default:
				t.Fatalf("refusal %s: %v", Refusal(err), err)
			}
			return
		}
		if ValidateMSISDN(q.MSISDN) != nil || q.FaultTime.Before(earliestTime) || flag != "1" ||
			q.Backtrace != 0 && (q.Backtrace < MinBacktrace || q.Backtrace > MaxBacktrace) || (backtrace == "") != (q.Backtrace == 0) {
			t.Fatalf("accepted out of bounds: %+v", q)
		}
	})
}

func TestParseID(t *testing.T) {
	for s, want := range map[string]int64{
		"1": 1, "2124857846376960000": 2124857846376960000, "9223372036854775807": 9223372036854775807,
		"": 0, "0": 0, "-1": 0, "+1": 0, "1e3": 0, "9223372036854775808": 0, "12345678901234567890": 0, " 1": 0,
	} {
		got, ok := ParseID(s)
		if ok != (want != 0) || got != want {
			t.Errorf("ParseID(%q) = %d, %v; want %d", s, got, ok, want)
		}
		if ok && FormatID(got) != s {
			t.Errorf("FormatID(%d) = %q", got, FormatID(got))
		}
	}
}
