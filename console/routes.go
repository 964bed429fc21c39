package console

import "net/http"

// routes is the console's table of contents. It is mounted as one
// handler under Prefix by httpapi/routes.go (see docs/architecture.md):
// the console's pages are not API endpoints, answer in HTML, and have
// their own authentication.
func (c *Console) routes() *http.ServeMux {
	mux := http.NewServeMux()
	get := func(path string, h http.Handler) { mux.Handle("GET "+Prefix+path, h) }
	post := func(path string, h http.Handler) { mux.Handle("POST "+Prefix+path, h) }

	mux.HandleFunc("GET "+Prefix+"static/{file}", c.static)
	get("signin", c.serve(c.signInPage))
	post("signin", c.serve(c.signIn))
	post("signout", c.signedIn(c.signOut))

	get("{$}", c.view(c.overview))
	get("overview/live", c.view(c.overviewLive))

	get("tenants", c.view(c.tenantList))
	get("tenants/new", c.view(c.tenantNew))
	post("tenants", c.change(c.tenantCreate))
	get("tenants/{tenant}", c.view(c.tenantShow))
	post("tenants/{tenant}", c.change(c.tenantUpdate))
	post("tenants/{tenant}/status", c.change(c.tenantStatus))
	post("tenants/{tenant}/expire", c.change(c.tenantExpire))
	post("tenants/{tenant}/convert", c.change(c.tenantConvert))
	post("tenants/{tenant}/appkeys", c.change(c.appKeyCreate))
	post("appkeys/{key}/rotate", c.change(c.appKeyRotate))
	post("appkeys/{key}/enabled", c.change(c.appKeyEnabled))
	post("tenants/{tenant}/malltokens", c.change(c.mallTokenIssue))
	post("tenants/{tenant}/malltokens/{id}/revoke", c.change(c.mallTokenRevoke))

	get("tenants/{tenant}/accesscodes", c.view(c.accessCodeList))
	post("tenants/{tenant}/accesscodes", c.change(c.accessCodeCreate))
	post("tenants/{tenant}/accesscodes/import", c.limitBody(maxUpload, c.change(c.accessCodeImport)))
	get("tenants/{tenant}/accesscodes/imports/{job}", c.view(c.importPage))
	get("tenants/{tenant}/accesscodes/imports/{job}/progress", c.view(c.importProgress))
	get("tenants/{tenant}/accesscodes/{id}", c.view(c.accessCodeShow))
	post("tenants/{tenant}/accesscodes/{id}", c.change(c.accessCodeUpdate))
	post("tenants/{tenant}/accesscodes/{id}/delete", c.change(c.accessCodeDelete))
	post("tenants/{tenant}/routes", c.change(c.routeCreate))
	get("tenants/{tenant}/routes/{id}", c.view(c.routeShow))
	post("tenants/{tenant}/routes/{id}", c.change(c.routeUpdate))
	post("tenants/{tenant}/routes/{id}/delete", c.change(c.routeDelete))

	get("tenants/{tenant}/smartcare", c.view(c.smartCareExplorer))
	get("tenants/{tenant}/smartcare/rules", c.view(c.smartCareRules))
	post("smartcare/rules/check", c.limitBody(maxCheckBody, c.signedIn(c.smartCareRuleCheck)))
	get("tenants/{tenant}/smartcare/settings", c.view(c.smartCareSettings))
	post("tenants/{tenant}/smartcare/settings", c.change(c.smartCareSettingsUpdate))

	get("accounts", c.view(c.accountList))
	post("accounts", c.change(c.accountCreate))
	get("accounts/{account}", c.view(c.accountShow))
	post("accounts/{account}", c.change(c.accountUpdate))
	post("accounts/{account}/users", c.change(c.iamUserCreate))
	post("accounts/{account}/users/{user}", c.change(c.iamUserUpdate))
	post("accounts/{account}/accesskeys", c.change(c.accessKeyCreate))
	post("accesskeys/{ak}/rotate", c.change(c.accessKeyRotate))
	post("accesskeys/{ak}/enabled", c.change(c.accessKeyEnabled))

	get("partners", c.view(c.partnerDirectory))

	get("journal", c.view(c.journalPage))
	get("journal/rows", c.view(c.journalRows))
	get("journal/{tenant}/{request}", c.view(c.journalEntry))
	get("faults", c.view(c.faultList))
	post("faults", c.change(c.faultCreate))
	post("faults/{id}/delete", c.change(c.faultDelete))

	get("audit", c.view(c.auditPage))

	// Everything else under the prefix is a page that does not exist.
	mux.Handle(Prefix, c.serve(func(w http.ResponseWriter, r *http.Request) error { return errNoPage }))
	return mux
}
