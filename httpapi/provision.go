package httpapi

import (
	"net/http"

	"github.com/aiccd/aiccd/tenant"
)

// applyResult is the answer of a successful applyTenant.
type applyResult struct {
	ReturnCode  string `json:"returnCode"`
	Description string `json:"description"`
	TenantID    string `json:"tenantId"`
	ExpiryDate  int64  `json:"expiryDate"`
}

// applyTenant serves POST /apiaccess/rest/ipccprovision/v1/applyTry/applyTenant:
// the one-click trial application. It sits behind the app gateway (any
// valid Bearer token); refusals are return codes, mapped in errors.go.
func (s *Server) applyTenant(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		CompanyName     string `json:"companyName"`
		Phone           string `json:"phone"`
		PhoneVerifyCode string `json:"phoneVerifyCode"`
		Email           string `json:"email"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	t, err := s.tenants.Apply(r.Context(), tenant.Application{
		Company: req.CompanyName, Phone: req.Phone, VerifyCode: req.PhoneVerifyCode, Email: req.Email,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, applyResult{ReturnCode: applySuccess, Description: "success", TenantID: t.ID, ExpiryDate: t.TrialExpiresAt.UnixMilli()})
	return nil
}
