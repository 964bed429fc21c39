package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// AdminAccessCode is an access code as the admin API shows it.
type AdminAccessCode struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	AccessCode  string    `json:"access_code"`
	MediaType   int       `json:"media_type"`
	N400Number  *string   `json:"n400_number"`
	Description *string   `json:"description"`
	CallAttr    int       `json:"call_attr"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// AccessCodeDraft is an access code to add.
type AccessCodeDraft struct {
	ID          string  `json:"id,omitempty"` // keep another system's ID
	AccessCode  string  `json:"access_code"`
	MediaType   int     `json:"media_type"`
	N400Number  *string `json:"n400_number,omitempty"`
	Description *string `json:"description,omitempty"`
	CallAttr    int     `json:"call_attr"`
}

// AccessCodePatch changes the fields that are not nil; an empty
// N400Number or Description clears it.
type AccessCodePatch struct {
	AccessCode  *string `json:"access_code,omitempty"`
	MediaType   *int    `json:"media_type,omitempty"`
	N400Number  *string `json:"n400_number,omitempty"`
	Description *string `json:"description,omitempty"`
	CallAttr    *int    `json:"call_attr,omitempty"`
}

// AccessCodeFilter selects access codes to list; zero values select all.
type AccessCodeFilter struct {
	AccessCode  string
	Description string
	MediaType   int
	After       string // the last access code of the previous page
	Limit       int
}

// AdminAccessCodePage is a page of access codes; Total counts every
// match.
type AdminAccessCodePage struct {
	Total int               `json:"total"`
	Items []AdminAccessCode `json:"items"`
}

// ListAccessCodes lists a tenant's access codes.
func (a *Admin) ListAccessCodes(ctx context.Context, tenantID string, f AccessCodeFilter) (*AdminAccessCodePage, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("access_code", f.AccessCode)
	set("description", f.Description)
	set("after", f.After)
	if f.MediaType != 0 {
		q.Set("media_type", strconv.Itoa(f.MediaType))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out AdminAccessCodePage
	if err := a.do(ctx, http.MethodGet, "/tenants/"+seg(tenantID)+"/accesscodes", q, nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AddAccessCode adds an access code.
func (a *Admin) AddAccessCode(ctx context.Context, tenantID string, d AccessCodeDraft) (*AdminAccessCode, error) {
	return one[AdminAccessCode](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/accesscodes", d, http.StatusCreated)
}

// GetAccessCode reads an access code.
func (a *Admin) GetAccessCode(ctx context.Context, tenantID, id string) (*AdminAccessCode, error) {
	return one[AdminAccessCode](ctx, a, http.MethodGet, "/tenants/"+seg(tenantID)+"/accesscodes/"+seg(id), nil, http.StatusOK)
}

// UpdateAccessCode changes an access code.
func (a *Admin) UpdateAccessCode(ctx context.Context, tenantID, id string, p AccessCodePatch) (*AdminAccessCode, error) {
	return one[AdminAccessCode](ctx, a, http.MethodPatch, "/tenants/"+seg(tenantID)+"/accesscodes/"+seg(id), p, http.StatusOK)
}

// DeleteAccessCode deletes an access code no route uses.
func (a *Admin) DeleteAccessCode(ctx context.Context, tenantID, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/accesscodes/"+seg(id), nil, nil, http.StatusNoContent, nil)
}

// AdminCalledRoute is a called route as the admin API shows it.
type AdminCalledRoute struct {
	ID         string    `json:"id"`
	TenantID   string    `json:"tenant_id"`
	AccessCode string    `json:"access_code"`
	ExtCode    *string   `json:"ext_code"`
	MediaType  int       `json:"media_type"`
	DeviceType int       `json:"device_type"`
	DeviceID   int64     `json:"device_id"`
	DeviceDesc *string   `json:"device_desc"`
	DNID       int64     `json:"dnid"`
	Editable   int       `json:"editable"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CalledRouteDraft is a called route to add.
type CalledRouteDraft struct {
	ID         string  `json:"id,omitempty"`
	AccessCode string  `json:"access_code"`
	ExtCode    *string `json:"ext_code,omitempty"`
	MediaType  int     `json:"media_type,omitempty"` // 0: the access code's
	DeviceType int     `json:"device_type"`          // 1 skill queue, 3 IVR
	DeviceID   int64   `json:"device_id"`
	DeviceDesc *string `json:"device_desc,omitempty"`
	Editable   int     `json:"editable,omitempty"`
}

// CalledRoutePatch changes the fields that are not nil.
type CalledRoutePatch struct {
	MediaType  *int    `json:"media_type,omitempty"`
	DeviceType *int    `json:"device_type,omitempty"`
	DeviceID   *int64  `json:"device_id,omitempty"`
	DeviceDesc *string `json:"device_desc,omitempty"`
	Editable   *int    `json:"editable,omitempty"`
}

// AdminCalledRoutePage is a page of called routes; Total counts every
// match.
type AdminCalledRoutePage struct {
	Total int                `json:"total"`
	Items []AdminCalledRoute `json:"items"`
}

// ListCalledRoutes lists a tenant's called routes (of one access code
// when accessCode is not "").
func (a *Admin) ListCalledRoutes(ctx context.Context, tenantID, accessCode string) (*AdminCalledRoutePage, error) {
	q := url.Values{}
	if accessCode != "" {
		q.Set("access_code", accessCode)
	}
	var out AdminCalledRoutePage
	if err := a.do(ctx, http.MethodGet, "/tenants/"+seg(tenantID)+"/calledroutes", q, nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AddCalledRoute adds a called route.
func (a *Admin) AddCalledRoute(ctx context.Context, tenantID string, d CalledRouteDraft) (*AdminCalledRoute, error) {
	return one[AdminCalledRoute](ctx, a, http.MethodPost, "/tenants/"+seg(tenantID)+"/calledroutes", d, http.StatusCreated)
}

// GetCalledRoute reads a called route.
func (a *Admin) GetCalledRoute(ctx context.Context, tenantID, id string) (*AdminCalledRoute, error) {
	return one[AdminCalledRoute](ctx, a, http.MethodGet, "/tenants/"+seg(tenantID)+"/calledroutes/"+seg(id), nil, http.StatusOK)
}

// UpdateCalledRoute changes a called route.
func (a *Admin) UpdateCalledRoute(ctx context.Context, tenantID, id string, p CalledRoutePatch) (*AdminCalledRoute, error) {
	return one[AdminCalledRoute](ctx, a, http.MethodPatch, "/tenants/"+seg(tenantID)+"/calledroutes/"+seg(id), p, http.StatusOK)
}

// DeleteCalledRoute deletes a called route.
func (a *Admin) DeleteCalledRoute(ctx context.Context, tenantID, id string) error {
	return a.do(ctx, http.MethodDelete, "/tenants/"+seg(tenantID)+"/calledroutes/"+seg(id), nil, nil, http.StatusNoContent, nil)
}
