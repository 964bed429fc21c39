package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/tenant"
)

// The business software mall's OMA interfaces. The mall token (s.mall)
// names the tenant; nothing in the request can name another one. Personal
// data is masked here, at the API boundary, and nowhere else.

// tenantBasic is the answer of querytenantbasic, in the page example's
// field order.
type tenantBasic struct {
	MobilePhone       string `json:"mobilePhone"`
	Company           string `json:"company"`
	CustomerName      string `json:"customerName"`
	Email             string `json:"email"`
	VDN               string `json:"vdn"`
	CreateDate        int64  `json:"createDate"`
	TenantSpaceStatus string `json:"tenantSpaceStatus"`
	PortalURL         string `json:"portalUrl"`
}

// queryTenantBasic serves GET /rest/oma/softwareconsole/tenant/querytenantbasic.
func (s *Server) queryTenantBasic(w http.ResponseWriter, r *http.Request) error {
	t, err := s.tenants.Formal(r.Context(), mallTenantFrom(r.Context()))
	if err != nil {
		return err
	}
	m := t.MallProfile()
	writeJSON(w, http.StatusOK, tenantBasic{
		MobilePhone: m.Mobile, Company: m.Company, CustomerName: m.ContactName, Email: m.Email,
		VDN: t.VDN, CreateDate: t.CreatedAt.UnixMilli(), TenantSpaceStatus: string(t.Status), PortalURL: t.PortalURL,
	})
	return nil
}

// trialTenantInfo is the answer of querytenantinfo, in the page example's
// field order.
type trialTenantInfo struct {
	ExpiryDate        int64  `json:"expiryDate"`
	MobilePhone       string `json:"mobilePhone"`
	PortalURL         string `json:"portalUrl"`
	Company           string `json:"company"`
	TenantSpaceStatus string `json:"tenantSpaceStatus"`
	CustomerName      string `json:"customerName"`
	Email             string `json:"email"`
	CreateDate        int64  `json:"createDate"`
}

// queryTrialTenantInfo serves GET /rest/oma/softwareconsole/trialtenant/querytenantinfo.
func (s *Server) queryTrialTenantInfo(w http.ResponseWriter, r *http.Request) error {
	t, err := s.tenants.Trial(r.Context(), mallTenantFrom(r.Context()))
	if err != nil {
		return err
	}
	m := t.MallProfile()
	writeJSON(w, http.StatusOK, trialTenantInfo{
		ExpiryDate: t.TrialExpiresAt.UnixMilli(), MobilePhone: m.Mobile, PortalURL: t.PortalURL, Company: m.Company,
		TenantSpaceStatus: string(t.Status), CustomerName: m.ContactName, Email: m.Email, CreateDate: t.CreatedAt.UnixMilli(),
	})
	return nil
}

// resourcePage is the answer of queryresource.
type resourcePage struct {
	Result      []resourceItem `json:"result"`
	Count       int            `json:"count"`
	ReturnCode  string         `json:"returnCode"`
	Description string         `json:"description"`
}

// resourceItem is one resource in queryresource's result.
type resourceItem struct {
	ResourceID   string `json:"resourceId"`
	ResourceType string `json:"resourceType"`
	ResourceSpec string `json:"resourceSpec"`
	Quantity     int64  `json:"quantity"`
	StartDate    int64  `json:"startDate"`
	EndDate      int64  `json:"endDate"`
	Status       string `json:"status"`
}

// queryResource serves POST /rest/oma/softwareconsole/tenant/queryresource:
// a page of the token's tenant's resources whose period overlaps
// [startDate, endDate].
func (s *Server) queryResource(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Limit     flexInt `json:"limit"`
		Offset    flexInt `json:"offset"`
		StartDate flexInt `json:"startDate"`
		EndDate   flexInt `json:"endDate"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		return err
	}
	q := tenant.ResourceQuery{Limit: int(req.Limit.v), Offset: int(req.Offset.v)}
	if req.Limit.set && req.Limit.v == 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "limit 0 is not from 1 to %d", tenant.MaxResourceLimit)
	}
	if req.StartDate.set {
		q.From = time.UnixMilli(req.StartDate.v)
	}
	if req.EndDate.set {
		q.To = time.UnixMilli(req.EndDate.v)
	}
	rs, total, err := s.tenants.Resources(r.Context(), mallTenantFrom(r.Context()), q)
	if err != nil {
		return err
	}
	page := resourcePage{Result: make([]resourceItem, len(rs)), Count: total, ReturnCode: "0", Description: "success"}
	for i, res := range rs {
		page.Result[i] = resourceItem{
			ResourceID: res.ID, ResourceType: res.Type, ResourceSpec: res.Spec, Quantity: res.Quantity,
			StartDate: res.StartAt.UnixMilli(), EndDate: res.EndAt.UnixMilli(), Status: string(res.Status),
		}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// flexInt is an integer sent as a JSON number or a string of digits, as
// the platform's clients send both; set tells it from an absent field.
type flexInt struct {
	v   int64
	set bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if len(b) > 1 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "non-integer", Type: reflect.TypeFor[int64]()}
	}
	f.v, f.set = v, true
	return nil
}
