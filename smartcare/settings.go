package smartcare

import (
	"fmt"
	"time"
	_ "time/tzdata" // tenants name IANA zones; the binary must not depend on the host's zoneinfo

	"github.com/aiccd/aiccd"
)

// Settings are a tenant's SmartCare parameters.
type Settings struct {
	// DefaultBacktrace is used when a query gives no backtraceDuration:
	// the tenant parameter "The duration of SmartCare abnormal time
	// backtracking (s)". 60 s to 86400 s.
	DefaultBacktrace time.Duration
	// TimeZone is the IANA zone ttid values are written in.
	TimeZone string
	// RetentionDays is how long subscriber records are kept; 0 keeps
	// them for ever. Queries never see records older than this, and
	// fault times older than this are refused.
	RetentionDays int
}

// Bounds of the settings and of backtraceDuration.
const (
	MinBacktrace     = 60 * time.Second
	MaxBacktrace     = 86400 * time.Second
	MaxRetentionDays = 3660
)

// DefaultSettings are a tenant's settings until an administrator changes
// them.
func DefaultSettings() Settings {
	return Settings{DefaultBacktrace: time.Hour, TimeZone: "UTC", RetentionDays: 30}
}

// Validate checks every setting and returns the first problem.
func (s Settings) Validate() error {
	if s.DefaultBacktrace < MinBacktrace || s.DefaultBacktrace > MaxBacktrace || s.DefaultBacktrace%time.Second != 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "default backtrace %s must be whole seconds from 60 to 86400", s.DefaultBacktrace)
	}
	if _, err := loadLocation(s.TimeZone); err != nil {
		return err
	}
	if s.RetentionDays < 0 || s.RetentionDays > MaxRetentionDays {
		return aiccd.Errorf(aiccd.KindInvalid, "retention %d days must be 0 (keep for ever) to %d", s.RetentionDays, MaxRetentionDays)
	}
	return nil
}

// Retention is RetentionDays as a duration, 0 when records are kept for
// ever.
func (s Settings) Retention() time.Duration {
	return time.Duration(s.RetentionDays) * 24 * time.Hour
}

// Horizon is the oldest instant whose records the tenant keeps at now, or
// the zero time when it keeps everything.
func (s Settings) Horizon(now time.Time) time.Time {
	if s.RetentionDays == 0 {
		return time.Time{}
	}
	return now.Add(-s.Retention())
}

// loadLocation resolves an IANA zone name. "Local" is refused: ttid must
// not change with the host aiccd happens to run on.
func loadLocation(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "time zone %q must be an IANA zone name such as UTC or Asia/Bangkok", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "time zone %q is not a known IANA zone name", name)
	}
	return loc, nil
}

// SettingsPatch changes some settings; nil fields stay as they are.
type SettingsPatch struct {
	DefaultBacktrace *time.Duration
	TimeZone         *string
	RetentionDays    *int
}

// apply returns s with p's fields set.
func (p SettingsPatch) apply(s Settings) Settings {
	if p.DefaultBacktrace != nil {
		s.DefaultBacktrace = *p.DefaultBacktrace
	}
	if p.TimeZone != nil {
		s.TimeZone = *p.TimeZone
	}
	if p.RetentionDays != nil {
		s.RetentionDays = *p.RetentionDays
	}
	return s
}

// TTIDLayout is the page's yyyy-MM-dd HH:mm:ss.
const TTIDLayout = "2006-01-02 15:04:05"

// earliestTime is the lower bound of event and fault times: anything
// before it is a unit mistake (seconds sent as milliseconds).
var earliestTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ParseTime reads a time as epoch milliseconds ("1721283133000") or RFC
// 3339 ("2024-07-18T06:12:13Z"), the two forms files and requests use.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("the time is empty")
	}
	if ms, ok := parseDigits(s); ok {
		t := time.UnixMilli(ms).UTC()
		if t.Before(earliestTime) {
			return time.Time{}, fmt.Errorf("%s is before 2000-01-01 as epoch milliseconds (seconds given instead?)", s)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither epoch milliseconds nor an RFC 3339 time", s)
	}
	if t.Before(earliestTime) {
		return time.Time{}, fmt.Errorf("%s is before 2000-01-01", s)
	}
	return aiccd.Millis(t), nil
}

// parseDigits reads a non-negative decimal of at most 18 digits.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
