package smartcare

import (
	"context"
	"slices"
	"time"

	"github.com/aiccd/aiccd/changefeed"
)

// A subscriber who complains is often asked about more than once: the IVR
// and then the agent, an agent's retry, a supervisor's look. So each
// replica keeps the records of the subscribers asked about last, by the
// hours of the query's window, and answers a query whose window falls in
// the same hours from memory.
//
// Records are written in bulk, thousands per statement, so the store does
// not name each one in the change feed: every statement that adds a
// tenant's records is one change of kind SmartCareRecords naming the
// tenant, and drops all of the tenant's records from memory. Retention
// deletes only records before the horizon, where no window reaches, so it
// changes no answer; a snapshot's restore (a SmartCare change) and the
// tenant's deletion (a tenant change) drop them too. As for every read
// model, nothing is answered from memory while the feed is not live.

// recordWindow is the key of a query's records in memory: a subscriber's
// records of the hours from h0 to h1 (epoch hours, UTC).
type recordWindow struct {
	tenantID string
	msisdn   string
	h0, h1   int64
}

// hourRecords are the records of a recordWindow, earliest first, unless
// there were more than maxRecordsPerWindow: then crowded is true and the
// subscriber's queries read the store.
type hourRecords struct {
	recs    []Record
	crowded bool
}

const (
	// maxRecordWindows bounds the windows kept; with maxRecordsPerWindow,
	// at most 131,072 records, some 40 MB in the worst case, and a few MB
	// for subscribers with a handful of records each.
	maxRecordWindows    = 2048
	maxRecordsPerWindow = 64
)

func newRecordCache(feed *changefeed.Hub) *changefeed.Cache[recordWindow, hourRecords] {
	return changefeed.NewGroupCache[recordWindow, hourRecords](feed,
		func(w recordWindow) string { return w.tenantID }, maxRecordWindows,
		changefeed.SmartCareRecords, changefeed.SmartCare, changefeed.Tenant)
}

// windowRecords returns the tenant's records of msisdn in [from, to],
// earliest first (at most maxQueryRecords+1), from memory when the
// subscriber's records of the window's hours are there.
func (s *Service) windowRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time) ([]Record, error) {
	if from.After(to) {
		return nil, nil
	}
	w := recordWindow{tenantID: tenantID, msisdn: msisdn, h0: epochHour(from), h1: epochHour(to)}
	hr, err := s.records.Load(ctx, w, s.loadWindow)
	if err != nil {
		return nil, dacError(err)
	}
	if hr.crowded {
		return s.readRecords(ctx, tenantID, msisdn, from, to)
	}
	return within(hr.recs, from, to), nil
}

// loadWindow reads the records of w's hours, or finds that they are too
// many to keep.
func (s *Service) loadWindow(ctx context.Context, w recordWindow) (hourRecords, error) {
	from := time.UnixMilli(w.h0 * hourMillis).UTC()
	to := time.UnixMilli((w.h1+1)*hourMillis - 1).UTC()
	recs, err := s.store.Records(ctx, w.tenantID, w.msisdn, from, to, maxRecordsPerWindow+1)
	if err != nil {
		return hourRecords{}, err
	}
	if len(recs) > maxRecordsPerWindow {
		return hourRecords{crowded: true}, nil
	}
	return hourRecords{recs: slices.Clip(recs)}, nil
}

// within returns the records of recs, earliest first, whose event time
// lies in [from, to].
func within(recs []Record, from, to time.Time) []Record {
	byTime := func(r Record, t time.Time) int { return r.EventTime.Compare(t) }
	i, _ := slices.BinarySearchFunc(recs, from, byTime)
	j, found := slices.BinarySearchFunc(recs[i:], to, byTime)
	for found && i+j < len(recs) && recs[i+j].EventTime.Equal(to) {
		j++
	}
	return recs[i : i+j : i+j]
}

const hourMillis = int64(time.Hour / time.Millisecond)

// epochHour is the hour t falls in, counted from the Unix epoch.
func epochHour(t time.Time) int64 { return t.UnixMilli() / hourMillis }
