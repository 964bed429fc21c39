// Package accesscode is the registry of a tenant's access codes (the hotline
// numbers customers dial) and of the called routes that bind them to skill
// queues and IVR flows. It serves queryAccessCodeList and queryCalledRoute:
// substring search over codes, descriptions and device descriptions with the
// vendor's paging rules, isolated per tenant.
package accesscode

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
)

// AccessCode is one access code of a tenant. The JSON form is the one of
// aiccd's admin interfaces; the CC wire form (id as a string, camelCase
// names) is built by the HTTP layer.
type AccessCode struct {
	ID          int64     `json:"id,string"`
	TenantID    string    `json:"tenant_id"`
	Code        string    `json:"access_code"`
	MediaType   MediaType `json:"media_type"`
	N400Number  *string   `json:"n400_number"`
	Description *string   `json:"description"`
	CallAttr    CallAttr  `json:"call_attr"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Limits of the fields, in characters.
const (
	MaxCodeLen        = 32 // the vendor's createCalledRoute allows 32 characters
	MaxN400Len        = 32
	MaxDescriptionLen = 256
	MaxExtCodeLen     = 12 // the vendor's createCalledRoute allows 12 characters
	MaxDeviceDescLen  = 256
)

// MediaType is the channel an access code serves (mediatypeId).
type MediaType int

// The media types the pages list.
const (
	MediaClickToDial      MediaType = 2
	MediaAudioVideo       MediaType = 5
	MediaVideoClickToDial MediaType = 18
	MediaVideo            MediaType = 19
	MediaMultimedia       MediaType = 53
)

// MediaTypes lists every media type in ascending order.
var MediaTypes = []MediaType{MediaClickToDial, MediaAudioVideo, MediaVideoClickToDial, MediaVideo, MediaMultimedia}

var mediaNames = map[MediaType]string{
	MediaClickToDial:      "click-to-dial",
	MediaAudioVideo:       "audio-video",
	MediaVideoClickToDial: "video-click-to-dial",
	MediaVideo:            "video",
	MediaMultimedia:       "multimedia",
}

// Valid reports whether m is one of the media types.
func (m MediaType) Valid() bool { _, ok := mediaNames[m]; return ok }

// String names m as the CLI accepts it.
func (m MediaType) String() string {
	if n, ok := mediaNames[m]; ok {
		return n
	}
	return strconv.Itoa(int(m))
}

func mediaTypeError(field string, v int64) error {
	return aiccd.Errorf(aiccd.KindInvalid, "%s: %d is not one of 2, 5, 18, 19, 53", field, v)
}

// ParseMediaType reads a media type given as its number or its name
// ("audio-video").
func ParseMediaType(s string) (MediaType, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if !MediaType(n).Valid() {
			return 0, mediaTypeError("mediatypeId", n)
		}
		return MediaType(n), nil
	}
	for m, name := range mediaNames {
		if strings.EqualFold(s, name) {
			return m, nil
		}
	}
	return 0, aiccd.Errorf(aiccd.KindInvalid, "mediatypeId: %q is not one of 2, 5, 18, 19, 53 (or click-to-dial, audio-video, video-click-to-dial, video, multimedia)", s)
}

// CallAttr says which call directions an access code is used for
// (numCallAttr).
type CallAttr int

// The call attributes.
const (
	CallInbound  CallAttr = 1
	CallOutbound CallAttr = 2
	CallBoth     CallAttr = 3
)

var callAttrNames = map[CallAttr]string{CallInbound: "inbound", CallOutbound: "outbound", CallBoth: "both"}

// Valid reports whether c is 1, 2 or 3.
func (c CallAttr) Valid() bool { _, ok := callAttrNames[c]; return ok }

// String names c as the CLI accepts it.
func (c CallAttr) String() string {
	if n, ok := callAttrNames[c]; ok {
		return n
	}
	return strconv.Itoa(int(c))
}

// ParseCallAttr reads a call attribute given as 1, 2, 3 or inbound,
// outbound, both.
func ParseCallAttr(s string) (CallAttr, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil && CallAttr(n).Valid() {
		return CallAttr(n), nil
	}
	for c, name := range callAttrNames {
		if strings.EqualFold(s, name) {
			return c, nil
		}
	}
	return 0, aiccd.Errorf(aiccd.KindInvalid, "numCallAttr: %q is not 1 (inbound), 2 (outbound) or 3 (both)", s)
}

// ValidateCode checks an access code: 1 to 32 ASCII digits.
func ValidateCode(code string) error {
	if code == "" {
		return aiccd.Errorf(aiccd.KindInvalid, "accessCode: is required")
	}
	if len(code) > MaxCodeLen {
		return aiccd.Errorf(aiccd.KindInvalid, "accessCode: %q is longer than %d digits", truncate(code, MaxCodeLen), MaxCodeLen)
	}
	if !allDigits(code) {
		return aiccd.Errorf(aiccd.KindInvalid, "accessCode: %q must consist of the digits 0-9 only", code)
	}
	return nil
}

// validateN400 checks a service number: an optional '+', then digits and
// '-' separators, starting with a digit, at most 32 characters.
func validateN400(n string) error {
	if len(n) > MaxN400Len {
		return aiccd.Errorf(aiccd.KindInvalid, "n400Number: %q is longer than %d characters", truncate(n, MaxN400Len), MaxN400Len)
	}
	body := strings.TrimPrefix(n, "+")
	if body == "" || body[0] < '0' || body[0] > '9' || strings.Trim(body, "0123456789-") != "" {
		return aiccd.Errorf(aiccd.KindInvalid, "n400Number: %q must be digits with optional '-' separators and an optional leading '+'", n)
	}
	return nil
}

// validateText checks a free-text field: valid UTF-8, at most max
// characters, no control characters (they would break CSV exports and
// terminals, and aiccd's search index reserves one).
func validateText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return aiccd.Errorf(aiccd.KindInvalid, "%s: is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return aiccd.Errorf(aiccd.KindInvalid, "%s: is %d characters long; the maximum is %d", field, n, max)
	}
	return validateCharacters(field, s)
}

// validateCharacters refuses the control characters validateText refuses,
// in valid UTF-8.
func validateCharacters(field, s string) error {
	for _, r := range s {
		if unicode.IsControl(r) {
			return aiccd.Errorf(aiccd.KindInvalid, "%s: must not contain control characters (found %U)", field, r)
		}
	}
	return nil
}

// optional turns "" into nil: an empty service number or description is
// no service number or description.
func optional(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	v := *s
	return &v
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// truncate shortens s for an error message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Draft is an access code to create, as a client gives it.
type Draft struct {
	// ID is the access code's ID, for imports that keep the IDs of another
	// system; 0 makes a new one.
	ID          int64     `json:"id,string,omitempty"`
	Code        string    `json:"access_code"`
	MediaType   MediaType `json:"media_type"`
	N400Number  *string   `json:"n400_number"`
	Description *string   `json:"description"`
	CallAttr    CallAttr  `json:"call_attr"`
}

// Patch changes some fields of an access code. A nil field is left as it
// is; an empty N400Number or Description clears it.
type Patch struct {
	Code        *string    `json:"access_code"`
	MediaType   *MediaType `json:"media_type"`
	N400Number  *string    `json:"n400_number"`
	Description *string    `json:"description"`
	CallAttr    *CallAttr  `json:"call_attr"`
}

// validate checks every field of a, which must have its tenant set.
func (a *AccessCode) validate() error {
	if a.ID <= 0 {
		return aiccd.Errorf(aiccd.KindInvalid, "id: %d is not a positive 64-bit number", a.ID)
	}
	if err := ValidateCode(a.Code); err != nil {
		return err
	}
	if !a.MediaType.Valid() {
		return mediaTypeError("mediatypeId", int64(a.MediaType))
	}
	if !a.CallAttr.Valid() {
		return aiccd.Errorf(aiccd.KindInvalid, "numCallAttr: %d is not 1 (inbound), 2 (outbound) or 3 (both)", a.CallAttr)
	}
	a.N400Number, a.Description = optional(a.N400Number), optional(a.Description)
	if a.N400Number != nil {
		if err := validateN400(*a.N400Number); err != nil {
			return err
		}
	}
	if a.Description != nil {
		if err := validateText("description", *a.Description, MaxDescriptionLen); err != nil {
			return err
		}
	}
	return nil
}

// apply returns a with p's changes.
func (p Patch) apply(a AccessCode) AccessCode {
	if p.Code != nil {
		a.Code = *p.Code
	}
	if p.MediaType != nil {
		a.MediaType = *p.MediaType
	}
	if p.N400Number != nil {
		a.N400Number = optional(p.N400Number)
	}
	if p.Description != nil {
		a.Description = optional(p.Description)
	}
	if p.CallAttr != nil {
		a.CallAttr = *p.CallAttr
	}
	return a
}

// Empty reports whether p changes nothing.
func (p Patch) Empty() bool {
	return p == Patch{}
}
