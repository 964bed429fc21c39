package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

// A tenant's access codes and called routes, through accesscode.Service
// as the admin API (httpapi/admin_accesscode.go) calls it: the admin list
// for access codes (fuzzy search, paged after an access code, no offset
// cap), QueryRoutes for called routes.

// countUpTo bounds the count of a search's matches: a common word may
// match most of a tenant of a million codes, and its exact count costs
// far more than the page (docs/console.md, "Performance").
const countUpTo = 1000

type accessCodeListData struct {
	Tenant                 string
	Code, Description      string // the search, as typed
	Media                  accesscode.MediaType
	After                  string // the page starts after this access code
	Codes                  []accesscode.AccessCode
	Total                  int
	AtLeast                bool   // Total is the count's bound: there may be more
	Next                   string // the After of the next page, if any
	Form                   accessCodeForm
	MediaTypes             []accesscode.MediaType
	CallAttrs              []accesscode.CallAttr
	Routes                 []accesscode.Route
	RouteCode              string // the routes' filter: exactly this access code
	RouteTotal             int
	RouteOffset, RouteNext int64
	RoutePrev              int64
	RouteForm              routeForm
}

// accessCodeForm is an access code as typed in the console's forms.
type accessCodeForm struct {
	Code, N400Number, Description string
	MediaType                     accesscode.MediaType
	CallAttr                      accesscode.CallAttr
}

// routeForm is a called route as typed: a new one, or the editable
// fields of one.
type routeForm struct {
	AccessCode, ExtCode, DeviceType, DeviceID, DeviceDesc string
	MediaType, Editable                                   string
}

var callAttrs = []accesscode.CallAttr{accesscode.CallInbound, accesscode.CallOutbound, accesscode.CallBoth}

func (c *Console) accessCodeList(w http.ResponseWriter, r *http.Request) error {
	return c.renderAccessCodes(w, r, http.StatusOK, accessCodeListData{})
}

// renderAccessCodes fills d with the page the request's query asks for
// and renders it.
func (c *Console) renderAccessCodes(w http.ResponseWriter, r *http.Request, status int, d accessCodeListData, fl ...flash) error {
	ctx := r.Context()
	d.Tenant = r.PathValue("tenant")
	if _, err := c.Tenants.Get(ctx, d.Tenant); err != nil {
		return err
	}
	q := r.URL.Query()
	d.Code, d.Description, d.After = strings.TrimSpace(q.Get("code")), strings.TrimSpace(q.Get("description")), q.Get("after")
	d.MediaTypes, d.CallAttrs = accesscode.MediaTypes, callAttrs
	if d.Form.MediaType == 0 {
		d.Form.MediaType, d.Form.CallAttr = accesscode.MediaAudioVideo, accesscode.CallBoth
	}
	if v := q.Get("media"); v != "" {
		m, err := accesscode.ParseMediaType(v)
		if err != nil {
			return err
		}
		d.Media = m
	}
	page, err := c.AccessCodes.List(ctx, d.Tenant, accesscode.ListOptions{After: d.After, Limit: pageSize, CountUpTo: countUpTo,
		Filter: accesscode.Filter{AccessCode: d.Code, Description: d.Description, MediaType: d.Media}})
	if err != nil {
		return err
	}
	d.Codes, d.Total = page.Items, page.Total
	d.AtLeast = page.Total == countUpTo && (d.Code != "" || d.Description != "")
	if len(d.Codes) == pageSize {
		d.Next = d.Codes[len(d.Codes)-1].Code
	}

	d.RouteCode = strings.TrimSpace(q.Get("route_code"))
	d.RouteOffset, _ = strconv.ParseInt(q.Get("route_offset"), 10, 64)
	d.RouteOffset = max(d.RouteOffset, 0)
	routes, err := c.AccessCodes.QueryRoutes(ctx, d.Tenant, accesscode.RouteQuery{
		RouteFilter: accesscode.RouteFilter{AccessCode: d.RouteCode}, Limit: pageSize, Offset: d.RouteOffset})
	if err != nil {
		return err
	}
	d.Routes, d.RouteTotal = routes.Items, routes.Total
	if d.RouteOffset+pageSize < int64(routes.Total) {
		d.RouteNext = d.RouteOffset + pageSize
	}
	d.RoutePrev = max(d.RouteOffset-pageSize, 0)
	v := view{Title: "Access codes of " + d.Tenant, Nav: "tenants", Data: d}
	if len(fl) > 0 {
		v.Flash = fl[0]
	}
	return c.render(w, r, status, "accesscodes", v)
}

// clientError reports whether err is the user's to correct, shown on the
// form, rather than the server's.
func clientError(err error) bool {
	k := aiccd.KindOf(err)
	return k != aiccd.KindInternal && k != aiccd.KindUnavailable
}

func errorFlash(err error) flash {
	return flash{Message: sentence(aiccd.MessageOf(err, "")), Error: true}
}

func readAccessCodeForm(r *http.Request) (accessCodeForm, error) {
	f := accessCodeForm{Code: strings.TrimSpace(r.PostFormValue("access_code")),
		N400Number: strings.TrimSpace(r.PostFormValue("n400_number")), Description: r.PostFormValue("description")}
	var err error
	if f.MediaType, err = accesscode.ParseMediaType(r.PostFormValue("media_type")); err != nil {
		return f, err
	}
	f.CallAttr, err = accesscode.ParseCallAttr(r.PostFormValue("call_attr"))
	return f, err
}

func (c *Console) accessCodeCreate(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	f, err := readAccessCodeForm(r)
	var a accesscode.AccessCode
	if err == nil {
		a, err = c.AccessCodes.Add(r.Context(), tenantID, accesscode.Draft{Code: f.Code, MediaType: f.MediaType,
			N400Number: optional(f.N400Number), Description: optional(f.Description), CallAttr: f.CallAttr})
	}
	if err != nil {
		if !clientError(err) {
			return err
		}
		return c.renderAccessCodes(w, r, statuses[aiccd.KindOf(err)], accessCodeListData{Form: f}, errorFlash(err))
	}
	if err := c.audit(r, "accesscode.create", strconv.FormatInt(a.ID, 10), "tenant="+tenantID+" access_code="+a.Code); err != nil {
		return err
	}
	return redirect(w, r, accessCodesPath(tenantID)+"?code="+a.Code, "Access code "+a.Code+" added.")
}

// optional is a form field as an optional value: empty is none.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func accessCodesPath(tenantID string) string { return Prefix + "tenants/" + tenantID + "/accesscodes" }

type accessCodeShowData struct {
	Tenant     string
	Code       accesscode.AccessCode
	Form       accessCodeForm
	MediaTypes []accesscode.MediaType
	CallAttrs  []accesscode.CallAttr
}

func (c *Console) accessCodeShow(w http.ResponseWriter, r *http.Request) error {
	a, err := c.accessCodeOf(r)
	if err != nil {
		return err
	}
	f := accessCodeForm{Code: a.Code, MediaType: a.MediaType, CallAttr: a.CallAttr}
	if a.N400Number != nil {
		f.N400Number = *a.N400Number
	}
	if a.Description != nil {
		f.Description = *a.Description
	}
	return c.renderAccessCode(w, r, http.StatusOK, a, f, flash{})
}

func (c *Console) renderAccessCode(w http.ResponseWriter, r *http.Request, status int, a accesscode.AccessCode, f accessCodeForm, fl flash) error {
	d := accessCodeShowData{Tenant: a.TenantID, Code: a, Form: f, MediaTypes: accesscode.MediaTypes, CallAttrs: callAttrs}
	return c.render(w, r, status, "accesscode", view{Title: "Access code " + a.Code, Nav: "tenants", Flash: fl, Data: d})
}

// accessCodeOf reads the access code the request's path names.
func (c *Console) accessCodeOf(r *http.Request) (accesscode.AccessCode, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return accesscode.AccessCode{}, errNoPage
	}
	return c.AccessCodes.Get(r.Context(), r.PathValue("tenant"), id)
}

func (c *Console) accessCodeUpdate(w http.ResponseWriter, r *http.Request) error {
	a, err := c.accessCodeOf(r)
	if err != nil {
		return err
	}
	f, err := readAccessCodeForm(r)
	if err == nil {
		a, err = c.AccessCodes.Update(r.Context(), a.TenantID, a.ID, accesscode.Patch{Code: &f.Code, MediaType: &f.MediaType,
			N400Number: &f.N400Number, Description: &f.Description, CallAttr: &f.CallAttr})
	}
	if err != nil {
		if !clientError(err) {
			return err
		}
		return c.renderAccessCode(w, r, statuses[aiccd.KindOf(err)], a, f, errorFlash(err))
	}
	if err := c.audit(r, "accesscode.update", strconv.FormatInt(a.ID, 10), "tenant="+a.TenantID+" access_code="+a.Code); err != nil {
		return err
	}
	return redirect(w, r, accessCodesPath(a.TenantID)+"?code="+a.Code, "Access code "+a.Code+" saved.")
}

func (c *Console) accessCodeDelete(w http.ResponseWriter, r *http.Request) error {
	a, err := c.accessCodeOf(r)
	if err != nil {
		return err
	}
	if err := c.AccessCodes.Delete(r.Context(), a.TenantID, a.ID); err != nil {
		return err
	}
	if err := c.audit(r, "accesscode.delete", strconv.FormatInt(a.ID, 10), "tenant="+a.TenantID+" access_code="+a.Code); err != nil {
		return err
	}
	return redirect(w, r, accessCodesPath(a.TenantID), "Access code "+a.Code+" deleted.")
}

func readRouteForm(r *http.Request) routeForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return routeForm{AccessCode: v("access_code"), ExtCode: v("ext_code"), DeviceType: v("device_type"),
		DeviceID: v("device_id"), DeviceDesc: v("device_desc"), MediaType: v("media_type"), Editable: v("editable")}
}

func (f routeForm) draft() (accesscode.RouteDraft, error) {
	d := accesscode.RouteDraft{AccessCode: f.AccessCode, ExtCode: optional(f.ExtCode), DeviceDesc: optional(f.DeviceDesc)}
	var err error
	if d.DeviceType, err = accesscode.ParseDeviceType(f.DeviceType); err != nil {
		return d, err
	}
	if d.DeviceID, err = strconv.ParseInt(f.DeviceID, 10, 64); err != nil {
		return d, aiccd.Errorf(aiccd.KindInvalid, "device ID %q is not a whole number", f.DeviceID)
	}
	return d, nil
}

func (c *Console) routeCreate(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	f := readRouteForm(r)
	d, err := f.draft()
	var rt accesscode.Route
	if err == nil {
		rt, err = c.AccessCodes.AddRoute(r.Context(), tenantID, d)
	}
	if err != nil {
		if !clientError(err) {
			return err
		}
		return c.renderAccessCodes(w, r, statuses[aiccd.KindOf(err)], accessCodeListData{RouteForm: f}, errorFlash(err))
	}
	if err := c.audit(r, "route.create", strconv.FormatInt(rt.ID, 10), "tenant="+tenantID+" access_code="+rt.AccessCode); err != nil {
		return err
	}
	return redirect(w, r, accessCodesPath(tenantID)+"?route_code="+rt.AccessCode, "Called route "+strconv.FormatInt(rt.DNID, 10)+" added.")
}

func (c *Console) routeDelete(w http.ResponseWriter, r *http.Request) error {
	tenantID := r.PathValue("tenant")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNoPage
	}
	if err := c.AccessCodes.DeleteRoute(r.Context(), tenantID, id); err != nil {
		return err
	}
	if err := c.audit(r, "route.delete", r.PathValue("id"), "tenant="+tenantID); err != nil {
		return err
	}
	return redirect(w, r, accessCodesPath(tenantID), "Called route deleted.")
}

// limitBody refuses request bodies over n bytes before h reads them.
func (c *Console) limitBody(n int64, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			c.fail(w, r, &http.MaxBytesError{Limit: n})
			return
		}
		// A body of unknown length is read here, so that one over the
		// limit is answered as such rather than as a form without its
		// CSRF token.
		r.Body = http.MaxBytesReader(w, r.Body, n)
		if err := r.ParseMultipartForm(n); err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				c.fail(w, r, err)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

type routeShowData struct {
	Tenant     string
	Route      accesscode.Route
	Form       routeForm
	MediaTypes []accesscode.MediaType
}

// routeOf reads the called route the request's path names.
func (c *Console) routeOf(r *http.Request) (accesscode.Route, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return accesscode.Route{}, errNoPage
	}
	return c.AccessCodes.GetRoute(r.Context(), r.PathValue("tenant"), id)
}

func (c *Console) routeShow(w http.ResponseWriter, r *http.Request) error {
	rt, err := c.routeOf(r)
	if err != nil {
		return err
	}
	f := routeForm{DeviceType: strconv.Itoa(int(rt.DeviceType)), DeviceID: strconv.FormatInt(rt.DeviceID, 10),
		MediaType: strconv.Itoa(int(rt.MediaType)), Editable: strconv.Itoa(int(rt.Editable))}
	if rt.DeviceDesc != nil {
		f.DeviceDesc = *rt.DeviceDesc
	}
	return c.renderRoute(w, r, http.StatusOK, rt, f, flash{})
}

func (c *Console) renderRoute(w http.ResponseWriter, r *http.Request, status int, rt accesscode.Route, f routeForm, fl flash) error {
	d := routeShowData{Tenant: rt.TenantID, Route: rt, Form: f, MediaTypes: accesscode.MediaTypes}
	return c.render(w, r, status, "route", view{Title: "Called route " + strconv.FormatInt(rt.DNID, 10), Nav: "tenants", Flash: fl, Data: d})
}

// patch reads the form of a route's editable fields.
func (f routeForm) patch() (accesscode.RoutePatch, error) {
	var p accesscode.RoutePatch
	m, err := accesscode.ParseMediaType(f.MediaType)
	if err != nil {
		return p, err
	}
	dt, err := accesscode.ParseDeviceType(f.DeviceType)
	if err != nil {
		return p, err
	}
	id, err := strconv.ParseInt(f.DeviceID, 10, 64)
	if err != nil {
		return p, aiccd.Errorf(aiccd.KindInvalid, "device ID %q is not a whole number", f.DeviceID)
	}
	e, err := accesscode.ParseEditable(f.Editable)
	if err != nil {
		return p, err
	}
	return accesscode.RoutePatch{MediaType: &m, DeviceType: &dt, DeviceID: &id, DeviceDesc: &f.DeviceDesc, Editable: &e}, nil
}

func (c *Console) routeUpdate(w http.ResponseWriter, r *http.Request) error {
	rt, err := c.routeOf(r)
	if err != nil {
		return err
	}
	f := readRouteForm(r)
	p, err := f.patch()
	if err == nil {
		rt, err = c.AccessCodes.UpdateRoute(r.Context(), rt.TenantID, rt.ID, p)
	}
	if err != nil {
		if !clientError(err) {
			return err
		}
		return c.renderRoute(w, r, statuses[aiccd.KindOf(err)], rt, f, errorFlash(err))
	}
	if err := c.audit(r, "route.update", strconv.FormatInt(rt.ID, 10), "tenant="+rt.TenantID+" access_code="+rt.AccessCode); err != nil {
		return err
	}
	return redirect(w, r, accessCodesPath(rt.TenantID)+"?route_code="+rt.AccessCode, "Called route "+strconv.FormatInt(rt.DNID, 10)+" saved.")
}
