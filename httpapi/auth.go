package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/credential"
)

const (
	gatewayPrincipalKey ctxKey = iota + 100
	cloudPrincipalKey
)

// gatewayPrincipalFrom returns the app-gateway caller authenticated by
// s.gateway; handlers take the tenant from it, never from the body.
func gatewayPrincipalFrom(ctx context.Context) credential.GatewayPrincipal {
	p, _ := ctx.Value(gatewayPrincipalKey).(credential.GatewayPrincipal)
	return p
}

// mallTenantFrom returns the tenant authenticated by s.mall.
func mallTenantFrom(ctx context.Context) string {
	if st := requestStateFrom(ctx); st != nil {
		return st.mallTenant
	}
	return ""
}

// cloudPrincipalFrom returns the cloud caller authenticated by s.cloud.
func cloudPrincipalFrom(ctx context.Context) credential.CloudPrincipal {
	p, _ := ctx.Value(cloudPrincipalKey).(credential.CloudPrincipal)
	return p
}

var (
	errNoBearer = aiccd.Errorf(aiccd.KindUnauthorized,
		"the Authorization header must be 'Bearer ' followed by the AccessToken from tokenByAkSk")
	errAppKeyRequired = aiccd.Errorf(aiccd.KindUnauthorized, "the X-APP-Key header is required")
	errAppKeyMismatch = aiccd.Errorf(aiccd.KindUnauthorized, "X-APP-Key is not the app key the token was issued to")
)

// bearerToken reads "Bearer <token>": the scheme in any case, exactly one
// space, a token without spaces.
func bearerToken(h string) (string, bool) {
	const scheme = "bearer "
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", false
	}
	token := h[len(scheme):]
	if strings.ContainsAny(token, " \t") {
		return "", false
	}
	return token, true
}

// gateway authenticates an app-gateway request by its Bearer token, whose
// tenant must be in service. When the client sends X-APP-Key it must be
// the token's app key; with requireAppKey it must be sent.
func (s *Server) gateway(requireAppKey bool, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) (err error) {
		defer func() {
			if err != nil {
				s.attributeRefusal(r)
			}
		}()
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			return errNoBearer
		}
		ctx := r.Context()
		p, err := s.credentials.VerifyGatewayToken(ctx, token)
		if err != nil {
			return err
		}
		noteTenant(r, p.TenantID, p.AppKey)
		if err := s.tenants.CheckInService(ctx, p.TenantID); err != nil {
			return err
		}
		appKey := r.Header.Get("X-APP-Key")
		if appKey == "" && requireAppKey {
			return errAppKeyRequired
		}
		if appKey != "" && appKey != p.AppKey {
			return errAppKeyMismatch
		}
		if err := s.credentials.Throttle(ctx, "app:"+p.AppKey); err != nil {
			return err
		}
		return s.serveAs(w, r.WithContext(context.WithValue(ctx, gatewayPrincipalKey, p)), p.TenantID, p.AppKey, p.AppKey, h)
	}
}

var errNoMallToken = aiccd.Errorf(aiccd.KindUnauthorized, "the X-Auth-Token header is required")

// mall authenticates a business software mall request by its access token
// in X-Auth-Token, or in X-Auth_Token as one of the pages' examples spells
// it; the token's tenant must be in service.
func (s *Server) mall(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := r.Header.Get("X-Auth-Token")
		if token == "" {
			token = r.Header.Get("X-Auth_Token")
		}
		if token == "" {
			return errNoMallToken
		}
		ctx := r.Context()
		tenantID, err := s.credentials.VerifyMallToken(ctx, token)
		if err != nil {
			return err
		}
		noteTenant(r, tenantID, "mall token")
		if err := s.tenants.CheckInService(ctx, tenantID); err != nil {
			return err
		}
		if err := s.credentials.Throttle(ctx, "mall:"+tenantID); err != nil {
			return err
		}
		st := requestStateFrom(ctx)
		if st == nil {
			return errNoMallToken // every request passes s.instrument first
		}
		st.mallTenant = tenantID // noted, not added: no request copy
		return s.serveAs(w, r, tenantID, "", "mall token", h)
	}
}

var errNoCloudCredential = aiccd.Errorf(aiccd.KindUnauthorized,
	"authenticate with an IAM token in X-Auth-Token or an SDK-HMAC-SHA256 signature in Authorization")

// cloud authenticates a partner API request by an IAM token (X-Auth-Token)
// or an AK/SK signature (Authorization: SDK-HMAC-SHA256 …).
func (s *Server) cloud(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) (err error) {
		defer func() {
			if err != nil {
				s.attributeRefusal(r)
			}
		}()
		ctx := r.Context()
		var p credential.CloudPrincipal
		var throttleKey string
		switch auth := r.Header.Get("Authorization"); {
		case strings.HasPrefix(auth, credential.SDKHMACSHA256+" "):
			var body []byte
			if body, err = io.ReadAll(r.Body); err != nil {
				return err
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			sum := sha256.Sum256(body)
			p, err = s.credentials.VerifySignature(ctx, credential.SignedRequest{
				Method:      r.Method,
				EscapedPath: r.URL.EscapedPath(),
				RawQuery:    r.URL.RawQuery,
				Host:        r.Host,
				Header:      r.Header.Values,
				BodySHA256:  hex.EncodeToString(sum[:]),
			}, auth)
			throttleKey = "ak:" + p.AccessKey
		case r.Header.Get("X-Auth-Token") != "":
			p, err = s.credentials.VerifyIAMToken(ctx, r.Header.Get("X-Auth-Token"))
			throttleKey = "iam:" + p.UserID
		default:
			return errNoCloudCredential
		}
		if err != nil {
			return err
		}
		caller := p.AccessKey
		if caller == "" {
			caller = "IAM user " + p.UserName
		}
		noteTenant(r, p.AccountID, caller)
		if err := s.credentials.Throttle(ctx, throttleKey); err != nil {
			return err
		}
		return s.serveAs(w, r.WithContext(context.WithValue(ctx, cloudPrincipalKey, p)), p.AccountID, "", caller, h)
	}
}

// partnerOnly authenticates like s.cloud and admits partner accounts only;
// other cloud accounts are told they are not partners (CBC.5001).
func (s *Server) partnerOnly(h handlerFunc) handlerFunc {
	return s.cloud(func(w http.ResponseWriter, r *http.Request) error {
		if !cloudPrincipalFrom(r.Context()).IsPartner {
			return credential.ErrNotPartner
		}
		return h(w, r)
	})
}

var errAdminToken = aiccd.Errorf(aiccd.KindUnauthorized, "the admin API needs 'Authorization: Bearer <admin token>'")

// admin lets through requests bearing the configured admin token. Without
// one configured the admin API does not exist.
func (s *Server) admin(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.adminToken == "" {
			return errNotFound
		}
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.adminToken)) != 1 {
			return errAdminToken
		}
		if err := s.adminScope(r); err != nil {
			return err
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return h(w, r)
		}
		if err := h(w, r); err != nil {
			return err
		}
		s.auditAdminChange(r)
		return nil
	}
}

// AdminTokenActor is who the audit log says made a change with the admin
// token: automation, not a named user.
const AdminTokenActor = "admin-token"

// auditAdminChange records a change made with the admin token in the
// console's audit log, beside the changes named users make: the route
// (its method and pattern, below /admin/v1/) and the path it was made to.
// A change that was made but not recorded is logged, and still answered.
func (s *Server) auditAdminChange(r *http.Request) {
	if s.admins == nil {
		return
	}
	const prefix = "/admin/v1/"
	action := r.Method + " " + strings.TrimPrefix(strings.TrimPrefix(r.Pattern, r.Method+" "), prefix)
	e := admin.AuditEntry{Actor: AdminTokenActor, Action: action, Target: strings.TrimPrefix(r.URL.Path, prefix), Source: sourceAddress(r)}
	if err := s.admins.Record(r.Context(), e); err != nil {
		s.logger.ErrorContext(r.Context(), "audit log not written", "actor", e.Actor, "action", e.Action, "target", e.Target, "err", err)
	}
}
