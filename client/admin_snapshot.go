package client

import (
	"context"
	"net/http"
	"time"
)

// Snapshot is a stored state of a tenant, which RestoreSnapshot brings
// back: every row the tenant owns but its request journal.
type Snapshot struct {
	Tenant        string    `json:"tenant"`
	Name          string    `json:"name"`
	CreatedAt     time.Time `json:"created_at"`
	SchemaVersion int       `json:"schema_version"`
	Size          int64     `json:"size"` // bytes stored
	Rows          int64     `json:"rows"`
}

// DeleteTenant deletes a tenant and everything it owns (credentials,
// access codes, SmartCare data, fault rules scoped to it, its journal and
// snapshots). It cannot be undone.
func (a *Admin) DeleteTenant(ctx context.Context, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(id), nil, nil, http.StatusNoContent, nil)
}

// CreateSnapshot snapshots the tenant's state under name.
func (a *Admin) CreateSnapshot(ctx context.Context, tenantID, name string) (*Snapshot, error) {
	return one[Snapshot](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/snapshots", map[string]string{"name": name}, http.StatusCreated)
}

// ListSnapshots lists the tenant's snapshots by name.
func (a *Admin) ListSnapshots(ctx context.Context, tenantID string) ([]Snapshot, error) {
	return list[Snapshot](ctx, a, "/tenants/"+seg(tenantID)+"/snapshots", nil)
}

// DeleteSnapshot deletes one of the tenant's snapshots.
func (a *Admin) DeleteSnapshot(ctx context.Context, tenantID, name string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/snapshots/"+seg(name), nil, nil, http.StatusNoContent, nil)
}

// RestoreSnapshot replaces everything the tenant owns with the snapshot,
// in one transaction.
func (a *Admin) RestoreSnapshot(ctx context.Context, tenantID, name string) (*Snapshot, error) {
	return one[Snapshot](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/snapshots/"+seg(name)+"/restore", nil, http.StatusOK)
}
