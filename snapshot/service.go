package snapshot

import (
	"context"
	"errors"
	"fmt"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/tenant"
)

// Service deletes tenants and takes, lists, deletes and restores their
// snapshots. Every write waits, before it returns, until this process's
// read models reflect it (the change feed's Sync), so that the next
// request to this replica sees the tenant as it is now.
type Service struct {
	store Store
	clock aiccd.Clock
	feed  *changefeed.Hub // nil: no read models to wait for
}

// Options are what a Service is built from.
type Options struct {
	Store Store
	Clock aiccd.Clock     // nil: the system clock
	Feed  *changefeed.Hub // nil: no read models to wait for
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	return &Service{store: o.Store, clock: o.Clock, feed: o.Feed}
}

// DeleteTenant deletes the tenant and everything it owns: credentials,
// mall tokens, app keys, access codes, called routes, SmartCare data,
// resources, fault rules scoped to it, its request journal and snapshots.
func (s *Service) DeleteTenant(ctx context.Context, tenantID string) error {
	if err := tenant.ValidateID(tenantID); err != nil {
		return err
	}
	if err := s.store.DeleteTenant(ctx, tenantID); err != nil {
		return tenantError(tenantID, err)
	}
	s.feed.Sync(ctx)
	return nil
}

// Create takes a snapshot of the tenant's state named name.
func (s *Service) Create(ctx context.Context, tenantID, name string) (Snapshot, error) {
	if err := tenant.ValidateID(tenantID); err != nil {
		return Snapshot{}, err
	}
	if err := ValidateName(name); err != nil {
		return Snapshot{}, err
	}
	snap, err := s.store.Capture(ctx, tenantID, MaxRows, MaxBytes)
	if err != nil {
		return Snapshot{}, tenantError(tenantID, err)
	}
	snap.Tenant, snap.Name = tenantID, name
	snap.CreatedAt = aiccd.Millis(s.clock.Now())
	snap.Size = int64(len(snap.Data))
	err = s.store.Save(ctx, snap, MaxPerTenant)
	switch {
	case errors.Is(err, aiccd.ErrConflict):
		return Snapshot{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("tenant %q already has a snapshot named %q", tenantID, name), Err: err}
	case err != nil:
		return Snapshot{}, tenantError(tenantID, err)
	}
	snap.Data = nil
	return snap, nil
}

// List returns the tenant's snapshots by name.
func (s *Service) List(ctx context.Context, tenantID string) ([]Snapshot, error) {
	if err := tenant.ValidateID(tenantID); err != nil {
		return nil, err
	}
	out, err := s.store.List(ctx, tenantID)
	if err != nil {
		return nil, tenantError(tenantID, err)
	}
	return out, nil
}

// Delete deletes the tenant's snapshot name.
func (s *Service) Delete(ctx context.Context, tenantID, name string) error {
	if err := tenant.ValidateID(tenantID); err != nil {
		return err
	}
	if err := ValidateName(name); err != nil {
		return err
	}
	return snapshotError(tenantID, name, s.store.Delete(ctx, tenantID, name))
}

// Restore replaces everything the tenant owns with the snapshot name, in
// one transaction: a concurrent reader sees the state before or after.
func (s *Service) Restore(ctx context.Context, tenantID, name string) (Snapshot, error) {
	if err := tenant.ValidateID(tenantID); err != nil {
		return Snapshot{}, err
	}
	if err := ValidateName(name); err != nil {
		return Snapshot{}, err
	}
	snap, err := s.store.Restore(ctx, tenantID, name)
	if errors.Is(err, aiccd.ErrConflict) {
		return Snapshot{}, &aiccd.Error{Kind: aiccd.KindConflict, Err: err,
			Message: fmt.Sprintf("snapshot %q holds an app key, token or ID that another tenant has taken since; nothing was restored", name)}
	}
	if err != nil {
		return Snapshot{}, snapshotError(tenantID, name, err)
	}
	s.feed.Sync(ctx)
	return snap, nil
}

// tenantError names the tenant in a store's not-found error.
func tenantError(tenantID string, err error) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", tenantID), Err: err}
	}
	return err
}

// snapshotError names the snapshot in a store's not-found error.
func snapshotError(tenantID, name string, err error) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q has no snapshot named %q", tenantID, name), Err: err}
	}
	return err
}
