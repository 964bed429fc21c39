package smartcare

// SetMaxQueryRecords lowers the records a query may correlate, so that a
// test can reach the limit with a few records.
func SetMaxQueryRecords(s *Service, n int) { s.maxQueryRecords = n }
