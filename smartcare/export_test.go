package smartcare

import "github.com/aiccd/aiccd"

// SetMaxQueryRecords lowers the records a query may correlate, so that a
// test can reach the limit with a few records.
func SetMaxQueryRecords(s *Service, n int) { s.maxQueryRecords = n }

// Refusal names why err refused a request, as the tests compare it: its
// code, or the name of its kind when it has none ("invalid" for a missing
// or malformed parameter, "internal" for a fault of aiccd); "" for nil.
func Refusal(err error) string {
	if err == nil {
		return ""
	}
	if c := aiccd.CodeOf(err); c != "" {
		return c
	}
	return aiccd.KindOf(err).String()
}
