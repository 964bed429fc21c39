// Package tenant is the registry of tenants: the customers of the platform
// whose data every other domain partitions by.
package tenant

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/aiccd/aiccd"
)

// Tenant is one customer space. Every access code, credential, scene and
// record belongs to exactly one tenant.
type Tenant struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Store persists tenants. Create returns aiccd.ErrConflict for an existing
// ID; Get returns aiccd.ErrNotFound for a missing one.
type Store interface {
	Create(ctx context.Context, t Tenant) error
	CreateBatch(ctx context.Context, ts []Tenant) error
	Get(ctx context.Context, id string) (Tenant, error)
	List(ctx context.Context) ([]Tenant, error)
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ValidateID checks a tenant ID: 1 to 64 lower-case letters, digits, '-' or
// '_', starting with a letter or digit. IDs appear in URLs and file names.
func ValidateID(id string) error {
	if !idPattern.MatchString(id) {
		return aiccd.Errorf(aiccd.KindInvalid, "tenant ID %q must be 1 to 64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit", id)
	}
	return nil
}

// Service applies the tenant rules on top of a Store.
type Service struct {
	store Store
	clock aiccd.Clock
}

// NewService returns a Service over store.
func NewService(store Store, clock aiccd.Clock) *Service {
	return &Service{store: store, clock: clock}
}

// Create registers a new tenant.
func (s *Service) Create(ctx context.Context, id, name string) (Tenant, error) {
	t, err := s.New(id, name)
	if err != nil {
		return Tenant{}, err
	}
	if err := s.store.Create(ctx, t); err != nil {
		return Tenant{}, conflictByID(err, id)
	}
	return t, nil
}

// CreateBatch registers tenants made by New, all or none.
func (s *Service) CreateBatch(ctx context.Context, ts []Tenant) error {
	err := s.store.CreateBatch(ctx, ts)
	if len(ts) == 1 {
		return conflictByID(err, ts[0].ID)
	}
	return err
}

// conflictByID names the tenant in a conflict error.
func conflictByID(err error, id string) error {
	if errors.Is(err, aiccd.ErrConflict) {
		return &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("tenant %q already exists", id), Err: err}
	}
	return err
}

// Get returns the tenant with id.
func (s *Service) Get(ctx context.Context, id string) (Tenant, error) {
	return s.store.Get(ctx, id)
}

// List returns every tenant, ordered by ID.
func (s *Service) List(ctx context.Context) ([]Tenant, error) {
	return s.store.List(ctx)
}

// New validates a tenant to be created now.
func (s *Service) New(id, name string) (Tenant, error) {
	if err := ValidateID(id); err != nil {
		return Tenant{}, err
	}
	if len(name) > 256 {
		return Tenant{}, aiccd.Errorf(aiccd.KindInvalid, "tenant name is longer than 256 bytes")
	}
	now := s.clock.Now().UTC().Truncate(time.Millisecond)
	return Tenant{ID: id, Name: name, CreatedAt: now, UpdatedAt: now}, nil
}
