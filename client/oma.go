package client

import (
	"context"
	"net/http"
	"time"
)

// The OMA interfaces of the business software mall, authenticated with a
// tenant's mall access token (WithMallToken). Personal data arrives
// masked.

// TenantBasic is querytenantbasic's answer.
type TenantBasic struct {
	MobilePhone       string `json:"mobilePhone"`
	Company           string `json:"company"`
	CustomerName      string `json:"customerName"`
	Email             string `json:"email"`
	VDN               string `json:"vdn"`
	CreateDate        Millis `json:"createDate"`
	TenantSpaceStatus string `json:"tenantSpaceStatus"`
	PortalURL         string `json:"portalUrl"`
}

// QueryTenantBasic reads the mall customer's tenant
// (GET /rest/oma/softwareconsole/tenant/querytenantbasic). A trial
// tenant's token is refused with 401.
func (c *Client) QueryTenantBasic(ctx context.Context) (*TenantBasic, error) {
	var out TenantBasic
	if err := c.omaGet(ctx, "/rest/oma/softwareconsole/tenant/querytenantbasic", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TrialTenantInfo is querytenantinfo's answer.
type TrialTenantInfo struct {
	ExpiryDate        Millis `json:"expiryDate"`
	MobilePhone       string `json:"mobilePhone"`
	PortalURL         string `json:"portalUrl"`
	Company           string `json:"company"`
	TenantSpaceStatus string `json:"tenantSpaceStatus"`
	CustomerName      string `json:"customerName"`
	Email             string `json:"email"`
	CreateDate        Millis `json:"createDate"`
}

// QueryTrialTenantInfo reads the mall customer's trial tenant
// (GET /rest/oma/softwareconsole/trialtenant/querytenantinfo). A formal
// tenant's token is answered 404.
func (c *Client) QueryTrialTenantInfo(ctx context.Context) (*TrialTenantInfo, error) {
	var out TrialTenantInfo
	if err := c.omaGet(ctx, "/rest/oma/softwareconsole/trialtenant/querytenantinfo", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) omaGet(ctx context.Context, path string, out any) error {
	a, err := c.send(ctx, call{method: http.MethodGet, path: path, auth: authMall, safe: true, family: FamilyOMA})
	if err != nil {
		return err
	}
	if a.status != http.StatusOK {
		return parseError(a, FamilyOMA)
	}
	return decodeJSON(a, out)
}

// ResourceQuery asks queryresource for a page of resources whose period
// overlaps [Start, End]; zero values are left out of the request.
type ResourceQuery struct {
	Limit  int // 1 to 99; 0: the server's default, 10
	Offset int
	Start  time.Time
	End    time.Time
}

// ResourcePage is queryresource's answer; Count is the number of matches
// in all.
type ResourcePage struct {
	Result      []Resource `json:"result"`
	Count       int        `json:"count"`
	ReturnCode  Code       `json:"returnCode"`
	Description string     `json:"description"`
}

// Resource is one of a tenant's resources (subscriptions).
type Resource struct {
	ResourceID   string `json:"resourceId"`
	ResourceType string `json:"resourceType"`
	ResourceSpec string `json:"resourceSpec"`
	Quantity     int64  `json:"quantity"`
	StartDate    Millis `json:"startDate"`
	EndDate      Millis `json:"endDate"`
	Status       string `json:"status"` // pending, active, expired, cancelled
}

// QueryResource reads a page of the tenant's resources
// (POST /rest/oma/softwareconsole/tenant/queryresource).
func (c *Client) QueryResource(ctx context.Context, q ResourceQuery) (*ResourcePage, error) {
	body := map[string]int64{}
	if q.Limit != 0 {
		body["limit"] = int64(q.Limit)
	}
	if q.Offset != 0 {
		body["offset"] = int64(q.Offset)
	}
	if !q.Start.IsZero() {
		body["startDate"] = q.Start.UnixMilli()
	}
	if !q.End.IsZero() {
		body["endDate"] = q.End.UnixMilli()
	}
	a, err := c.send(ctx, call{method: http.MethodPost, path: "/rest/oma/softwareconsole/tenant/queryresource",
		body: body, auth: authMall, safe: true, family: FamilyOMA})
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, parseError(a, FamilyOMA)
	}
	var out ResourcePage
	if err := decodeJSON(a, &out); err != nil {
		return nil, err
	}
	if out.ReturnCode != "0" {
		return nil, &APIError{Status: a.status, Family: FamilyCC, Code: string(out.ReturnCode), Message: out.Description,
			RequestID: a.header.Get("X-Request-Id"), Body: a.body}
	}
	return &out, nil
}
