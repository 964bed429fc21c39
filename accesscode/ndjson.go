package accesscode

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
)

// lineJSON is one NDJSON line of an import: an entry of calledRouteList.
type lineJSON struct {
	ID          json.RawMessage `json:"id"` // a string, as the page sends it, or a number
	AccessCode  *string         `json:"accessCode"`
	MediatypeID *Number         `json:"mediatypeId"`
	N400Number  *string         `json:"n400Number"`
	Description *string         `json:"description"`
	NumCallAttr *Number         `json:"numCallAttr"`
}

// FromJSON reads one NDJSON line of an access code import: an entry of
// calledRouteList, with the fields CSV reads. `aiccd import accesscodes`
// and the console's upload both read their NDJSON rows with it.
func FromJSON(line []byte) (Draft, error) {
	var v lineJSON
	if err := json.Unmarshal(line, &v); err != nil {
		return Draft{}, aiccd.Errorf(aiccd.KindInvalid, "not a valid JSON object: %v", err)
	}
	d := Draft{MediaType: MediaAudioVideo, CallAttr: CallBoth,
		N400Number: v.N400Number, Description: v.Description}
	if v.AccessCode == nil {
		return Draft{}, aiccd.Errorf(aiccd.KindInvalid, "accessCode: is required")
	}
	d.Code = *v.AccessCode
	if id := strings.Trim(string(v.ID), `"`); id != "" && id != "null" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || n <= 0 {
			return Draft{}, aiccd.Errorf(aiccd.KindInvalid, "ID %q is not a positive 64-bit number", id)
		}
		d.ID = n
	}
	if m, ok, err := v.MediatypeID.Int("mediatypeId"); err != nil {
		return Draft{}, err
	} else if ok {
		if !MediaType(m).Valid() {
			return Draft{}, aiccd.Errorf(aiccd.KindInvalid, "mediatypeId: %d is not one of 2, 5, 18, 19, 53", m)
		}
		d.MediaType = MediaType(m)
	}
	if c, ok, err := v.NumCallAttr.Int("numCallAttr"); err != nil {
		return Draft{}, err
	} else if ok {
		if !CallAttr(c).Valid() {
			return Draft{}, aiccd.Errorf(aiccd.KindInvalid, "numCallAttr: %d is not 1 (inbound), 2 (outbound) or 3 (both)", c)
		}
		d.CallAttr = CallAttr(c)
	}
	return d, nil
}
