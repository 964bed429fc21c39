package httpapi

import "github.com/aiccd/aiccd/accesscode"

// The CC-Management family's wire format: the request bodies of
// queryAccessCodeList and queryCalledRoute in the page's field names, and
// the answers {returnCode, data, description}. The accesscode package
// checks the requests (and says what is wrong with them); this file only
// spells them. The family's refusals are renderCC's (errors.go).

// accessCodeListBody is the body of queryAccessCodeList as a client sends
// it. Every field is optional; numbers are kept as sent so that
// accesscode can say what is wrong with a bad one.
type accessCodeListBody struct {
	AccessCode  *string            `json:"accessCode"`
	MediatypeID *accesscode.Number `json:"mediatypeId"`
	Description *string            `json:"description"`
	Limit       *accesscode.Number `json:"limit"`
	Offset      *accesscode.Number `json:"offset"`
}

func (b accessCodeListBody) request() accesscode.QueryRequest {
	return accesscode.QueryRequest{AccessCode: b.AccessCode, MediaType: b.MediatypeID, Description: b.Description, Limit: b.Limit, Offset: b.Offset}
}

// calledRouteBody is the body of queryCalledRoute. The page spells the
// media type mediaTypeId in the request and mediatypeId in the response;
// both spellings are accepted.
type calledRouteBody struct {
	AccessCode       *string            `json:"accessCode"`
	ExtCode          *string            `json:"extCode"`
	DeviceType       *accesscode.Number `json:"devicetype"`
	DeviceDesc       *string            `json:"deviceDesc"`
	MediaTypeID      *accesscode.Number `json:"mediaTypeId"`
	MediatypeIDAlias *accesscode.Number `json:"mediatypeId"`
	Limit            *accesscode.Number `json:"limit"`
	Offset           *accesscode.Number `json:"offset"`
}

func (b calledRouteBody) request() accesscode.RouteQueryRequest {
	return accesscode.RouteQueryRequest{
		AccessCode: b.AccessCode, ExtCode: b.ExtCode, DeviceType: b.DeviceType, DeviceDesc: b.DeviceDesc,
		MediaType: b.MediaTypeID, MediaTypeAlias: b.MediatypeIDAlias, Limit: b.Limit, Offset: b.Offset,
	}
}

// ccAnswer is the envelope of a CC-Management answer, its keys in the
// page's order.
type ccAnswer struct {
	ReturnCode  string `json:"returnCode"`
	Data        any    `json:"data"`
	Description string `json:"description"`
}

type ccList[T any] struct {
	Total           int `json:"total"`
	CalledRouteList []T `json:"calledRouteList"`
}

// accessCodeItem is an access code as queryAccessCodeList answers it: the
// ID as a string, nullable fields as null.
type accessCodeItem struct {
	ID          string  `json:"id"`
	AccessCode  string  `json:"accessCode"`
	MediatypeID int     `json:"mediatypeId"`
	N400Number  *string `json:"n400Number"`
	Description *string `json:"description"`
	NumCallAttr int     `json:"numCallAttr"`
}

// calledRouteItem is a called route as queryCalledRoute answers it.
type calledRouteItem struct {
	ID          string  `json:"id"`
	AccessCode  string  `json:"accessCode"`
	ExtCode     *string `json:"extCode"`
	MediatypeID int     `json:"mediatypeId"`
	DeviceType  int     `json:"devicetype"`
	DeviceID    int64   `json:"deviceId"`
	DeviceDesc  *string `json:"deviceDesc"`
	DNID        int64   `json:"dnid"`
	Editable    string  `json:"editable"`
}
