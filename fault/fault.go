// Package fault lets integrators test their failure paths against aiccd:
// rules that add latency, force an HTTP status or an API family's return
// code, or reset the connection, for the requests of one tenant or app key
// to one endpoint, for the next N requests or a percentage of them. Rules
// live in the database, so every replica applies them and a count is
// shared; they are set only through the admin API and CLI. Each replica
// keeps the active rules in memory, exact through the change feed.
package fault

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
)

// Fault is one injection rule.
type Fault struct {
	ID int64 `json:"id,string"`
	// TenantID and AppKey scope the rule: a request matches when it was
	// authenticated for that tenant (or partner account) and, when AppKey
	// is set, with that app key. At least one is set.
	TenantID string `json:"tenant_id,omitempty"`
	AppKey   string `json:"app_key,omitempty"`
	// Endpoint is a route pattern ("POST /v3/auth/tokens") or its last
	// path segment ("queryfaultyuser"); empty matches every endpoint.
	Endpoint string `json:"endpoint,omitempty"`
	// LatencyMS is added, in milliseconds, before the request is handled.
	LatencyMS int `json:"latency_ms,omitempty"`
	// Status and Code force the answer: the HTTP status, and the family's
	// own code (a SmartCare or CC returnCode, a CBC or APIG error_code).
	// Both zero: the request is handled normally after the latency.
	Status int    `json:"status,omitempty"`
	Code   string `json:"code,omitempty"`
	// Reset drops the connection without an answer.
	Reset bool `json:"reset,omitempty"`
	// Body, when set, is answered instead of aiccd's, with Status (200
	// unless given) and Headers: an override, so that an integrator can
	// reproduce an answer of the platform that aiccd does not model. It
	// must be an answer the endpoint's wire format allows (its schema in
	// the OpenAPI document for that status) unless FreeForm is set; a
	// free-form JSON string is sent as its text.
	Body     json.RawMessage   `json:"body,omitempty"`
	Headers  map[string]string `json:"headers,omitempty"`
	FreeForm bool              `json:"free_form,omitempty"`
	// BodyMatch narrows the rule to requests whose JSON body holds these
	// values, each at a dotted path ("msisdn", "data.ttid"): a string,
	// number, boolean or null, compared for equality.
	BodyMatch map[string]any `json:"body_match,omitempty"`
	// Remaining counts the requests still to affect; -1 is unlimited.
	Remaining int `json:"remaining"`
	// Percent is the chance, 1 to 100, that a matching request is affected.
	Percent   int       `json:"percent"`
	CreatedAt time.Time `json:"created_at"`
}

// Latency is the delay the rule adds.
func (f Fault) Latency() time.Duration { return time.Duration(f.LatencyMS) * time.Millisecond }

// Store persists rules. Claim takes one of a rule's remaining requests,
// atomically across replicas, and reports whether there was one.
type Store interface {
	CreateFault(ctx context.Context, f Fault) error
	Faults(ctx context.Context) ([]Fault, error)
	DeleteFault(ctx context.Context, id int64) error
	ClaimFault(ctx context.Context, id int64) (bool, error)
}

// Service keeps the active rules in memory, so that a request without a
// matching rule costs nothing: a read model of the change feed followed on
// feed, which every creation, deletion and spent count of a rule changes.
// Without a live feed every request reads the rules from the store.
type Service struct {
	store     Store
	clock     aiccd.Clock
	ids       aiccd.IDGenerator
	endpoints []string
	feed      *changefeed.Hub
	rules     *changefeed.Cache[struct{}, []Fault]
}

// Options are what a Service is built from.
type Options struct {
	Store Store
	Clock aiccd.Clock // nil: the system clock
	IDs   aiccd.IDGenerator
	// Feed keeps the rules in memory, exact across replicas; nil reads
	// them on every request.
	Feed *changefeed.Hub
	// Endpoints are those rules may name (route patterns,
	// "POST /v3/auth/tokens").
	Endpoints []string
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	anyRule := func(string) (struct{}, bool) { return struct{}{}, true }
	return &Service{store: o.Store, clock: o.Clock, ids: o.IDs, feed: o.Feed, endpoints: o.Endpoints,
		rules: changefeed.NewCache[struct{}, []Fault](o.Feed, changefeed.Fault, anyRule, 1)}
}

// Validate checks a rule as an admin gave it and fills its defaults. Its
// endpoint, if any, must name one of endpoints (route patterns) by its
// pattern or its last path segment: a misspelt endpoint would make a rule
// that never fires, and a test that passes for the wrong reason.
func Validate(f Fault, endpoints []string) (Fault, error) {
	if f.Endpoint != "" && !slices.ContainsFunc(endpoints, func(route string) bool { return names(f.Endpoint, route) }) {
		return f, aiccd.Errorf(aiccd.KindInvalid, "endpoint %q is not one that fault rules apply to; give one of %s, or its route pattern",
			f.Endpoint, strings.Join(lastSegments(endpoints), ", "))
	}
	switch {
	case f.TenantID == "" && f.AppKey == "":
		return f, aiccd.Errorf(aiccd.KindInvalid, "a fault needs a tenant_id or an app_key to apply to")
	case len(f.TenantID) > 64 || len(f.AppKey) > 64 || len(f.Endpoint) > 256 || len(f.Code) > 32:
		return f, aiccd.Errorf(aiccd.KindInvalid, "tenant_id, app_key and code have at most 64, endpoint 256 and code 32 characters")
	case f.LatencyMS < 0 || f.LatencyMS > 60_000:
		return f, aiccd.Errorf(aiccd.KindInvalid, "latency_ms must be from 0 to 60000")
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return f, aiccd.Errorf(aiccd.KindInvalid, "status must be an HTTP status from 200 to 599")
	case f.Reset && (f.Status != 0 || f.Code != ""):
		return f, aiccd.Errorf(aiccd.KindInvalid, "a reset fault sends no answer: leave status and code out")
	case f.LatencyMS == 0 && f.Status == 0 && f.Code == "" && !f.Reset && f.Body == nil:
		return f, aiccd.Errorf(aiccd.KindInvalid, "a fault needs latency_ms, status, code, body or reset")
	case f.Remaining == 0 || f.Remaining < -1:
		return f, aiccd.Errorf(aiccd.KindInvalid, "remaining must be a positive count, or -1 for every request")
	case f.Percent < 0 || f.Percent > 100:
		return f, aiccd.Errorf(aiccd.KindInvalid, "percent must be from 1 to 100")
	}
	if err := validateOverride(&f, endpoints); err != nil {
		return f, err
	}
	var err error
	if f.BodyMatch, err = validateBodyMatch(f.BodyMatch); err != nil {
		return f, err
	}
	if f.Percent == 0 {
		f.Percent = 100
	}
	return f, nil
}

// Create stores a new rule; it applies here at once and on every replica
// within the change feed's Lease.
func (s *Service) Create(ctx context.Context, f Fault) (Fault, error) {
	f, err := Validate(f, s.endpoints)
	if err != nil {
		return Fault{}, err
	}
	f.ID, f.CreatedAt = s.ids.NextID(), aiccd.Millis(s.clock.Now())
	if err := s.store.CreateFault(ctx, f); err != nil {
		return Fault{}, err
	}
	s.feed.Sync(ctx)
	return f, nil
}

// List returns every rule, spent ones included until they are deleted.
func (s *Service) List(ctx context.Context) ([]Fault, error) { return s.store.Faults(ctx) }

// Delete removes a rule.
func (s *Service) Delete(ctx context.Context, id int64) error {
	if err := s.store.DeleteFault(ctx, id); err != nil {
		if errors.Is(err, aiccd.ErrNotFound) {
			return aiccd.Errorf(aiccd.KindNotFound, "fault %d does not exist", id)
		}
		return err
	}
	s.feed.Sync(ctx)
	return nil
}

// active loads the rules that still apply.
func (s *Service) active(ctx context.Context, _ struct{}) ([]Fault, error) {
	all, err := s.store.Faults(ctx)
	if err != nil {
		return nil, err
	}
	active := all[:0]
	for _, f := range all {
		if f.Remaining != 0 {
			active = append(active, f)
		}
	}
	return active, nil
}

// Request is what a rule is matched on.
type Request struct {
	TenantID, AppKey string
	Route            string // the route pattern, "POST /v3/auth/tokens"
	// Body returns the request's body; it is called only when a rule
	// that matches the rest has a BodyMatch, and at most once.
	Body func() ([]byte, error)
}

// Match returns the rule to apply to req, if any; a counted rule's
// request is claimed in the store.
func (s *Service) Match(ctx context.Context, req Request) (Fault, bool, error) {
	rules, err := s.rules.Load(ctx, struct{}{}, s.active)
	if err != nil || len(rules) == 0 {
		return Fault{}, false, err
	}
	var body any
	bodyRead := false
	for _, f := range rules {
		if !f.matches(req.TenantID, req.AppKey, req.Route) {
			continue
		}
		if len(f.BodyMatch) > 0 {
			if !bodyRead {
				bodyRead = true
				if req.Body != nil {
					b, err := req.Body()
					if err != nil {
						return Fault{}, false, err
					}
					if json.Unmarshal(b, &body) != nil {
						body = nil // not JSON: no body rule matches
					}
				}
			}
			if !bodyMatches(f.BodyMatch, body) {
				continue
			}
		}
		if f.Percent < 100 && rand.IntN(100) >= f.Percent {
			continue
		}
		if f.Remaining > 0 {
			ok, err := s.store.ClaimFault(ctx, f.ID)
			if err != nil {
				return Fault{}, false, err
			}
			if !ok {
				continue // spent on another replica
			}
		}
		return f, true, nil
	}
	return Fault{}, false, nil
}

func (f Fault) matches(tenantID, appKey, route string) bool {
	if f.TenantID != "" && f.TenantID != tenantID {
		return false
	}
	if f.AppKey != "" && f.AppKey != appKey {
		return false
	}
	return f.Endpoint == "" || names(f.Endpoint, route)
}

// names reports whether endpoint, as a rule gives it, names route: the
// whole pattern or its last path segment.
func names(endpoint, route string) bool {
	return endpoint == route || lastSegment(route) == endpoint
}

func lastSegment(route string) string {
	_, p, _ := strings.Cut(route, " ")
	return path.Base(p)
}

// lastSegments lists the short names of routes, for messages.
func lastSegments(routes []string) []string {
	out := make([]string, len(routes))
	for i, r := range routes {
		out[i] = lastSegment(r)
	}
	return out
}

// String describes a rule for logs and tables.
func (f Fault) String() string {
	var parts []string
	if f.LatencyMS > 0 {
		parts = append(parts, fmt.Sprintf("+%dms", f.LatencyMS))
	}
	if f.Status != 0 {
		parts = append(parts, fmt.Sprintf("status %d", f.Status))
	}
	if f.Code != "" {
		parts = append(parts, "code "+f.Code)
	}
	if f.Reset {
		parts = append(parts, "reset")
	}
	if f.Body != nil {
		parts = append(parts, fmt.Sprintf("body of %d bytes", len(f.Body)))
	}
	if len(f.BodyMatch) > 0 {
		var conds []string
		for path, v := range f.BodyMatch {
			b, _ := json.Marshal(v)
			conds = append(conds, path+"="+string(b))
		}
		slices.Sort(conds)
		parts = append(parts, "when "+strings.Join(conds, " and "))
	}
	return strings.Join(parts, ", ")
}
