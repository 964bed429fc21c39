package httpapi

import (
	"net/http"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
)

// The admin API provisions what the admin CLI provisions, for scripts and
// tools that reach aiccd over HTTP. Every route is behind s.admin.

// adminScope refuses a request whose path names a tenant or cloud account
// that does not exist, with the answer a look-up of it gives (404, "tenant
// "x" does not exist"): a list under a misspelt tenant would otherwise
// answer an empty list, as if the tenant had nothing. The admin CLI does
// the same for its --tenant and --account flags.
func (s *Server) adminScope(r *http.Request) error {
	if id := r.PathValue("tenant"); id != "" {
		if _, err := s.tenants.Get(r.Context(), id); err != nil {
			return err
		}
	}
	if id := r.PathValue("account"); id != "" {
		if _, err := s.credentials.Account(r.Context(), id); err != nil {
			return err
		}
	}
	return nil
}

func writeList[T any](w http.ResponseWriter, items []T) {
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// reply answers v with status, unless err is set: the tail of most admin
// handlers, which call one service method and show what it returns.
func reply[T any](w http.ResponseWriter, status int, v T, err error) error {
	if err != nil {
		return err
	}
	writeJSON(w, status, v)
	return nil
}

// replyList answers items as {"items": [...]}, unless err is set.
func replyList[T any](w http.ResponseWriter, items []T, err error) error {
	if err != nil {
		return err
	}
	writeList(w, items)
	return nil
}

func (s *Server) adminListTenants(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.tenants.List(r.Context())
	return replyList(w, ts, err)
}

func (s *Server) adminCreateTenant(w http.ResponseWriter, r *http.Request) error {
	var req tenantDraft
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	d, err := req.draft()
	if err != nil {
		return err
	}
	t, err := s.tenants.CreateFrom(r.Context(), d)
	return reply(w, http.StatusCreated, t, err)
}

func (s *Server) adminListAppKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.credentials.AppKeys(r.Context(), r.PathValue("tenant"))
	return replyList(w, ks, err)
}

// appKeyWithSecret shows a new or rotated app key's secret, once.
type appKeyWithSecret struct {
	credential.AppKey
	AppSecret string `json:"app_secret"`
}

func (s *Server) adminCreateAppKey(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeOptionalAdminJSON(r, &req); err != nil {
		return err
	}
	k, secret, err := s.credentials.CreateAppKey(r.Context(), r.PathValue("tenant"), req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, appKeyWithSecret{k, secret})
	return nil
}

func (s *Server) adminUpdateAppKey(w http.ResponseWriter, r *http.Request) error {
	enabled, err := decodeEnabled(r)
	if err != nil {
		return err
	}
	k, err := s.credentials.SetAppKeyEnabled(r.Context(), r.PathValue("key"), enabled)
	return reply(w, http.StatusOK, k, err)
}

// decodeEnabled reads the body of a request that switches a credential
// on or off: {"enabled": true|false}, the field required.
func decodeEnabled(r *http.Request) (bool, error) {
	var req struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return false, err
	}
	if req.Enabled == nil {
		return false, errEnabledRequired
	}
	return *req.Enabled, nil
}

var errEnabledRequired = aiccd.Errorf(aiccd.KindInvalid, "enabled is required")

func (s *Server) adminRotateAppKey(w http.ResponseWriter, r *http.Request) error {
	k, secret, err := s.credentials.RotateAppKey(r.Context(), r.PathValue("key"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, appKeyWithSecret{k, secret})
	return nil
}

func (s *Server) adminListMallTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.credentials.MallTokens(r.Context(), r.PathValue("tenant"))
	if err != nil {
		return err
	}
	infos := make([]credential.TokenInfo, len(ts))
	for i, t := range ts {
		infos[i] = t.Info()
	}
	writeList(w, infos)
	return nil
}

func (s *Server) adminIssueMallToken(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		TTLSeconds int64 `json:"ttl_seconds"`
	}
	if err := decodeOptionalAdminJSON(r, &req); err != nil {
		return err
	}
	ttl := credential.DefaultMallTokenTTL
	if req.TTLSeconds != 0 {
		ttl = time.Duration(req.TTLSeconds) * time.Second
	}
	t, token, err := s.credentials.IssueMallToken(r.Context(), r.PathValue("tenant"), ttl)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct {
		credential.TokenInfo
		Token string `json:"token"`
	}{t.Info(), token})
	return nil
}

func (s *Server) adminRevokeMallTokens(w http.ResponseWriter, r *http.Request) error {
	n, err := s.credentials.RevokeMallTokens(r.Context(), r.PathValue("tenant"), r.PathValue("id"))
	if err != nil {
		return err
	}
	if n == 0 {
		return aiccd.Errorf(aiccd.KindNotFound, "no unrevoked mall token has that ID")
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
	return nil
}

func (s *Server) adminListAccounts(w http.ResponseWriter, r *http.Request) error {
	as, err := s.credentials.Accounts(r.Context())
	return replyList(w, as, err)
}

func (s *Server) adminCreateAccount(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Partner bool   `json:"partner"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	a, err := s.credentials.CreateAccount(r.Context(), req.ID, req.Name, req.Partner)
	return reply(w, http.StatusCreated, a, err)
}

func (s *Server) adminUpdateAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var req struct {
		Partner *bool `json:"partner"`
		Enabled *bool `json:"enabled"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	a, err := s.credentials.Account(ctx, r.PathValue("account"))
	if err != nil {
		return err
	}
	if req.Partner != nil {
		a.IsPartner = *req.Partner
	}
	if req.Enabled != nil {
		a.Enabled = *req.Enabled
	}
	if a, err = s.credentials.UpdateAccount(ctx, a.ID, a.IsPartner, a.Enabled); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) adminListIAMUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.credentials.IAMUsers(r.Context(), r.PathValue("account"))
	return replyList(w, us, err)
}

func (s *Server) adminCreateIAMUser(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	u, err := s.credentials.CreateIAMUser(r.Context(), r.PathValue("account"), req.Name, req.Password)
	return reply(w, http.StatusCreated, u, err)
}

func (s *Server) adminUpdateIAMUser(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Enabled  *bool  `json:"enabled"`
		Password string `json:"password"`
	}
	if err := decodeAdminJSON(r, &req); err != nil {
		return err
	}
	if req.Enabled == nil {
		return errEnabledRequired
	}
	u, err := s.credentials.UpdateIAMUser(r.Context(), r.PathValue("account"), r.PathValue("user"), *req.Enabled, req.Password)
	return reply(w, http.StatusOK, u, err)
}

func (s *Server) adminListAccessKeys(w http.ResponseWriter, r *http.Request) error {
	ks, err := s.credentials.AccessKeys(r.Context(), r.PathValue("account"))
	return replyList(w, ks, err)
}

// accessKeyWithSecret shows a new AK's SK, once.
type accessKeyWithSecret struct {
	credential.AccessKey
	SK string `json:"sk"`
}

func (s *Server) adminCreateAccessKey(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Description string `json:"description"`
	}
	if err := decodeOptionalAdminJSON(r, &req); err != nil {
		return err
	}
	k, sk, err := s.credentials.CreateAccessKey(r.Context(), r.PathValue("account"), req.Description)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, accessKeyWithSecret{k, sk})
	return nil
}

func (s *Server) adminUpdateAccessKey(w http.ResponseWriter, r *http.Request) error {
	enabled, err := decodeEnabled(r)
	if err != nil {
		return err
	}
	k, err := s.credentials.SetAccessKeyEnabled(r.Context(), r.PathValue("ak"), enabled)
	return reply(w, http.StatusOK, k, err)
}

func (s *Server) adminRotateAccessKey(w http.ResponseWriter, r *http.Request) error {
	k, sk, err := s.credentials.RotateAccessKey(r.Context(), r.PathValue("ak"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accessKeyWithSecret{k, sk})
	return nil
}
