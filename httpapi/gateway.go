package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
)

type tokenByAkSkRequest struct {
	AppKey    *string `json:"app_key"`
	AppSecret *string `json:"app_secret"`
}

// tokenByAkSkResponse is the gateway's answer: every value a string, the
// keys in PascalCase.
type tokenByAkSkResponse struct {
	AccessToken string `json:"AccessToken"`
	ApplyType   string `json:"ApplyType"`
	CreateTime  string `json:"CreateTime"`
	Expires     string `json:"Expires"`
	Scope       string `json:"Scope"`
	AppKey      string `json:"AppKey"`
	UserID      string `json:"UserID"`
}

var errTokenExpireHeader = aiccd.Errorf(aiccd.KindInvalid, "X-Token-Expire must be a whole number of seconds from 1 to 3600")

// tokenByAkSk exchanges an app key and secret for a Bearer token:
// POST /apigovernance/api/oauth/tokenByAkSk.
func (s *Server) tokenByAkSk(w http.ResponseWriter, r *http.Request) error {
	ttl := credential.DefaultGatewayTokenTTL
	if h, ok := r.Header["X-Token-Expire"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(h[0]))
		if err != nil || n < 1 || n > 3600 {
			return errTokenExpireHeader
		}
		ttl = time.Duration(n) * time.Second
	}
	var req tokenByAkSkRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.AppKey == nil || req.AppSecret == nil {
		return aiccd.Errorf(aiccd.KindInvalid, "app_key and app_secret are required")
	}
	tok, err := s.credentials.IssueGatewayToken(r.Context(), *req.AppKey, *req.AppSecret, ttl, s.tenants.CheckInService)
	if err != nil {
		// A refused exchange goes in the journal of the app key's tenant,
		// when the key exists, the secret masked.
		if id, _ := s.credentials.AppKeyTenant(r.Context(), *req.AppKey); id != "" {
			noteTenant(r, id, *req.AppKey)
		}
		return err
	}
	// An issued token names its tenant: the exchange goes in the tenant's
	// journal, the secret and the token masked.
	noteTenant(r, tok.TenantID, tok.AppKey)
	writeJSON(w, http.StatusOK, tokenByAkSkResponse{
		AccessToken: tok.AccessToken,
		ApplyType:   "Bearer",
		CreateTime:  strconv.FormatInt(tok.CreatedAt.Unix(), 10),
		Expires:     strconv.Itoa(int(tok.ExpiresIn.Seconds())),
		Scope:       tok.TenantID,
		AppKey:      tok.AppKey,
		UserID:      "Anonymous",
	})
	return nil
}
