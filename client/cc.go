package client

import (
	"context"
	"net/http"
)

// The CC-Management APIs and the trial application, behind the app
// gateway (WithAppKey). Their answers carry a string returnCode; anything
// but success is returned as an *APIError of FamilyCC, whatever the HTTP
// status.

// ccEnvelope is a CC-Management answer.
type ccEnvelope[T any] struct {
	ReturnCode  Code   `json:"returnCode"`
	Description string `json:"description"`
	Data        T      `json:"data"`
}

// ccCall sends a CC-Management call and decodes the data of a returnCode
// "0" answer into out.
func (c *Client) ccCall(ctx context.Context, path string, body any, out any) error {
	a, err := c.send(ctx, call{method: http.MethodPost, path: path, body: body, auth: authGateway, safe: true, family: FamilyCC})
	if err != nil {
		return err
	}
	if a.status != http.StatusOK {
		return parseError(a, FamilyCC)
	}
	env := ccEnvelope[any]{Data: out}
	if err := decodeJSON(a, &env); err != nil {
		return err
	}
	if env.ReturnCode != "0" {
		return &APIError{Status: a.status, Family: FamilyCC, Code: string(env.ReturnCode), Message: env.Description,
			RequestID: a.header.Get("X-Request-Id"), Body: a.body}
	}
	return nil
}

// AccessCodeQuery is queryAccessCodeList's request; zero values are left
// out.
type AccessCodeQuery struct {
	AccessCode  string `json:"accessCode,omitempty"`  // codes containing it
	MediatypeID int    `json:"mediatypeId,omitempty"` // 2, 5, 18, 19 or 53
	Description string `json:"description,omitempty"` // descriptions containing it, ignoring case
	// Limit is the page size, 0 to 100; nil means 100, and 0 asks for the
	// count alone.
	Limit  *int `json:"limit,omitempty"`
	Offset int  `json:"offset,omitempty"` // 0 to 100
}

// AccessCode is an access code as queryAccessCodeList answers it.
type AccessCode struct {
	ID          string  `json:"id"`
	AccessCode  string  `json:"accessCode"`
	MediatypeID int     `json:"mediatypeId"`
	N400Number  *string `json:"n400Number"`
	Description *string `json:"description"`
	NumCallAttr int     `json:"numCallAttr"` // 1 inbound, 2 outbound, 3 both
}

// AccessCodePage is queryAccessCodeList's data; Total counts every match.
type AccessCodePage struct {
	Total           int          `json:"total"`
	CalledRouteList []AccessCode `json:"calledRouteList"`
}

// QueryAccessCodeList reads the access codes of the token's tenant
// (POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList).
func (c *Client) QueryAccessCodeList(ctx context.Context, q AccessCodeQuery) (*AccessCodePage, error) {
	var out AccessCodePage
	if err := c.ccCall(ctx, "/apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList", q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CalledRouteQuery is queryCalledRoute's request; zero values are left
// out.
type CalledRouteQuery struct {
	AccessCode  string `json:"accessCode,omitempty"`  // exactly this access code
	ExtCode     string `json:"extCode,omitempty"`     // exactly this extension code
	DeviceType  int    `json:"devicetype,omitempty"`  // 1 skill queue, 3 IVR
	DeviceDesc  string `json:"deviceDesc,omitempty"`  // device descriptions containing it
	MediaTypeID int    `json:"mediaTypeId,omitempty"` // the vendor's request spelling
	Limit       *int   `json:"limit,omitempty"`
	Offset      int    `json:"offset,omitempty"`
}

// CalledRoute is a called route as queryCalledRoute answers it.
type CalledRoute struct {
	ID          string  `json:"id"`
	AccessCode  string  `json:"accessCode"`
	ExtCode     *string `json:"extCode"`
	MediatypeID int     `json:"mediatypeId"`
	DeviceType  int     `json:"devicetype"`
	DeviceID    int64   `json:"deviceId"`
	DeviceDesc  *string `json:"deviceDesc"`
	DNID        int64   `json:"dnid"`
	Editable    Code    `json:"editable"` // "0" to "3"
}

// CalledRoutePage is queryCalledRoute's data; Total counts every match.
type CalledRoutePage struct {
	Total           int           `json:"total"`
	CalledRouteList []CalledRoute `json:"calledRouteList"`
}

// QueryCalledRoute reads the called routes of the token's tenant
// (POST /apiaccess/rest/cc-management/v1/calledRoute/queryCalledRoute).
func (c *Client) QueryCalledRoute(ctx context.Context, q CalledRouteQuery) (*CalledRoutePage, error) {
	var out CalledRoutePage
	if err := c.ccCall(ctx, "/apiaccess/rest/cc-management/v1/calledRoute/queryCalledRoute", q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TrialApplication is applyTenant's request.
type TrialApplication struct {
	CompanyName     string `json:"companyName"`
	Phone           string `json:"phone"`
	PhoneVerifyCode string `json:"phoneVerifyCode"`
	Email           string `json:"email"`
}

// TrialTenant is the trial tenant applyTenant created.
type TrialTenant struct {
	TenantID   string `json:"tenantId"`
	ExpiryDate Millis `json:"expiryDate"`
}

// ApplyTenant applies for a trial tenant
// (POST /apiaccess/rest/ipccprovision/v1/applyTry/applyTenant). A refusal
// is an *APIError with Code "001" (wrong verification code) to "006"
// (invalid company name), or "205" when the server failed. It is never
// sent twice.
func (c *Client) ApplyTenant(ctx context.Context, app TrialApplication) (*TrialTenant, error) {
	a, err := c.send(ctx, call{method: http.MethodPost, path: "/apiaccess/rest/ipccprovision/v1/applyTry/applyTenant",
		body: app, auth: authGateway, family: FamilyCC})
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, parseError(a, FamilyCC)
	}
	var out struct {
		ReturnCode  Code   `json:"returnCode"`
		Description string `json:"description"`
		TrialTenant
	}
	if err := decodeJSON(a, &out); err != nil {
		return nil, err
	}
	if out.ReturnCode != "000" {
		return nil, &APIError{Status: a.status, Family: FamilyCC, Code: string(out.ReturnCode), Message: out.Description,
			RequestID: a.header.Get("X-Request-Id"), Body: a.body}
	}
	return &out.TrialTenant, nil
}

// Ptr returns a pointer to v, for optional fields such as Limit.
func Ptr[T any](v T) *T { return &v }
