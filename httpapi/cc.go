package httpapi

import (
	"net/http"
	"strconv"
)

// The CC-Management family behind the app gateway: access codes and the
// called routes bound to them. Answers carry returnCode "0" and the
// description "success"; refusals are the family's returnCode/description
// with HTTP 400 (see renderCC).

// queryAccessCodeList answers a tenant's access codes, fuzzy-filtered and
// paged: POST /apiaccess/rest/cc-management/v1/accessCodeInfo/queryAccessCodeList.
func (s *Server) queryAccessCodeList(w http.ResponseWriter, r *http.Request) error {
	var body accessCodeListBody // every field optional: an empty body is {}
	if err := decodeOptionalJSON(r, &body); err != nil {
		return err
	}
	q, err := body.request().Query()
	if err != nil {
		return err
	}
	page, err := s.accessCodes.Query(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, q)
	if err != nil {
		return err
	}
	items := make([]accessCodeItem, len(page.Items))
	for i, a := range page.Items {
		items[i] = accessCodeItem{
			ID: strconv.FormatInt(a.ID, 10), AccessCode: a.Code, MediatypeID: int(a.MediaType),
			N400Number: a.N400Number, Description: a.Description, NumCallAttr: int(a.CallAttr),
		}
	}
	writeJSON(w, http.StatusOK, ccAnswer{ReturnCode: "0", Description: "success",
		Data: ccList[accessCodeItem]{Total: page.Total, CalledRouteList: items}})
	return nil
}

// queryCalledRoute answers the called routes of a tenant's access codes:
// POST /apiaccess/rest/cc-management/v1/calledRoute/queryCalledRoute.
func (s *Server) queryCalledRoute(w http.ResponseWriter, r *http.Request) error {
	var body calledRouteBody
	if err := decodeOptionalJSON(r, &body); err != nil {
		return err
	}
	q, err := body.request().Query()
	if err != nil {
		return err
	}
	page, err := s.accessCodes.QueryRoutes(r.Context(), gatewayPrincipalFrom(r.Context()).TenantID, q)
	if err != nil {
		return err
	}
	items := make([]calledRouteItem, len(page.Items))
	for i, rt := range page.Items {
		items[i] = calledRouteItem{
			ID: strconv.FormatInt(rt.ID, 10), AccessCode: rt.AccessCode, ExtCode: rt.ExtCode, MediatypeID: int(rt.MediaType),
			DeviceType: int(rt.DeviceType), DeviceID: rt.DeviceID, DeviceDesc: rt.DeviceDesc, DNID: rt.DNID,
			Editable: strconv.Itoa(int(rt.Editable)),
		}
	}
	writeJSON(w, http.StatusOK, ccAnswer{ReturnCode: "0", Description: "success",
		Data: ccList[calledRouteItem]{Total: page.Total, CalledRouteList: items}})
	return nil
}
