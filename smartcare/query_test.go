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
		code   int    // 0: accepted
		reason string // part of the error message
		want   time.Duration
	}{
		{"example", func(*FaultyUserRequest) {}, 0, "", time.Hour},
		{"msisdn missing", func(r *FaultyUserRequest) { r.MSISDN = "" }, 101, "msisdn is mandatory", 0},
		{"faultTime missing", func(r *FaultyUserRequest) { r.FaultTime = "" }, 101, "faultTime is mandatory", 0},
		{"complaintScene missing", func(r *FaultyUserRequest) { r.ComplaintScene = "" }, 101, "complaintScene is mandatory", 0},
		{"queryFlag missing", func(r *FaultyUserRequest) { r.QueryFlag = "" }, 101, "queryFlag is mandatory", 0},
		{"queryFlag 0", func(r *FaultyUserRequest) { r.QueryFlag = "0" }, 101, `queryFlag "0" must be "1"`, 0},
		{"queryFlag padded", func(r *FaultyUserRequest) { r.QueryFlag = " 1" }, 101, "queryFlag", 0},
		{"backtrace absent", func(r *FaultyUserRequest) { r.BacktraceDuration = "" }, 0, "", 0},
		{"backtrace minimum", func(r *FaultyUserRequest) { r.BacktraceDuration = "60" }, 0, "", time.Minute},
		{"backtrace maximum", func(r *FaultyUserRequest) { r.BacktraceDuration = "86400" }, 0, "", 24 * time.Hour},
		{"backtrace clamped", func(r *FaultyUserRequest) { r.BacktraceDuration = "86401" }, 0, "", 24 * time.Hour},
		{"backtrace huge", func(r *FaultyUserRequest) { r.BacktraceDuration = "99999999999999999999999" }, 0, "", 24 * time.Hour},
		{"backtrace below", func(r *FaultyUserRequest) { r.BacktraceDuration = "59" }, 101, "below the minimum of 60", 0},
		{"backtrace zero", func(r *FaultyUserRequest) { r.BacktraceDuration = "0" }, 101, "below the minimum", 0},
		{"backtrace negative", func(r *FaultyUserRequest) { r.BacktraceDuration = "-3600" }, 101, "not a whole number", 0},
		{"backtrace text", func(r *FaultyUserRequest) { r.BacktraceDuration = "1h" }, 101, "not a whole number", 0},
		{"backtrace decimal", func(r *FaultyUserRequest) { r.BacktraceDuration = "3600.5" }, 101, "not a whole number", 0},
		{"sessionID long", func(r *FaultyUserRequest) { r.SessionID = strings.Repeat("s", 129) }, 101, "sessionID", 0},
		{"sessionID absent", func(r *FaultyUserRequest) { r.SessionID = "" }, 0, "", time.Hour},
		{"msisdn letters", func(r *FaultyUserRequest) { r.MSISDN = "66805121008x9" }, 2, "5 to 15 digits", 0},
		{"msisdn plus", func(r *FaultyUserRequest) { r.MSISDN = "+6680512100869" }, 2, "5 to 15 digits", 0},
		{"msisdn short", func(r *FaultyUserRequest) { r.MSISDN = "1234" }, 2, "5 to 15 digits", 0},
		{"msisdn shortest", func(r *FaultyUserRequest) { r.MSISDN = "12345" }, 0, "", time.Hour},
		{"msisdn longest", func(r *FaultyUserRequest) { r.MSISDN = "123456789012345" }, 0, "", time.Hour},
		{"msisdn long", func(r *FaultyUserRequest) { r.MSISDN = "1234567890123456" }, 2, "5 to 15 digits", 0},
		{"faultTime text", func(r *FaultyUserRequest) { r.FaultTime = "2024-07-18 06:12:13" }, 3, "not epoch milliseconds", 0},
		{"faultTime negative", func(r *FaultyUserRequest) { r.FaultTime = "-1721283133000" }, 3, "not epoch milliseconds", 0},
		{"faultTime decimal", func(r *FaultyUserRequest) { r.FaultTime = "1721283133000.5" }, 3, "not epoch milliseconds", 0},
		{"faultTime seconds", func(r *FaultyUserRequest) { r.FaultTime = "1721283133" }, 3, "before 2000-01-01", 0},
		{"faultTime overflow", func(r *FaultyUserRequest) { r.FaultTime = "99999999999999999999" }, 3, "not epoch milliseconds", 0},
		// 101 is checked before 2 and 3.
		{"queryFlag before msisdn", func(r *FaultyUserRequest) { r.QueryFlag = "2"; r.MSISDN = "x" }, 101, "queryFlag", 0},
		{"msisdn before faultTime", func(r *FaultyUserRequest) { r.MSISDN = "x"; r.FaultTime = "y" }, 2, "msisdn", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := exampleRequest()
			tc.edit(&req)
			q, err := ParseFaultyUserRequest(req)
			if tc.code == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if q.Backtrace != tc.want {
					t.Fatalf("backtrace %s, want %s", q.Backtrace, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want return code %d", tc.code)
			}
			if got := ReturnCodeOf(err); got != tc.code {
				t.Fatalf("return code %d (%v), want %d", got, err, tc.code)
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
	if ReturnCodeOf(err) != ReturnInvalidTime || !strings.Contains(err.Error(), "future") {
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
	if ReturnCodeOf(err) != ReturnInvalidTime || !strings.Contains(err.Error(), "30-day retention") {
		t.Fatalf("older than retention: %v", err)
	}
	if _, _, err := q.window(keep, now.Add(365*24*time.Hour)); err != nil {
		t.Fatalf("without retention: %v", err)
	}
}

func TestReturnCodeOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{fieldError(ReturnInvalidMSISDN, "x"), 2},
		{errUnknownScene("9"), 4},
		{dacError(aiccd.ErrNotFound), 5},
		{unknownTask("1"), 7},
		{aiccd.Errorf(aiccd.KindInvalid, "x"), 101},
		{aiccd.ErrUnavailable, 5},
		{aiccd.ErrConflict, 97},
		{aiccd.Errorf(aiccd.KindInternal, "x"), 102},
		{aiccd.Errorf(aiccd.KindForbidden, "x"), 102},
	} {
		if got := ReturnCodeOf(tc.err); got != tc.want {
			t.Errorf("ReturnCodeOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// TestMSISDNErrorsDoNotRepeatTheNumber: the reason a number is refused
// goes to the log and the request journal, which must not hold it.
func TestMSISDNErrorsDoNotRepeatTheNumber(t *testing.T) {
	for _, msisdn := range []string{"6680", "66805121008AB", "6680512100869012345", "+6680512100"} {
		_, err := ParseFaultyUserRequest(FaultyUserRequest{MSISDN: msisdn, FaultTime: "1721283133000", ComplaintScene: "1", QueryFlag: "1"})
		if ReturnCodeOf(err) != ReturnInvalidMSISDN || strings.Contains(err.Error(), msisdn) || !strings.HasPrefix(aiccd.MessageOf(err, ""), "msisdn ") {
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
// that every refusal carries one of the page's return codes, and that what
// it accepts is within the page's bounds.
func FuzzParseFaultyUserRequest(f *testing.F) {
	r := exampleRequest()
	f.Add(r.MSISDN, r.FaultTime, r.ComplaintScene, r.BacktraceDuration, r.QueryFlag)
	f.Add("x", "", "1", "-1", "1")
	f.Add("12345", "946684800000", " ", "999999999999999999999", "1")
	f.Fuzz(func(t *testing.T, msisdn, fault, scene, backtrace, flag string) {
		q, err := ParseFaultyUserRequest(FaultyUserRequest{MSISDN: msisdn, FaultTime: fault, ComplaintScene: scene, BacktraceDuration: backtrace, QueryFlag: flag})
		if err != nil {
			switch ReturnCodeOf(err) {
			case ReturnParamInvalid, ReturnInvalidMSISDN, ReturnInvalidTime:
			default:
				t.Fatalf("refusal with return code %d: %v", ReturnCodeOf(err), err)
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
