package httpapi

import (
	"net/http"
	"strings"
)

// routes is the table of contents of aiccd's HTTP interface: every endpoint
// it serves, one line each, grouped by API family.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) {
		s.patterns = append(s.patterns, pattern)
		mux.Handle(pattern, h)
	}

	// App gateway.
	handle("POST /apigovernance/api/oauth/tokenByAkSk", s.api(s.tokenByAkSk))

	// OMA, business software mall (mall access token).
	handle("GET /rest/oma/softwareconsole/tenant/querytenantbasic", s.api(s.mall(s.queryTenantBasic)))
	handle("GET /rest/oma/softwareconsole/trialtenant/querytenantinfo", s.api(s.mall(s.queryTrialTenantInfo)))
	handle("POST /rest/oma/softwareconsole/tenant/queryresource", s.api(s.mall(s.queryResource)))

	// Trial tenant application (app gateway).
	handle("POST /apiaccess/rest/ipccprovision/v1/applyTry/applyTenant", s.api(s.gateway(false, s.applyTenant)))

	// CC-Management (app gateway).
	handle("POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList", s.api(s.gateway(false, s.queryAccessCodeList)))
	handle("POST /apiaccess/rest/cc-management/v1/calledRoute/queryCalledRoute", s.api(s.gateway(false, s.queryCalledRoute)))

	// SmartCare (app gateway, X-APP-Key mandatory).
	handle("POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser", s.api(s.gateway(true, s.queryFaultyUser)))
	handle("POST /apiaccess/CC-Management/v1/smartcare/submitquickdelimit", s.api(s.gateway(true, s.submitQuickDelimit)))
	handle("POST /apiaccess/CC-Management/v1/smartcare/queryquickresult", s.api(s.gateway(true, s.queryQuickResult)))
	handle("POST /apiaccess/CC-Management/v1/smartcare/querydeepresult", s.api(s.gateway(true, s.queryDeepResult)))

	// Cloud IAM.
	handle("POST /v3/auth/tokens", s.api(s.iamTokens))

	// Partner (BSS) customer APIs.
	handle("POST /v1.0/{partner_id}/partner/customer-mgr/check-user", s.api(s.partnerOnly(s.checkUser)))
	handle("POST /v2/partners/sub-customers/users/check-identity", s.api(s.partnerOnly(s.checkIdentity)))
	handle("POST /v2/partners/sub-customers", s.api(s.partnerOnly(s.createSubCustomer)))

	// Admin API (off unless an admin token is configured).
	handle("GET /admin/v1/tenants", s.api(s.admin(s.adminListTenants)))
	handle("POST /admin/v1/tenants", s.api(s.admin(s.adminCreateTenant)))
	handle("GET /admin/v1/tenants/{tenant}", s.api(s.admin(s.adminGetTenant)))
	handle("PATCH /admin/v1/tenants/{tenant}", s.api(s.admin(s.adminUpdateTenant)))
	handle("DELETE /admin/v1/tenants/{tenant}", s.api(s.admin(s.adminDeleteTenant)))
	handle("GET /admin/v1/tenants/{tenant}/snapshots", s.api(s.admin(s.adminListSnapshots)))
	handle("POST /admin/v1/tenants/{tenant}/snapshots", s.api(s.admin(s.adminCreateSnapshot)))
	handle("DELETE /admin/v1/tenants/{tenant}/snapshots/{name}", s.api(s.admin(s.adminDeleteSnapshot)))
	handle("POST /admin/v1/tenants/{tenant}/snapshots/{name}/restore", s.api(s.admin(s.adminRestoreSnapshot)))
	handle("POST /admin/v1/tenants/{tenant}/expire", s.api(s.admin(s.adminExpireTenant)))
	handle("POST /admin/v1/tenants/{tenant}/convert", s.api(s.admin(s.adminConvertTenant)))
	handle("GET /admin/v1/tenants/{tenant}/resources", s.api(s.admin(s.adminListResources)))
	handle("POST /admin/v1/tenants/{tenant}/resources", s.api(s.admin(s.adminAddResource)))
	handle("DELETE /admin/v1/tenants/{tenant}/resources/{id}", s.api(s.admin(s.adminCancelResource)))
	handle("POST /admin/v1/verificationcodes", s.api(s.admin(s.adminIssueVerificationCode)))
	handle("GET /admin/v1/tenants/{tenant}/appkeys", s.api(s.admin(s.adminListAppKeys)))
	handle("POST /admin/v1/tenants/{tenant}/appkeys", s.api(s.admin(s.adminCreateAppKey)))
	handle("PATCH /admin/v1/appkeys/{key}", s.api(s.admin(s.adminUpdateAppKey)))
	handle("POST /admin/v1/appkeys/{key}/rotate", s.api(s.admin(s.adminRotateAppKey)))
	handle("GET /admin/v1/tenants/{tenant}/malltokens", s.api(s.admin(s.adminListMallTokens)))
	handle("POST /admin/v1/tenants/{tenant}/malltokens", s.api(s.admin(s.adminIssueMallToken)))
	handle("DELETE /admin/v1/tenants/{tenant}/malltokens/{id}", s.api(s.admin(s.adminRevokeMallTokens)))
	handle("GET /admin/v1/accounts", s.api(s.admin(s.adminListAccounts)))
	handle("POST /admin/v1/accounts", s.api(s.admin(s.adminCreateAccount)))
	handle("PATCH /admin/v1/accounts/{account}", s.api(s.admin(s.adminUpdateAccount)))
	handle("GET /admin/v1/accounts/{account}/users", s.api(s.admin(s.adminListIAMUsers)))
	handle("POST /admin/v1/accounts/{account}/users", s.api(s.admin(s.adminCreateIAMUser)))
	handle("PATCH /admin/v1/accounts/{account}/users/{user}", s.api(s.admin(s.adminUpdateIAMUser)))
	handle("GET /admin/v1/accounts/{account}/accesskeys", s.api(s.admin(s.adminListAccessKeys)))
	handle("POST /admin/v1/accounts/{account}/accesskeys", s.api(s.admin(s.adminCreateAccessKey)))
	handle("PATCH /admin/v1/accesskeys/{ak}", s.api(s.admin(s.adminUpdateAccessKey)))
	handle("POST /admin/v1/accesskeys/{ak}/rotate", s.api(s.admin(s.adminRotateAccessKey)))
	handle("GET /admin/v1/tenants/{tenant}/accesscodes", s.api(s.admin(s.adminListAccessCodes)))
	handle("POST /admin/v1/tenants/{tenant}/accesscodes", s.api(s.admin(s.adminAddAccessCode)))
	handle("GET /admin/v1/tenants/{tenant}/accesscodes/{id}", s.api(s.admin(s.adminAccessCode)))
	handle("PATCH /admin/v1/tenants/{tenant}/accesscodes/{id}", s.api(s.admin(s.adminUpdateAccessCode)))
	handle("DELETE /admin/v1/tenants/{tenant}/accesscodes/{id}", s.api(s.admin(s.adminDeleteAccessCode)))
	handle("GET /admin/v1/tenants/{tenant}/calledroutes", s.api(s.admin(s.adminListRoutes)))
	handle("POST /admin/v1/tenants/{tenant}/calledroutes", s.api(s.admin(s.adminAddRoute)))
	handle("GET /admin/v1/tenants/{tenant}/calledroutes/{id}", s.api(s.admin(s.adminRoute)))
	handle("PATCH /admin/v1/tenants/{tenant}/calledroutes/{id}", s.api(s.admin(s.adminUpdateRoute)))
	handle("DELETE /admin/v1/tenants/{tenant}/calledroutes/{id}", s.api(s.admin(s.adminDeleteRoute)))
	handle("GET /admin/v1/tenants/{tenant}/smartcare/settings", s.api(s.admin(s.adminSmartCareSettings)))
	handle("PATCH /admin/v1/tenants/{tenant}/smartcare/settings", s.api(s.admin(s.adminUpdateSmartCareSettings)))
	handle("GET /admin/v1/tenants/{tenant}/smartcare/scenes", s.api(s.admin(s.adminListScenes)))
	handle("POST /admin/v1/tenants/{tenant}/smartcare/scenes", s.api(s.admin(s.adminCreateScene)))
	handle("PATCH /admin/v1/tenants/{tenant}/smartcare/scenes/{id}", s.api(s.admin(s.adminUpdateScene)))
	handle("DELETE /admin/v1/tenants/{tenant}/smartcare/scenes/{id}", s.api(s.admin(s.adminDeleteScene)))
	handle("GET /admin/v1/tenants/{tenant}/smartcare/rules", s.api(s.admin(s.adminListRules)))
	handle("POST /admin/v1/tenants/{tenant}/smartcare/rules", s.api(s.admin(s.adminCreateRule)))
	handle("GET /admin/v1/tenants/{tenant}/smartcare/rules/{id}", s.api(s.admin(s.adminRule)))
	handle("PATCH /admin/v1/tenants/{tenant}/smartcare/rules/{id}", s.api(s.admin(s.adminUpdateRule)))
	handle("DELETE /admin/v1/tenants/{tenant}/smartcare/rules/{id}", s.api(s.admin(s.adminDeleteRule)))
	handle("GET /admin/v1/tenants/{tenant}/smartcare/records", s.api(s.admin(s.adminListRecords)))
	handle("POST /admin/v1/tenants/{tenant}/smartcare/records", s.api(s.admin(s.adminIngestRecords)))
	handle("GET /admin/v1/faults", s.api(s.admin(s.adminListFaults)))
	handle("POST /admin/v1/faults", s.api(s.admin(s.adminCreateFault)))
	handle("DELETE /admin/v1/faults/{id}", s.api(s.admin(s.adminDeleteFault)))
	handle("GET /admin/v1/requests", s.api(s.admin(s.adminListRequests)))
	handle("GET /admin/v1/requests/count", s.api(s.admin(s.adminCountRequests)))
	handle("DELETE /admin/v1/requests", s.api(s.admin(s.adminClearRequests)))

	// Operations.
	handle("GET /healthz", s.api(s.healthz))
	handle("GET /readyz", s.api(s.readyz))
	handle("GET /metrics", s.metricsHandler())
	handle("GET /admin/debug/pprof/{profile...}", s.api(s.pprofHandler()))
	handle("GET /openapi.json", s.api(s.openAPIJSON))
	handle("GET /openapi.yaml", s.api(s.openAPIYAML))

	// The web console: one handler with a route table of its own
	// (console/routes.go), because its pages answer in HTML, authenticate
	// by session, and are not endpoints of the API contract.
	if s.console != nil {
		mux.Handle(consolePrefix, s.console)
	}

	// Everything else answers 404 or 405 in the format of its family.
	for pattern := range catchAll {
		mux.Handle(pattern, s.api(s.unrouted(mux)))
	}
	return mux
}

// catchAll holds one method-less pattern per family prefix, and "/". The
// prefix without its slash is listed too, or the mux would redirect it.
var catchAll = func() map[string]bool {
	m := map[string]bool{"/": true}
	for _, p := range familyPrefixes {
		m[p.prefix] = true
		m[strings.TrimSuffix(p.prefix, "/")] = true
	}
	return m
}()

// probeMethods are the methods tried when telling 404 from 405.
var probeMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

// unrouted answers a request no endpoint matched: 405 with Allow when the
// path exists under another method, 404 otherwise.
func (s *Server) unrouted(mux *http.ServeMux) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var allow []string
		for _, m := range probeMethods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && !catchAll[pattern] {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			return errNotFound
		}
		for _, m := range allow {
			w.Header().Add("Allow", m)
		}
		return errMethodNotAllowed
	}
}
