package accesscode

import (
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// Route is a called route: it sends calls to an access code, optionally
// followed by an extension code (access code 12345 with extension 1 is
// dialled as 123451), to a skill queue or an IVR flow. Field names follow
// the vendor's createCalledRoute and queryCalledRoute pages.
type Route struct {
	ID         int64      `json:"id,string"`
	TenantID   string     `json:"tenant_id"`
	AccessCode string     `json:"access_code"`
	ExtCode    *string    `json:"ext_code"`
	MediaType  MediaType  `json:"media_type"`
	DeviceType DeviceType `json:"device_type"`
	DeviceID   int64      `json:"device_id"`
	DeviceDesc *string    `json:"device_desc"`
	// DNID is the route's configuration number, unique within the tenant
	// and assigned in order of creation.
	DNID      int64     `json:"dnid"`
	Editable  Editable  `json:"editable"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DeviceType is what a route sends calls to (devicetype).
type DeviceType int

// The device types the vendor pages list.
const (
	DeviceSkillQueue DeviceType = 1
	DeviceIVR        DeviceType = 3
)

// Valid reports whether d is 1 or 3.
func (d DeviceType) Valid() bool { return d == DeviceSkillQueue || d == DeviceIVR }

// String names d as the CLI accepts it.
func (d DeviceType) String() string {
	switch d {
	case DeviceSkillQueue:
		return "skill-queue"
	case DeviceIVR:
		return "ivr"
	}
	return strconv.Itoa(int(d))
}

func deviceTypeError(v int64) error {
	return aiccd.Errorf(aiccd.KindInvalid, "devicetype: %d is not 1 (skill queue) or 3 (IVR)", v)
}

// ParseDeviceType reads a device type given as 1, 3, skill-queue or ivr.
func ParseDeviceType(s string) (DeviceType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "skill-queue", "skillqueue", "skill":
		return DeviceSkillQueue, nil
	case "3", "ivr":
		return DeviceIVR, nil
	}
	return 0, aiccd.Errorf(aiccd.KindInvalid, "devicetype: %q is not 1 (skill-queue) or 3 (ivr)", s)
}

// Editable is the vendor's protection mark of a route (editable): what the
// tenant's own modify and delete calls may do to it. aiccd's admin
// interfaces, which act for the operator, are not bound by it.
type Editable int

// The protection marks.
const (
	EditableFully     Editable = 0 // may be modified and deleted
	EditableDeletable Editable = 1 // may not be modified, may be deleted
	EditableNoDelete  Editable = 2 // may be modified, may not be deleted
	EditableNone      Editable = 3 // may be neither modified nor deleted
)

// Valid reports whether e is 0 to 3.
func (e Editable) Valid() bool { return e >= EditableFully && e <= EditableNone }

// CanModify reports whether a tenant may modify a route marked e.
func (e Editable) CanModify() bool { return e == EditableFully || e == EditableNoDelete }

// CanDelete reports whether a tenant may delete a route marked e.
func (e Editable) CanDelete() bool { return e == EditableFully || e == EditableDeletable }

// ParseEditable reads a protection mark, 0 to 3.
func ParseEditable(s string) (Editable, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || !Editable(n).Valid() {
		return 0, aiccd.Errorf(aiccd.KindInvalid, "editable: %q is not 0 (modifiable and deletable), 1 (deletable only), 2 (modifiable only) or 3 (neither)", s)
	}
	return Editable(n), nil
}

// RouteDraft is a route to create, as a client gives it.
type RouteDraft struct {
	ID         int64   `json:"id,string,omitempty"` // 0 makes a new one
	AccessCode string  `json:"access_code"`
	ExtCode    *string `json:"ext_code"`
	// MediaType defaults to the media type of the access code.
	MediaType  MediaType  `json:"media_type"`
	DeviceType DeviceType `json:"device_type"`
	DeviceID   int64      `json:"device_id"`
	DeviceDesc *string    `json:"device_desc"`
	Editable   Editable   `json:"editable"`
}

// RoutePatch changes some fields of a route; nil fields are left as they
// are, an empty DeviceDesc clears it. The access code and extension code of
// a route are its identity: to change them, delete the route and create
// another.
type RoutePatch struct {
	MediaType  *MediaType  `json:"media_type"`
	DeviceType *DeviceType `json:"device_type"`
	DeviceID   *int64      `json:"device_id"`
	DeviceDesc *string     `json:"device_desc"`
	Editable   *Editable   `json:"editable"`
}

// Empty reports whether p changes nothing.
func (p RoutePatch) Empty() bool { return p == RoutePatch{} }

func (p RoutePatch) apply(r Route) Route {
	if p.MediaType != nil {
		r.MediaType = *p.MediaType
	}
	if p.DeviceType != nil {
		r.DeviceType = *p.DeviceType
	}
	if p.DeviceID != nil {
		r.DeviceID = *p.DeviceID
	}
	if p.DeviceDesc != nil {
		r.DeviceDesc = optional(p.DeviceDesc)
	}
	if p.Editable != nil {
		r.Editable = *p.Editable
	}
	return r
}

// validateExtCode checks an extension code: up to 12 digits.
func validateExtCode(ext string) error {
	if len(ext) > MaxExtCodeLen || !allDigits(ext) {
		return aiccd.Errorf(aiccd.KindInvalid, "extCode: %q must be 1 to %d digits", truncate(ext, MaxExtCodeLen+1), MaxExtCodeLen)
	}
	return nil
}

// validate checks every field of r but its access code's existence, which
// the store checks.
func (r *Route) validate() error {
	if r.ID <= 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "id: %d is not a positive 64-bit number", r.ID)
	}
	if err := ValidateCode(r.AccessCode); err != nil {
		return err
	}
	r.ExtCode, r.DeviceDesc = optional(r.ExtCode), optional(r.DeviceDesc)
	if r.ExtCode != nil {
		if err := validateExtCode(*r.ExtCode); err != nil {
			return err
		}
	}
	if r.MediaType != 0 && !r.MediaType.Valid() {
		return mediaTypeError("mediaTypeId", int64(r.MediaType))
	}
	if !r.DeviceType.Valid() {
		return deviceTypeError(int64(r.DeviceType))
	}
	if r.DeviceID <= 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "deviceId: %d is not a positive number (the skill queue or IVR ID)", r.DeviceID)
	}
	if r.DeviceDesc != nil {
		if err := validateText("deviceDesc", *r.DeviceDesc, MaxDeviceDescLen); err != nil {
			return err
		}
	}
	if !r.Editable.Valid() {
		return aiccd.Errorf(aiccd.KindInvalid, "editable: %d is not 0 to 3", r.Editable)
	}
	return nil
}

// RouteFilter selects called routes. Zero fields do not filter.
type RouteFilter struct {
	AccessCode string     // exactly this access code
	ExtCode    string     // exactly this extension code
	DeviceType DeviceType // exactly this device type
	// DeviceDesc matches device descriptions containing it,
	// case-insensitively; a route without one never matches.
	DeviceDesc string
	MediaType  MediaType // exactly this media type
}

func (f RouteFilter) validate() error {
	if err := validateFilter("accessCode", f.AccessCode, MaxCodeLen); err != nil {
		return err
	}
	if err := validateFilter("extCode", f.ExtCode, MaxExtCodeLen); err != nil {
		return err
	}
	if f.DeviceType != 0 && !f.DeviceType.Valid() {
		return deviceTypeError(int64(f.DeviceType))
	}
	if err := validateFilter("deviceDesc", f.DeviceDesc, MaxDeviceDescLen); err != nil {
		return err
	}
	if f.MediaType != 0 && !f.MediaType.Valid() {
		return mediaTypeError("mediaTypeId", int64(f.MediaType))
	}
	return nil
}

// RouteQuery is a validated queryCalledRoute request: filters and a page
// of at most Limit (0 to 100) routes from Offset (0 or more).
type RouteQuery struct {
	RouteFilter
	Limit  int
	Offset int64
}

// Validate checks q.
func (q RouteQuery) Validate() error {
	if err := q.RouteFilter.validate(); err != nil {
		return err
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		return aiccd.Errorf(aiccd.KindInvalid, "limit: %d is outside 0 to %d", q.Limit, MaxLimit)
	}
	if q.Offset < 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "offset: %d is negative", q.Offset)
	}
	return nil
}

// RoutePage is the answer to a route query: Total counts every match,
// Items holds the page in the stable order (access code, extension code
// with none first, then ID).
type RoutePage struct {
	Total int
	Items []Route
}

// RouteQueryRequest is a queryCalledRoute request as a client sent it
// (its JSON form is httpapi's). The page spells the media type
// mediaTypeId in the request and mediatypeId in the response; a client
// may send either (MediaType, MediaTypeAlias), or both if they agree.
type RouteQueryRequest struct {
	AccessCode     *string
	ExtCode        *string
	DeviceType     *Number
	DeviceDesc     *string
	MediaType      *Number
	MediaTypeAlias *Number
	Limit          *Number
	Offset         *Number
}

// Query turns r into a RouteQuery. Absent, null or empty strings do not
// filter; devicetype and mediaTypeId must be integers of their lists;
// limit follows queryAccessCodeList (default 100, above 100 is 100,
// negative refused); offset defaults to 0 and, as the vendor's page says,
// a negative offset is read as 0. There is no maximum offset.
func (r RouteQueryRequest) Query() (RouteQuery, error) {
	var q RouteQuery
	if r.AccessCode != nil {
		q.AccessCode = *r.AccessCode
	}
	if r.ExtCode != nil {
		q.ExtCode = *r.ExtCode
	}
	if r.DeviceDesc != nil {
		q.DeviceDesc = *r.DeviceDesc
	}
	if d, ok, err := r.DeviceType.Int("devicetype"); err != nil {
		return RouteQuery{}, err
	} else if ok {
		if !DeviceType(d).Valid() {
			return RouteQuery{}, deviceTypeError(d)
		}
		q.DeviceType = DeviceType(d)
	}
	m, ok, err := r.MediaType.Int("mediaTypeId")
	if err != nil {
		return RouteQuery{}, err
	}
	alias, aliasOK, err := r.MediaTypeAlias.Int("mediatypeId")
	if err != nil {
		return RouteQuery{}, err
	}
	switch {
	case ok && aliasOK && m != alias:
		return RouteQuery{}, aiccd.Errorf(aiccd.KindInvalid, "mediaTypeId (%d) and mediatypeId (%d) disagree; send one of them", m, alias)
	case !ok && aliasOK:
		m, ok = alias, true
	}
	if ok {
		if !MediaType(m).Valid() {
			return RouteQuery{}, mediaTypeError("mediaTypeId", m)
		}
		q.MediaType = MediaType(m)
	}
	if q.Limit, err = limitOf(r.Limit); err != nil {
		return RouteQuery{}, err
	}
	if o, ok, err := r.Offset.Int("offset"); err != nil {
		return RouteQuery{}, err
	} else if ok && o > 0 {
		q.Offset = o
	}
	return q, q.Validate()
}
