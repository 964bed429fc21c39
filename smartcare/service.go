// Package smartcare is SmartCare mass-fault correlation: complaint scenes,
// mass-fault rules, the operator's subscriber records, and the engine that
// tells a contact-center agent whether a complaining subscriber is
// affected by a known mass fault (queryfaultyuser), synchronously or as an
// asynchronous delimitation task.
package smartcare

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/tenant"
)

// Tenants tells whether a tenant exists. tenant.Service implements it.
type Tenants interface {
	Get(ctx context.Context, id string) (tenant.Tenant, error)
}

// Service is SmartCare's use cases on top of a Store. Its methods map one
// to one to the endpoints of the SmartCare API family and of the admin
// API; the HTTP handlers decode, call one method and encode.
type Service struct {
	store   Store
	tenants Tenants
	clock   aiccd.Clock
	ids     aiccd.IDGenerator
	cache   cache
	records *changefeed.Cache[recordWindow, hourRecords]
	wake    chan struct{} // a task was submitted in this process

	maxQueryRecords int
	maxQueuedTasks  int
}

// Options are what a Service is built from.
type Options struct {
	Store   Store
	Tenants Tenants
	Clock   aiccd.Clock // nil: the system clock
	IDs     aiccd.IDGenerator
	// MaxQueuedTasks bounds the delimitation tasks one tenant may have
	// queued or running at once (0: DefaultMaxQueuedTasks).
	MaxQueuedTasks int
	// Feed keeps the tenants' settings, scenes and rules in memory, and
	// the records of the subscribers asked about last, exact across
	// replicas through the change feed, so that a query reads at most the
	// subscriber's records. nil: every query reads the records and the
	// tenant's versions.
	Feed *changefeed.Hub
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	if o.MaxQueuedTasks <= 0 {
		o.MaxQueuedTasks = DefaultMaxQueuedTasks
	}
	s := &Service{store: o.Store, tenants: o.Tenants, clock: o.Clock, ids: o.IDs, wake: make(chan struct{}, 1),
		maxQueryRecords: MaxQueryRecords, maxQueuedTasks: o.MaxQueuedTasks}
	s.cache.follow(o.Feed)
	s.records = newRecordCache(o.Feed)
	return s
}

func (s *Service) now() time.Time { return aiccd.Millis(s.clock.Now()) }

// checkTenant returns NotFound when the tenant does not exist.
func (s *Service) checkTenant(ctx context.Context, tenantID string) error {
	if _, err := s.tenants.Get(ctx, tenantID); err != nil {
		if errors.Is(err, aiccd.ErrNotFound) {
			return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", tenantID), Err: err}
		}
		return err
	}
	return nil
}

// QueryFaultyUser answers queryfaultyuser for a tenant. A nil error means
// an answer, faults found or not (see FaultyUserResult); an error refuses
// the request (aiccd.KindInvalid or a Code* of this package) or says the
// store failed (CodeRecordsUnavailable).
func (s *Service) QueryFaultyUser(ctx context.Context, tenantID string, req FaultyUserRequest) (FaultyUserResult, error) {
	q, err := ParseFaultyUserRequest(req)
	if err != nil {
		return FaultyUserResult{}, err
	}
	// While the change feed vouches for the tenant's rules in memory, only
	// the records are read.
	if snap, ok := s.cache.fresh(tenantID); ok {
		return s.answer(ctx, tenantID, snap, q)
	}
	// Otherwise, with the tenant's rules in memory, the records are read in
	// the same round trip as the versions that tell whether those rules are
	// still current, and the answer is used only when they are. Otherwise
	// (or when the cached config refuses the query) the query starts over
	// from current rules: nothing is ever answered from a stale snapshot.
	if tc, snap, gen, ok := s.cache.cached(tenantID); ok {
		if scene, from, to, err := s.resolve(snap.config, q); err == nil {
			v, recs, err := s.store.VersionedRecords(ctx, tenantID, q.MSISDN, from, to, s.maxQueryRecords+1)
			if err != nil {
				return FaultyUserResult{}, dacError(err)
			}
			if snap.at(v) {
				tc.vouch(snap, gen)
				return s.correlate(snap, q, scene, from, to, recs)
			}
		}
	}
	snap, err := s.cache.snapshot(ctx, s.store, tenantID, true)
	if err != nil {
		return FaultyUserResult{}, err
	}
	return s.answer(ctx, tenantID, snap, q)
}

// answer is q answered from rules known to be current: the window
// resolved from snap's settings, the subscriber's records in it read and
// correlated with snap's rules.
func (s *Service) answer(ctx context.Context, tenantID string, snap snapshot, q FaultyUserQuery) (FaultyUserResult, error) {
	scene, from, to, err := s.resolve(snap.config, q)
	if err != nil {
		return FaultyUserResult{}, err
	}
	recs, err := s.windowRecords(ctx, tenantID, q.MSISDN, from, to)
	if err != nil {
		return FaultyUserResult{}, err
	}
	return s.correlate(snap, q, scene, from, to, recs)
}

// correlate answers the query from the subscriber's records in the window
// (at most maxQueryRecords+1 of them).
func (s *Service) correlate(snap snapshot, q FaultyUserQuery, scene Scene, from, to time.Time, recs []Record) (FaultyUserResult, error) {
	if err := s.checkRecordCount(q.MSISDN, recs); err != nil {
		return FaultyUserResult{}, err
	}
	matches := snap.rules.index.correlate(recs, scene, from, to)
	return FaultyUserResult{MSISDN: q.MSISDN, Matches: matches, location: snap.config.location}, nil
}

// MaxQueryRecords bounds the records one query correlates. A subscriber
// with more in the window (a misconfigured probe, a machine SIM) is
// refused (CodeTooManyRecords) rather than loaded whole into memory.
const MaxQueryRecords = 100000

// subscriberRecords fetches the records a query correlates: a store
// failure is CodeRecordsUnavailable, too many records CodeTooManyRecords.
func (s *Service) subscriberRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time) ([]Record, error) {
	recs, err := s.readRecords(ctx, tenantID, msisdn, from, to)
	if err != nil {
		return nil, err
	}
	if err := s.checkRecordCount(msisdn, recs); err != nil {
		return nil, err
	}
	return recs, nil
}

// readRecords reads msisdn's records in [from, to] from the store, one
// more than a query may correlate at most; a store failure is
// CodeRecordsUnavailable.
func (s *Service) readRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time) ([]Record, error) {
	recs, err := s.store.Records(ctx, tenantID, msisdn, from, to, s.maxQueryRecords+1)
	if err != nil {
		return nil, dacError(err)
	}
	return recs, nil
}

// checkRecordCount refuses (CodeTooManyRecords) more records than a query
// may correlate.
func (s *Service) checkRecordCount(msisdn string, recs []Record) error {
	if len(recs) > s.maxQueryRecords {
		return &aiccd.Error{Kind: aiccd.KindInvalid, Code: CodeTooManyRecords, Message: fmt.Sprintf(
			"msisdn %s has more than %d records in the window; shorten backtraceDuration", msisdn, s.maxQueryRecords)}
	}
	return nil
}

// resolve finds the query's scene (CodeUnknownScene) and window
// (CodeInvalidTime) in the tenant's config.
func (s *Service) resolve(cfg *configSnapshot, q FaultyUserQuery) (Scene, time.Time, time.Time, error) {
	from, to, err := q.window(cfg.settings, s.now())
	if err != nil {
		return Scene{}, time.Time{}, time.Time{}, err
	}
	scene, ok := cfg.scenes[q.SceneID]
	if !ok {
		return Scene{}, time.Time{}, time.Time{}, errUnknownScene(q.SceneID)
	}
	return scene, from, to, nil
}

// FaultyUserResult is the outcome of a query that could be answered:
// Found when at least one mass fault explains the subscriber's records.
type FaultyUserResult struct {
	MSISDN  string
	Matches []RuleMatch // with their evidence, ordered by FirstSeen
	// location is the tenant's time zone, for ttid.
	location *time.Location
}

// Found tells whether at least one mass fault explains the subscriber's
// records.
func (r FaultyUserResult) Found() bool { return len(r.Matches) > 0 }

// Location is the tenant's time zone, in which ttid is written.
func (r FaultyUserResult) Location() *time.Location {
	if r.location == nil {
		return time.UTC
	}
	return r.location
}

// FormatID writes an object ID as the API answers it: a decimal string,
// since JSON numbers lose precision above 2^53.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }

// ParseID reads an ID written by FormatID (up to 19 digits, no sign);
// ok is false when s is not one.
func ParseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
