package accesscode

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
)

// Store persists access codes and called routes. Every method is confined
// to one tenant: a row of another tenant is never read, counted, changed or
// revealed, not even by its ID.
//
// Filters reach the store with Description and DeviceDesc already folded
// (see Fold); stores match them against the folded form they keep beside
// each description. Errors are aiccd.ErrNotFound for a missing row (or a
// missing tenant or access code that a new row refers to),
// aiccd.ErrConflict for a duplicate, both possibly wrapped.
type Store interface {
	// Create inserts a; CreateBatch inserts acs, all of tenantID, all or
	// none.
	Create(ctx context.Context, a AccessCode) error
	CreateBatch(ctx context.Context, tenantID string, acs []AccessCode) error
	Get(ctx context.Context, tenantID string, id int64) (AccessCode, error)
	// Update reads the access code, passes it to change and writes what
	// change returns, in one transaction.
	Update(ctx context.Context, tenantID string, id int64, change func(AccessCode) (AccessCode, error)) (AccessCode, error)
	// Delete removes the access code. It fails with ErrRouted (wrapped in
	// a conflict) while called routes use it.
	Delete(ctx context.Context, tenantID string, id int64) error
	// Search counts the matches of f and returns the page p of them,
	// ordered by access code, then ID.
	Search(ctx context.Context, tenantID string, f Filter, p Paging) (Page, error)

	// CreateRoute inserts r, resolving r.AccessCode among the tenant's
	// access codes, defaulting a zero media type to the access code's and
	// assigning the next DNID; it returns the stored route.
	CreateRoute(ctx context.Context, r Route) (Route, error)
	GetRoute(ctx context.Context, tenantID string, id int64) (Route, error)
	UpdateRoute(ctx context.Context, tenantID string, id int64, change func(Route) (Route, error)) (Route, error)
	DeleteRoute(ctx context.Context, tenantID string, id int64) error
	// SearchRoutes counts the matches of f and returns the page from
	// offset, at most limit routes, ordered by access code, extension code
	// (none first), then ID.
	SearchRoutes(ctx context.Context, tenantID string, f RouteFilter, offset int64, limit int) (RoutePage, error)

	// Maintain tidies search structures after bulk changes (merges index
	// segments, refreshes planner statistics). Imports call it at the end.
	Maintain(ctx context.Context) error
}

// ErrRouted is the cause of a refused Delete of an access code that called
// routes still use.
var ErrRouted = errors.New("called routes use the access code")

// Service applies the access code rules on top of a Store. Every method
// takes the tenant explicitly: on the CC APIs it comes from the caller's
// token, never from the request body.
type Service struct {
	store Store
	clock aiccd.Clock
	ids   aiccd.IDGenerator

	feed    *changefeed.Hub
	memory  *changefeed.Cache[string, *tenantCodes] // nil without a feed
	answers *changefeed.Cache[answerKey, Page]      // large tenants' recent answers
}

// Options are what a Service is built from.
type Options struct {
	Store Store
	Clock aiccd.Clock       // nil: the system clock
	IDs   aiccd.IDGenerator // makes the IDs of new access codes and routes
	// Feed answers the searches of tenants of at most MemoryMaxCodes
	// access codes from memory, kept exact across replicas by the change
	// feed; nil reads the store for every search.
	Feed *changefeed.Hub
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	s := &Service{store: o.Store, clock: o.Clock, ids: o.IDs}
	if o.Feed != nil {
		s.feed = o.Feed
		s.memory = changefeed.NewCache[string, *tenantCodes](o.Feed, changefeed.AccessCodes, changefeed.StringKey, memoryMaxTenants)
		s.answers = newAnswerCache(o.Feed)
	}
	return s
}

func (s *Service) now() time.Time { return aiccd.Millis(s.clock.Now()) }

// Prepare validates an access code to be created now in tenantID and gives
// it its ID, without storing it. Imports prepare rows, then CreateBatch
// them.
func (s *Service) Prepare(tenantID string, d Draft) (AccessCode, error) {
	if tenantID == "" {
		return AccessCode{}, aiccd.Errorf(aiccd.KindInvalid, "the tenant is required")
	}
	now := s.now()
	a := AccessCode{
		ID: d.ID, TenantID: tenantID, Code: d.Code, MediaType: d.MediaType,
		N400Number: d.N400Number, Description: d.Description, CallAttr: d.CallAttr,
		CreatedAt: now, UpdatedAt: now,
	}
	if a.ID == 0 {
		a.ID = s.ids.NextID()
	}
	if err := a.validate(); err != nil {
		return AccessCode{}, err
	}
	return a, nil
}

// Add creates an access code in tenantID.
func (s *Service) Add(ctx context.Context, tenantID string, d Draft) (AccessCode, error) {
	a, err := s.Prepare(tenantID, d)
	if err != nil {
		return AccessCode{}, err
	}
	if err := s.store.Create(ctx, a); err != nil {
		return AccessCode{}, explain(err, tenantID, a.Code, a.ID)
	}
	s.feed.Sync(ctx)
	return a, nil
}

// CreateBatch stores access codes made by Prepare for tenantID, all or
// none.
func (s *Service) CreateBatch(ctx context.Context, tenantID string, acs []AccessCode) error {
	for i := range acs {
		if acs[i].TenantID != tenantID {
			return aiccd.Errorf(aiccd.KindInvalid, "access code %s belongs to tenant %q, not %q", acs[i].Code, acs[i].TenantID, tenantID)
		}
	}
	err := s.store.CreateBatch(ctx, tenantID, acs)
	if err == nil {
		s.feed.Sync(ctx)
	}
	if err != nil && len(acs) == 1 {
		return explain(err, tenantID, acs[0].Code, acs[0].ID)
	}
	if errors.Is(err, aiccd.ErrNotFound) {
		return explain(err, tenantID, "", 0)
	}
	return err
}

// explain turns a store's conflict or missing tenant into a message that
// names what is wrong.
func explain(err error, tenantID, code string, id int64) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, aiccd.ErrConflict):
		return &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("access code %s or ID %d already exists in tenant %q", code, id, tenantID), Err: err}
	case errors.Is(err, aiccd.ErrNotFound):
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", tenantID), Err: err}
	}
	return err
}

// Get returns the access code id of tenantID.
func (s *Service) Get(ctx context.Context, tenantID string, id int64) (AccessCode, error) {
	a, err := s.store.Get(ctx, tenantID, id)
	return a, notFound(err, "access code", id)
}

func notFound(err error, what string, id int64) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("%s %d does not exist", what, id), Err: err}
	}
	return err
}

// Update changes the access code id of tenantID.
func (s *Service) Update(ctx context.Context, tenantID string, id int64, p Patch) (AccessCode, error) {
	if p.Empty() {
		return AccessCode{}, aiccd.Errorf(aiccd.KindInvalid, "nothing to change: give at least one field")
	}
	var code string
	a, err := s.store.Update(ctx, tenantID, id, func(a AccessCode) (AccessCode, error) {
		a = p.apply(a)
		a.UpdatedAt = s.now()
		code = a.Code
		return a, a.validate()
	})
	if errors.Is(err, aiccd.ErrConflict) {
		return AccessCode{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("access code %s already exists in tenant %q", code, tenantID), Err: err}
	}
	if err == nil {
		s.feed.Sync(ctx)
	}
	return a, notFound(err, "access code", id)
}

// Delete removes the access code id of tenantID. It is refused while called
// routes use the access code.
func (s *Service) Delete(ctx context.Context, tenantID string, id int64) error {
	err := s.store.Delete(ctx, tenantID, id)
	if err == nil {
		s.feed.Sync(ctx)
	}
	if errors.Is(err, ErrRouted) {
		return &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("access code %d is used by called routes; delete them first", id), Err: err}
	}
	return notFound(err, "access code", id)
}

// Query answers queryAccessCodeList for tenantID: the total number of
// matches of q's filters and the page q asks for. Validation errors are of
// kind Invalid.
func (s *Service) Query(ctx context.Context, tenantID string, q Query) (Page, error) {
	if err := q.Validate(); err != nil {
		return Page{}, err
	}
	return s.search(ctx, tenantID, q.Filter, Paging{Offset: q.Offset, Limit: q.Limit})
}

// List pages through the access codes of tenantID for admin tools, without
// the vendor's offset cap: up to o.Limit codes after o.After.
func (s *Service) List(ctx context.Context, tenantID string, o ListOptions) (Page, error) {
	if err := o.Filter.validate(); err != nil {
		return Page{}, err
	}
	if err := validateFilter("after", o.After, MaxCodeLen); err != nil {
		return Page{}, err
	}
	if o.Limit < 1 || o.Limit > MaxListLimit {
		return Page{}, aiccd.Errorf(aiccd.KindInvalid, "limit: %d is outside 1 to %d", o.Limit, MaxListLimit)
	}
	page, err := s.search(ctx, tenantID, o.Filter, Paging{After: o.After, Limit: o.Limit, CountUpTo: max(o.CountUpTo, 0)})
	if o.CountUpTo > 0 && (o.AccessCode != "" || o.Description != "") {
		page.Total = min(page.Total, o.CountUpTo)
	}
	return page, err
}

func (s *Service) search(ctx context.Context, tenantID string, f Filter, p Paging) (Page, error) {
	// Access codes are digits: a filter with anything else matches none,
	// and needs no look-up.
	if !allDigits(f.AccessCode) {
		return Page{Items: []AccessCode{}}, nil
	}
	f.Description = Fold(f.Description)
	if p.After == "" {
		t, ok, err := s.heldCodes(ctx, tenantID)
		if err != nil {
			return Page{}, err
		}
		switch {
		case ok && !t.large:
			return t.search(f, p), nil
		case ok && rememberable(p):
			return s.answers.Load(ctx, answerKey{tenantID, f, p}, s.storeAnswer)
		}
	}
	return s.storeSearch(ctx, tenantID, f, p)
}

// storeSearch is the store's answer to f and p, with an empty page as a
// list.
func (s *Service) storeSearch(ctx context.Context, tenantID string, f Filter, p Paging) (Page, error) {
	page, err := s.store.Search(ctx, tenantID, f, p)
	if page.Items == nil {
		page.Items = []AccessCode{}
	}
	return page, err
}

// PrepareRoute validates a route to be created now in tenantID.
func (s *Service) PrepareRoute(tenantID string, d RouteDraft) (Route, error) {
	if tenantID == "" {
		return Route{}, aiccd.Errorf(aiccd.KindInvalid, "the tenant is required")
	}
	now := s.now()
	r := Route{
		ID: d.ID, TenantID: tenantID, AccessCode: d.AccessCode, ExtCode: d.ExtCode,
		MediaType: d.MediaType, DeviceType: d.DeviceType, DeviceID: d.DeviceID,
		DeviceDesc: d.DeviceDesc, Editable: d.Editable, CreatedAt: now, UpdatedAt: now,
	}
	if r.ID == 0 {
		r.ID = s.ids.NextID()
	}
	return r, r.validate()
}

// AddRoute creates a called route in tenantID, for one of its access codes.
func (s *Service) AddRoute(ctx context.Context, tenantID string, d RouteDraft) (Route, error) {
	r, err := s.PrepareRoute(tenantID, d)
	if err != nil {
		return Route{}, err
	}
	stored, err := s.store.CreateRoute(ctx, r)
	switch {
	case errors.Is(err, aiccd.ErrConflict):
		dialled := r.AccessCode
		if r.ExtCode != nil {
			dialled += " extension " + *r.ExtCode
		}
		return Route{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("access code %s already has a called route, or ID %d exists", dialled, r.ID), Err: err}
	case errors.Is(err, aiccd.ErrNotFound):
		return Route{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q has no access code %s", tenantID, r.AccessCode), Err: err}
	}
	return stored, err
}

// GetRoute returns the called route id of tenantID.
func (s *Service) GetRoute(ctx context.Context, tenantID string, id int64) (Route, error) {
	r, err := s.store.GetRoute(ctx, tenantID, id)
	return r, notFound(err, "called route", id)
}

// UpdateRoute changes the called route id of tenantID.
func (s *Service) UpdateRoute(ctx context.Context, tenantID string, id int64, p RoutePatch) (Route, error) {
	if p.Empty() {
		return Route{}, aiccd.Errorf(aiccd.KindInvalid, "nothing to change: give at least one field")
	}
	r, err := s.store.UpdateRoute(ctx, tenantID, id, func(r Route) (Route, error) {
		r = p.apply(r)
		r.UpdatedAt = s.now()
		if r.MediaType == 0 {
			return r, mediaTypeError("mediaTypeId", 0)
		}
		return r, r.validate()
	})
	return r, notFound(err, "called route", id)
}

// DeleteRoute removes the called route id of tenantID.
func (s *Service) DeleteRoute(ctx context.Context, tenantID string, id int64) error {
	return notFound(s.store.DeleteRoute(ctx, tenantID, id), "called route", id)
}

// QueryRoutes answers queryCalledRoute for tenantID.
func (s *Service) QueryRoutes(ctx context.Context, tenantID string, q RouteQuery) (RoutePage, error) {
	if err := q.Validate(); err != nil {
		return RoutePage{}, err
	}
	q.DeviceDesc = Fold(q.DeviceDesc)
	page, err := s.store.SearchRoutes(ctx, tenantID, q.RouteFilter, q.Offset, q.Limit)
	if page.Items == nil {
		page.Items = []Route{}
	}
	return page, err
}

// Maintain tidies the search structures after bulk changes.
func (s *Service) Maintain(ctx context.Context) error { return s.store.Maintain(ctx) }
