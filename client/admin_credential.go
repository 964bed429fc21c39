package client

import (
	"context"
	"net/http"
	"time"
)

// AppKey is an app key of the app gateway; AppSecret is set only when
// the key is created or rotated.
type AppKey struct {
	AppKey    string    `json:"app_key"`
	TenantID  string    `json:"tenant_id"`
	Name      string    `json:"name"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	AppSecret string    `json:"app_secret,omitempty"`
}

// ListAppKeys lists a tenant's app keys.
func (a *Admin) ListAppKeys(ctx context.Context, tenantID string) ([]AppKey, error) {
	return list[AppKey](ctx, a, "/tenants/"+seg(tenantID)+"/appkeys", nil)
}

// CreateAppKey creates an app key; its secret is in the answer only.
func (a *Admin) CreateAppKey(ctx context.Context, tenantID, name string) (*AppKey, error) {
	return one[AppKey](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/appkeys", map[string]string{"name": name}, http.StatusCreated)
}

// SetAppKeyEnabled enables or disables an app key.
func (a *Admin) SetAppKeyEnabled(ctx context.Context, key string, enabled bool) (*AppKey, error) {
	return one[AppKey](ctx, a, http.MethodPatch, "/appkeys/"+seg(key), map[string]bool{"enabled": enabled}, http.StatusOK)
}

// RotateAppKey gives an app key a new secret and revokes its tokens.
func (a *Admin) RotateAppKey(ctx context.Context, key string) (*AppKey, error) {
	return one[AppKey](ctx, a, http.MethodPost, "/appkeys/"+seg(key)+"/rotate", nil, http.StatusOK)
}

// MallToken is a mall access token as the admin API shows it; Token is
// set only when it is issued.
type MallToken struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	TenantID  string     `json:"tenant_id"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	Token     string     `json:"token,omitempty"`
}

// ListMallTokens lists a tenant's mall tokens (never the tokens).
func (a *Admin) ListMallTokens(ctx context.Context, tenantID string) ([]MallToken, error) {
	return list[MallToken](ctx, a, "/tenants/"+seg(tenantID)+"/malltokens", nil)
}

// IssueMallToken issues a mall token; ttl 0 means a year.
func (a *Admin) IssueMallToken(ctx context.Context, tenantID string, ttl time.Duration) (*MallToken, error) {
	return one[MallToken](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/malltokens",
		map[string]int64{"ttl_seconds": int64(ttl / time.Second)}, http.StatusCreated)
}

// RevokeMallToken revokes a mall token by its ID.
func (a *Admin) RevokeMallToken(ctx context.Context, tenantID, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/malltokens/"+seg(id), nil, nil, http.StatusOK, nil)
}

// Account is a cloud account (an IAM domain); partners have Partner set.
type Account struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Partner   bool      `json:"partner"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ListAccounts lists the cloud accounts.
func (a *Admin) ListAccounts(ctx context.Context) ([]Account, error) {
	return list[Account](ctx, a, "/accounts", nil)
}

// CreateAccount creates a cloud account; name "" is its ID.
func (a *Admin) CreateAccount(ctx context.Context, id, name string, partner bool) (*Account, error) {
	return one[Account](ctx, a, http.MethodPost, "/accounts", map[string]any{"id": id, "name": name, "partner": partner}, http.StatusCreated)
}

// AccountPatch changes the fields that are not nil.
type AccountPatch struct {
	Partner *bool `json:"partner,omitempty"`
	Enabled *bool `json:"enabled,omitempty"`
}

// UpdateAccount changes an account.
func (a *Admin) UpdateAccount(ctx context.Context, id string, p AccountPatch) (*Account, error) {
	return one[Account](ctx, a, http.MethodPatch, "/accounts/"+seg(id), p, http.StatusOK)
}

// IAMUser is an IAM user of a cloud account.
type IAMUser struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ListIAMUsers lists an account's IAM users.
func (a *Admin) ListIAMUsers(ctx context.Context, accountID string) ([]IAMUser, error) {
	return list[IAMUser](ctx, a, "/accounts/"+seg(accountID)+"/users", nil)
}

// CreateIAMUser creates an IAM user.
func (a *Admin) CreateIAMUser(ctx context.Context, accountID, name, password string) (*IAMUser, error) {
	return one[IAMUser](ctx, a, http.MethodPost, "/accounts/"+seg(accountID)+"/users",
		map[string]string{"name": name, "password": password}, http.StatusCreated)
}

// UpdateIAMUser enables or disables a user (disabling revokes its
// tokens) and, when password is not "", sets a new password.
func (a *Admin) UpdateIAMUser(ctx context.Context, accountID, user string, enabled bool, password string) (*IAMUser, error) {
	return one[IAMUser](ctx, a, http.MethodPatch, "/accounts/"+seg(accountID)+"/users/"+seg(user),
		map[string]any{"enabled": enabled, "password": password}, http.StatusOK)
}

// AccessKey is an AK of a cloud account; SK is set only when it is
// created.
type AccessKey struct {
	AK          string    `json:"ak"`
	AccountID   string    `json:"account_id"`
	Description string    `json:"description"`
	Enabled     bool      `json:"enabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	SK          string    `json:"sk,omitempty"`
}

// ListAccessKeys lists an account's AKs.
func (a *Admin) ListAccessKeys(ctx context.Context, accountID string) ([]AccessKey, error) {
	return list[AccessKey](ctx, a, "/accounts/"+seg(accountID)+"/accesskeys", nil)
}

// CreateAccessKey creates an AK/SK pair; the SK is in the answer only.
func (a *Admin) CreateAccessKey(ctx context.Context, accountID, description string) (*AccessKey, error) {
	return one[AccessKey](ctx, a, http.MethodPost, "/accounts/"+seg(accountID)+"/accesskeys",
		map[string]string{"description": description}, http.StatusCreated)
}

// SetAccessKeyEnabled enables or disables an AK.
func (a *Admin) SetAccessKeyEnabled(ctx context.Context, ak string, enabled bool) (*AccessKey, error) {
	return one[AccessKey](ctx, a, http.MethodPatch, "/accesskeys/"+seg(ak), map[string]bool{"enabled": enabled}, http.StatusOK)
}

// RotateAccessKey disables an AK and creates a new pair.
func (a *Admin) RotateAccessKey(ctx context.Context, ak string) (*AccessKey, error) {
	return one[AccessKey](ctx, a, http.MethodPost, "/accesskeys/"+seg(ak)+"/rotate", nil, http.StatusOK)
}
