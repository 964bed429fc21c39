package httpapi

import (
	"net/http"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/tenant"
)

// The admin API of tenants: profiles in the clear (the administrator owns
// them), lifecycle, resources and phone verification codes.

// tenantDraft is the admin API's body for a new tenant.
type tenantDraft struct {
	ID             string    `json:"id"`
	Name           string    `json:"name"`
	Kind           string    `json:"kind"`
	SpaceStatus    string    `json:"space_status"`
	VDN            string    `json:"vdn"`
	PortalURL      string    `json:"portal_url"`
	Company        string    `json:"company"`
	ContactName    string    `json:"contact_name"`
	Email          string    `json:"email"`
	Mobile         string    `json:"mobile"`
	CreatedAt      time.Time `json:"created_at"`
	TrialExpiresAt time.Time `json:"trial_expires_at"`
}

func (d tenantDraft) draft() (tenant.Draft, error) {
	out := tenant.Draft{
		ID: d.ID, Name: d.Name, Kind: tenant.Kind(d.Kind), VDN: d.VDN, PortalURL: d.PortalURL,
		Profile:   tenant.Profile{Company: d.Company, ContactName: d.ContactName, Email: d.Email, Mobile: d.Mobile},
		CreatedAt: d.CreatedAt, TrialExpiresAt: d.TrialExpiresAt,
	}
	if d.SpaceStatus != "" {
		st, err := tenant.ParseStatus(d.SpaceStatus)
		if err != nil {
			return tenant.Draft{}, err
		}
		out.Status = st
	}
	return out, nil
}

func (s *Server) adminGetTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := s.tenants.Get(r.Context(), r.PathValue("tenant"))
	return reply(w, http.StatusOK, t, err)
}

func (s *Server) adminUpdateTenant(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name           *string    `json:"name"`
		VDN            *string    `json:"vdn"`
		PortalURL      *string    `json:"portal_url"`
		Company        *string    `json:"company"`
		ContactName    *string    `json:"contact_name"`
		Email          *string    `json:"email"`
		Mobile         *string    `json:"mobile"`
		SpaceStatus    *string    `json:"space_status"`
		TrialExpiresAt *time.Time `json:"trial_expires_at"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	p := tenant.Patch{
		Name: req.Name, VDN: req.VDN, PortalURL: req.PortalURL, Company: req.Company, ContactName: req.ContactName,
		Email: req.Email, Mobile: req.Mobile, TrialExpiresAt: req.TrialExpiresAt,
	}
	if req.SpaceStatus != nil {
		st, err := tenant.ParseStatus(*req.SpaceStatus)
		if err != nil {
			return err
		}
		p.Status = &st
	}
	t, err := s.tenants.Update(r.Context(), r.PathValue("tenant"), p)
	return reply(w, http.StatusOK, t, err)
}

func (s *Server) adminExpireTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := s.tenants.Expire(r.Context(), r.PathValue("tenant"))
	return reply(w, http.StatusOK, t, err)
}

func (s *Server) adminConvertTenant(w http.ResponseWriter, r *http.Request) error {
	t, err := s.tenants.Convert(r.Context(), r.PathValue("tenant"))
	return reply(w, http.StatusOK, t, err)
}

func (s *Server) adminListResources(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.tenants.AllResources(r.Context(), r.PathValue("tenant"))
	return replyList(w, rs, err)
}

func (s *Server) adminAddResource(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ID       string    `json:"id"`
		Type     string    `json:"type"`
		Spec     string    `json:"spec"`
		Quantity int64     `json:"quantity"`
		StartAt  time.Time `json:"start_at"`
		EndAt    time.Time `json:"end_at"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	res, err := s.tenants.AddResource(r.Context(), r.PathValue("tenant"), tenant.ResourceDraft{
		ID: req.ID, Type: req.Type, Spec: req.Spec, Quantity: req.Quantity, StartAt: req.StartAt, EndAt: req.EndAt,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, res)
	return nil
}

func (s *Server) adminCancelResource(w http.ResponseWriter, r *http.Request) error {
	if err := s.tenants.CancelResource(r.Context(), r.PathValue("tenant"), r.PathValue("id")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"cancelled": true})
	return nil
}

// adminIssueVerificationCode issues a phone verification code for a trial
// application; aiccd sends no SMS, so the caller passes it on.
func (s *Server) adminIssueVerificationCode(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Phone      string `json:"phone"`
		TTLSeconds int64  `json:"ttl_seconds"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	if req.TTLSeconds < 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "ttl_seconds must not be negative")
	}
	code, expires, err := s.tenants.IssueVerificationCode(r.Context(), req.Phone, time.Duration(req.TTLSeconds)*time.Second)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"phone": tenant.NormalizeMobile(req.Phone), "code": code, "expires_at": expires})
	return nil
}
