package smartcare

import (
	"fmt"
	"time"

	"github.com/aiccd/aiccd"
)

// FaultyUserRequest is a queryfaultyuser (or submitquickdelimit) request
// as it arrived, every field the text the client sent, before
// ParseFaultyUserRequest checked it. Its JSON form is httpapi's.
type FaultyUserRequest struct {
	MSISDN            string
	FaultTime         string // epoch milliseconds
	ComplaintScene    string // a scene ID
	BacktraceDuration string // seconds; "" is the tenant's default
	SessionID         string
	QueryFlag         string
}

// FaultyUserQuery is a request that passed ParseFaultyUserRequest.
type FaultyUserQuery struct {
	MSISDN    string
	FaultTime time.Time
	SceneID   string
	// Backtrace is the window before FaultTime, already clamped to
	// 86400 s; 0 means the tenant's default.
	Backtrace time.Duration
	SessionID string
}

// FaultTimeTolerance is how far in the future a fault time may lie: the
// clocks of the complaint system and aiccd differ a little.
const FaultTimeTolerance = 5 * time.Minute

// MaxSessionID bounds the customer-side session ID.
const MaxSessionID = 128

// ParseFaultyUserRequest checks everything about a request that needs no
// data: first the parameters (aiccd.KindInvalid: a missing mandatory
// field, queryFlag other than "1", a backtraceDuration that is not a
// whole number of seconds or is below 60), then the msisdn
// (CodeInvalidMSISDN) and the form of faultTime (CodeInvalidTime). A
// backtraceDuration above 86400 becomes 86400, as the page says.
func ParseFaultyUserRequest(req FaultyUserRequest) (FaultyUserQuery, error) {
	for _, f := range [...]struct{ name, value string }{
		{"msisdn", req.MSISDN},
		{"faultTime", req.FaultTime},
		{"complaintScene", req.ComplaintScene},
		{"queryFlag", req.QueryFlag},
	} {
		if f.value == "" {
			return FaultyUserQuery{}, aiccd.Errorf(aiccd.KindInvalid, "%s is mandatory and missing", f.name)
		}
	}
	if req.QueryFlag != "1" {
		return FaultyUserQuery{}, aiccd.Errorf(aiccd.KindInvalid, "queryFlag %q must be \"1\"", req.QueryFlag)
	}
	backtrace, err := parseBacktrace(req.BacktraceDuration)
	if err != nil {
		return FaultyUserQuery{}, err
	}
	if len(req.SessionID) > MaxSessionID {
		return FaultyUserQuery{}, aiccd.Errorf(aiccd.KindInvalid, "sessionID is longer than %d characters", MaxSessionID)
	}
	if err := ValidateMSISDN(req.MSISDN); err != nil {
		return FaultyUserQuery{}, fieldError(CodeInvalidMSISDN, "%v", err)
	}
	ms, ok := parseDigits(req.FaultTime)
	if !ok {
		return FaultyUserQuery{}, fieldError(CodeInvalidTime, "faultTime %q is not epoch milliseconds", req.FaultTime)
	}
	t := time.UnixMilli(ms).UTC()
	if t.Before(earliestTime) {
		return FaultyUserQuery{}, fieldError(CodeInvalidTime, "faultTime %s is before 2000-01-01; it must be epoch milliseconds", req.FaultTime)
	}
	return FaultyUserQuery{
		MSISDN:    req.MSISDN,
		FaultTime: t,
		SceneID:   req.ComplaintScene,
		Backtrace: backtrace,
		SessionID: req.SessionID,
	}, nil
}

// parseBacktrace reads backtraceDuration: "" is the tenant's default (0),
// otherwise a whole number of seconds from 60, with larger values than
// 86400 clamped to 86400.
func parseBacktrace(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	allDigits := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			allDigits = false
			break
		}
	}
	if !allDigits {
		return 0, aiccd.Errorf(aiccd.KindInvalid, "backtraceDuration %q is not a whole number of seconds", s)
	}
	n, ok := parseDigits(s)
	if !ok || n > int64(MaxBacktrace/time.Second) {
		// Too many digits for an int64 is still a number above the maximum.
		return MaxBacktrace, nil
	}
	d := time.Duration(n) * time.Second
	if d < MinBacktrace {
		return 0, aiccd.Errorf(aiccd.KindInvalid, "backtraceDuration %s is below the minimum of 60 seconds", s)
	}
	return d, nil
}

// window resolves the query against the tenant's settings at now: the
// fault time must not lie beyond the tolerance in the future nor before
// the retention horizon (CodeInvalidTime), and the records looked at are
// those from FaultTime-Backtrace (or the horizon, if later) to
// FaultTime, both inclusive.
func (q FaultyUserQuery) window(s Settings, now time.Time) (from, to time.Time, err error) {
	if q.FaultTime.After(now.Add(FaultTimeTolerance)) {
		return time.Time{}, time.Time{}, fieldError(CodeInvalidTime, "faultTime %d lies in the future (now is %d)",
			q.FaultTime.UnixMilli(), now.UnixMilli())
	}
	horizon := s.Horizon(now)
	if !horizon.IsZero() && q.FaultTime.Before(horizon) {
		return time.Time{}, time.Time{}, fieldError(CodeInvalidTime, "faultTime %d is older than the %d-day retention of subscriber records",
			q.FaultTime.UnixMilli(), s.RetentionDays)
	}
	backtrace := q.Backtrace
	if backtrace == 0 {
		backtrace = s.DefaultBacktrace
	}
	from = q.FaultTime.Add(-backtrace)
	if from.Before(horizon) {
		from = horizon
	}
	return from, q.FaultTime, nil
}

// errUnknownScene refuses a complaintScene the tenant has no scene for.
func errUnknownScene(id string) error {
	if len(id) > 64 {
		id = id[:64] + "…"
	}
	return &aiccd.Error{Kind: aiccd.KindNotFound, Code: CodeUnknownScene, Message: fmt.Sprintf("complaintScene %q does not exist", id)}
}
