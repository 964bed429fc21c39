package tenant

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/aiccd/aiccd"
)

// Resource is something a tenant bought or was given for a period: a
// subscription of Quantity units of Type (for example 10 "agent" seats of
// spec "voice-agent-standard") from StartAt to EndAt. The business
// software mall lists them with queryresource.
type Resource struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	Type     string `json:"type"`
	Spec     string `json:"spec"`
	Quantity int64  `json:"quantity"`
	// StartAt and EndAt bound the period of use, end excluded.
	StartAt time.Time `json:"start_at"`
	EndAt   time.Time `json:"end_at"`
	// CancelledAt is when an administrator withdrew it; zero if never.
	CancelledAt time.Time `json:"cancelled_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	// Status is derived from the dates and the clock; it is not stored.
	Status ResourceStatus `json:"status"`
}

// ResourceStatus tells where a resource is in its period.
type ResourceStatus string

// The resource statuses.
const (
	ResourcePending   ResourceStatus = "pending"   // its period has not begun
	ResourceActive    ResourceStatus = "active"    // in its period
	ResourceExpired   ResourceStatus = "expired"   // its period is over
	ResourceCancelled ResourceStatus = "cancelled" // withdrawn
)

// statusAt derives r's status at now.
func (r Resource) statusAt(now time.Time) ResourceStatus {
	switch {
	case !r.CancelledAt.IsZero():
		return ResourceCancelled
	case now.Before(r.StartAt):
		return ResourcePending
	case now.Before(r.EndAt):
		return ResourceActive
	default:
		return ResourceExpired
	}
}

// ResourceQuery selects a page of a tenant's resources: those whose period
// overlaps [From, To] (a zero bound is open), ordered by start then ID.
type ResourceQuery struct {
	From, To time.Time
	Limit    int
	Offset   int
}

// MaxResourceLimit is the largest page queryresource serves ("limit
// (<100)").
const MaxResourceLimit = 99

// ResourceStore persists resources. CreateResource returns
// aiccd.ErrConflict for an existing ID and aiccd.ErrNotFound for a missing
// tenant; CancelResource returns aiccd.ErrNotFound when tenantID has no
// uncancelled resource id.
type ResourceStore interface {
	CreateResource(ctx context.Context, r Resource) error
	// Resources returns the page q selects of tenantID's resources, and
	// how many there are in all.
	Resources(ctx context.Context, tenantID string, q ResourceQuery) ([]Resource, int, error)
	CancelResource(ctx context.Context, tenantID, id string, at time.Time) error
}

// ResourceDraft is what a resource is made from; an empty ID is drawn
// from the service's ID generator.
type ResourceDraft struct {
	ID       string
	Type     string
	Spec     string
	Quantity int64
	StartAt  time.Time
	EndAt    time.Time
}

var (
	resourceTypePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	resourceIDPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

// AddResource gives tenantID a resource.
func (s *Service) AddResource(ctx context.Context, tenantID string, d ResourceDraft) (Resource, error) {
	if d.ID == "" {
		if s.ids == nil {
			return Resource{}, aiccd.Errorf(aiccd.KindInternal, "no ID generator is configured")
		}
		d.ID = strconv.FormatInt(s.ids.NextID(), 10)
	}
	r := Resource{
		ID: d.ID, TenantID: tenantID, Type: d.Type, Spec: d.Spec, Quantity: d.Quantity,
		StartAt: aiccd.Millis(d.StartAt), EndAt: aiccd.Millis(d.EndAt), CreatedAt: s.now(),
	}
	switch {
	case !resourceIDPattern.MatchString(r.ID):
		return Resource{}, aiccd.Errorf(aiccd.KindInvalid, "resource ID %q must be 1 to 64 letters, digits, '.', '-' or '_'", r.ID)
	case !resourceTypePattern.MatchString(r.Type):
		return Resource{}, aiccd.Errorf(aiccd.KindInvalid, "resource type %q must be 1 to 64 of a-z, 0-9, '.', '-' and '_'", r.Type)
	case checkText(r.Spec, 128) != "":
		return Resource{}, aiccd.Errorf(aiccd.KindInvalid, "resource spec %s", checkText(r.Spec, 128))
	case r.Quantity < 1 || r.Quantity > 1_000_000_000:
		return Resource{}, aiccd.Errorf(aiccd.KindInvalid, "quantity %d is not from 1 to 1000000000", r.Quantity)
	case r.StartAt.IsZero() || r.EndAt.IsZero():
		return Resource{}, aiccd.Errorf(aiccd.KindInvalid, "a resource needs a start and an end")
	case checkTime("the start", r.StartAt) != nil:
		return Resource{}, checkTime("the start", r.StartAt)
	case checkTime("the end", r.EndAt) != nil:
		return Resource{}, checkTime("the end", r.EndAt)
	case !r.EndAt.After(r.StartAt):
		return Resource{}, aiccd.Errorf(aiccd.KindInvalid, "a resource must end after it starts")
	}
	err := s.store.CreateResource(ctx, r)
	switch {
	case errors.Is(err, aiccd.ErrNotFound):
		return Resource{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", tenantID), Err: err}
	case errors.Is(err, aiccd.ErrConflict):
		return Resource{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("resource %q already exists", r.ID), Err: err}
	case err != nil:
		return Resource{}, err
	}
	r.Status = r.statusAt(s.clock.Now())
	return r, nil
}

// Resources returns the page q selects of tenantID's resources and how
// many match in all. A zero Limit is 10.
func (s *Service) Resources(ctx context.Context, tenantID string, q ResourceQuery) ([]Resource, int, error) {
	if q.Limit == 0 {
		q.Limit = 10
	}
	switch {
	case q.Limit < 1 || q.Limit > MaxResourceLimit:
		return nil, 0, aiccd.Errorf(aiccd.KindInvalid, "limit %d is not from 1 to %d", q.Limit, MaxResourceLimit)
	case q.Offset < 0:
		return nil, 0, aiccd.Errorf(aiccd.KindInvalid, "offset %d is negative", q.Offset)
	case !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From):
		return nil, 0, aiccd.Errorf(aiccd.KindInvalid, "the endDate is before the startDate")
	case checkTime("the startDate", q.From) != nil:
		return nil, 0, checkTime("the startDate", q.From)
	case checkTime("the endDate", q.To) != nil:
		return nil, 0, checkTime("the endDate", q.To)
	}
	q.From, q.To = aiccd.Millis(q.From), aiccd.Millis(q.To)
	rs, total, err := s.store.Resources(ctx, tenantID, q)
	if err != nil {
		return nil, 0, err
	}
	now := s.clock.Now()
	for i := range rs {
		rs[i].Status = rs[i].statusAt(now)
	}
	return rs, total, nil
}

// AllResources returns every resource of tenantID, for administrators.
func (s *Service) AllResources(ctx context.Context, tenantID string) ([]Resource, error) {
	var all []Resource
	for {
		page, total, err := s.Resources(ctx, tenantID, ResourceQuery{Limit: MaxResourceLimit, Offset: len(all)})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) == 0 || len(all) >= total {
			return all, nil
		}
	}
}

// CancelResource withdraws resource id of tenantID.
func (s *Service) CancelResource(ctx context.Context, tenantID, id string) error {
	err := s.store.CancelResource(ctx, tenantID, id, s.now())
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q has no resource %q in use", tenantID, id), Err: err}
	}
	return err
}
