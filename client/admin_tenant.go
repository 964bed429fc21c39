package client

import (
	"context"
	"net/http"
	"time"
)

// Tenant is a tenant as the admin API shows it; Profile only when one
// tenant is read.
type Tenant struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Kind           string    `json:"kind"`         // formal, trial
	SpaceStatus    string    `json:"space_status"` // "1" to "6"
	VDN            string    `json:"vdn"`
	PortalURL      string    `json:"portal_url"`
	TrialExpiresAt time.Time `json:"trial_expires_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Profile        *Profile  `json:"profile,omitempty"`
}

// Profile is a tenant's personal data, in the clear.
type Profile struct {
	Company     string `json:"company,omitempty"`
	ContactName string `json:"contact_name,omitempty"`
	Email       string `json:"email,omitempty"`
	Mobile      string `json:"mobile,omitempty"`
}

// TenantDraft is a tenant to create.
type TenantDraft struct {
	ID             string    `json:"id"`
	Name           string    `json:"name,omitempty"`
	Kind           string    `json:"kind,omitempty"`
	SpaceStatus    string    `json:"space_status,omitempty"`
	VDN            string    `json:"vdn,omitempty"`
	PortalURL      string    `json:"portal_url,omitempty"`
	Company        string    `json:"company,omitempty"`
	ContactName    string    `json:"contact_name,omitempty"`
	Email          string    `json:"email,omitempty"`
	Mobile         string    `json:"mobile,omitempty"`
	CreatedAt      time.Time `json:"created_at,omitzero"`
	TrialExpiresAt time.Time `json:"trial_expires_at,omitzero"`
}

// TenantPatch changes the fields that are not nil.
type TenantPatch struct {
	Name           *string    `json:"name,omitempty"`
	VDN            *string    `json:"vdn,omitempty"`
	PortalURL      *string    `json:"portal_url,omitempty"`
	Company        *string    `json:"company,omitempty"`
	ContactName    *string    `json:"contact_name,omitempty"`
	Email          *string    `json:"email,omitempty"`
	Mobile         *string    `json:"mobile,omitempty"`
	SpaceStatus    *string    `json:"space_status,omitempty"`
	TrialExpiresAt *time.Time `json:"trial_expires_at,omitempty"`
}

// ListTenants lists every tenant, without personal data.
func (a *Admin) ListTenants(ctx context.Context) ([]Tenant, error) {
	return list[Tenant](ctx, a, "/tenants", nil)
}

// CreateTenant creates a tenant.
func (a *Admin) CreateTenant(ctx context.Context, d TenantDraft) (*Tenant, error) {
	return one[Tenant](ctx, a, http.MethodPost, "/tenants", d, http.StatusCreated)
}

// GetTenant reads a tenant with its profile.
func (a *Admin) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	return one[Tenant](ctx, a, http.MethodGet, "/tenants/"+seg(id), nil, http.StatusOK)
}

// UpdateTenant changes a tenant.
func (a *Admin) UpdateTenant(ctx context.Context, id string, p TenantPatch) (*Tenant, error) {
	return one[Tenant](ctx, a, http.MethodPatch, "/tenants/"+seg(id), p, http.StatusOK)
}

// ExpireTenant ends a trial now.
func (a *Admin) ExpireTenant(ctx context.Context, id string) (*Tenant, error) {
	return one[Tenant](ctx, a, http.MethodPost, "/tenants/"+seg(id)+"/expire", nil, http.StatusOK)
}

// ConvertTenant makes a trial a formal tenant.
func (a *Admin) ConvertTenant(ctx context.Context, id string) (*Tenant, error) {
	return one[Tenant](ctx, a, http.MethodPost, "/tenants/"+seg(id)+"/convert", nil, http.StatusOK)
}

// TenantResource is a tenant's resource (subscription) as the admin API
// shows it.
type TenantResource struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	Type        string    `json:"type"`
	Spec        string    `json:"spec"`
	Quantity    int64     `json:"quantity"`
	StartAt     time.Time `json:"start_at"`
	EndAt       time.Time `json:"end_at"`
	CancelledAt time.Time `json:"cancelled_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	Status      string    `json:"status"`
}

// ResourceDraft is a resource to add.
type ResourceDraft struct {
	ID       string    `json:"id"`
	Type     string    `json:"type"`
	Spec     string    `json:"spec,omitempty"`
	Quantity int64     `json:"quantity"`
	StartAt  time.Time `json:"start_at"`
	EndAt    time.Time `json:"end_at"`
}

// ListResources lists a tenant's resources.
func (a *Admin) ListResources(ctx context.Context, tenantID string) ([]TenantResource, error) {
	return list[TenantResource](ctx, a, "/tenants/"+seg(tenantID)+"/resources", nil)
}

// AddResource adds a resource to a tenant.
func (a *Admin) AddResource(ctx context.Context, tenantID string, d ResourceDraft) (*TenantResource, error) {
	return one[TenantResource](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/resources", d, http.StatusCreated)
}

// CancelResource withdraws a resource.
func (a *Admin) CancelResource(ctx context.Context, tenantID, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/resources/"+seg(id), nil, nil, http.StatusOK, nil)
}

// VerificationCode is a phone verification code for applyTenant.
type VerificationCode struct {
	Phone     string    `json:"phone"`
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IssueVerificationCode issues a code for a phone number; ttl 0 means the
// server's default (10 minutes).
func (a *Admin) IssueVerificationCode(ctx context.Context, phone string, ttl time.Duration) (*VerificationCode, error) {
	body := map[string]any{"phone": phone}
	if ttl > 0 {
		body["ttl_seconds"] = int64(ttl / time.Second)
	}
	return one[VerificationCode](ctx, a, http.MethodPost, "/verificationcodes", body, http.StatusCreated)
}
