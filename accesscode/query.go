package accesscode

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
)

// Paging limits of queryAccessCodeList and queryCalledRoute.
const (
	MaxLimit     = 100 // larger limits behave as MaxLimit
	DefaultLimit = 100
	MaxOffset    = 100 // queryAccessCodeList only; larger offsets are refused
	MaxListLimit = 1000
)

// Filter selects access codes. Zero fields do not filter.
type Filter struct {
	// AccessCode matches codes containing it (a substring, taken
	// literally: % and _ are characters like any other).
	AccessCode string
	// MediaType matches codes of exactly this media type.
	MediaType MediaType
	// Description matches descriptions containing it, case-insensitively
	// (see Fold). An access code without a description never matches a
	// description filter.
	Description string
}

// Query is a validated queryAccessCodeList request: filters, and a page of
// at most Limit (0 to 100) rows from Offset (0 to 100). Limit 0 asks for
// the total alone. Build it with QueryRequest.Query, which applies the
// defaults, or fill it and let Service.Query validate it.
type Query struct {
	Filter
	Limit  int
	Offset int
}

// Page is the answer to a query: Total counts every match, Items holds the
// requested page of them in the stable order (access code, then ID).
type Page struct {
	Total int
	Items []AccessCode
}

// ListOptions pages through a tenant's access codes without the vendor's
// offset cap, for admin tools: up to Limit (1 to 1000) codes after the
// access code After, in access code order.
type ListOptions struct {
	Filter
	After string
	Limit int
	// CountUpTo, when positive, bounds the count of a search by access
	// code or description: Total counts matches up to CountUpTo, and
	// equals it when there are at least that many. A common word may
	// match most of a tenant of a million codes, whose exact count costs
	// far more than the page. Other counts are exact: stores keep them.
	CountUpTo int
}

// Paging is what a store is asked for: the rows after After (when set),
// skipping Offset, at most Limit of them.
type Paging struct {
	After  string
	Offset int
	Limit  int
	// CountUpTo, when positive, is the most matches Total need count.
	CountUpTo int
}

// validate checks the filters, naming fields as the vendor page does.
func (f Filter) validate() error {
	if err := validateFilter("accessCode", f.AccessCode, MaxCodeLen); err != nil {
		return err
	}
	if f.MediaType != 0 && !f.MediaType.Valid() {
		return mediaTypeError("mediatypeId", int64(f.MediaType))
	}
	return validateFilter("description", f.Description, MaxDescriptionLen)
}

// validateFilter checks a text filter by the rules of the text it
// searches (validateText), so that a filter no stored value could contain
// is refused rather than searched for: neither a NUL byte, which
// PostgreSQL refuses in text, nor invalid UTF-8 ever reaches a store.
func validateFilter(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return aiccd.Errorf(aiccd.KindInvalid, "%s: is not valid UTF-8", field)
	}
	if utf8.RuneCountInString(s) > max {
		return aiccd.Errorf(aiccd.KindInvalid, "%s: the filter is longer than %d characters", field, max)
	}
	return validateCharacters(field, s)
}

// Validate checks q: valid filters, 0 <= Limit <= 100, 0 <= Offset <= 100.
func (q Query) Validate() error {
	if err := q.Filter.validate(); err != nil {
		return err
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		return aiccd.Errorf(aiccd.KindInvalid, "limit: %d is outside 0 to %d", q.Limit, MaxLimit)
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return aiccd.Errorf(aiccd.KindInvalid, "offset: %d is outside 0 to %d", q.Offset, MaxOffset)
	}
	return nil
}

// QueryRequest is a queryAccessCodeList request as a client sent it
// (its JSON form is httpapi's). Every field is optional (nil); Query
// checks and normalises them, naming the fields as the vendor's page does.
type QueryRequest struct {
	AccessCode  *string
	MediaType   *Number
	Description *string
	Limit       *Number
	Offset      *Number
}

// Query turns r into a Query:
//   - an absent, null or empty accessCode or description does not filter;
//   - mediatypeId must be an integer among 2, 5, 18, 19, 53 when present;
//   - limit defaults to 100; 0 asks for the total alone; values above 100
//     behave as 100; negative or non-integer values are refused;
//   - offset defaults to 0; negative, non-integer or values above 100 are
//     refused (the page's maximum is 100).
func (r QueryRequest) Query() (Query, error) {
	q := Query{Limit: DefaultLimit}
	if r.AccessCode != nil {
		q.AccessCode = *r.AccessCode
	}
	if r.Description != nil {
		q.Description = *r.Description
	}
	if m, ok, err := r.MediaType.Int("mediatypeId"); err != nil {
		return Query{}, err
	} else if ok {
		if !MediaType(m).Valid() {
			return Query{}, mediaTypeError("mediatypeId", m)
		}
		q.MediaType = MediaType(m)
	}
	limit, err := limitOf(r.Limit)
	if err != nil {
		return Query{}, err
	}
	q.Limit = limit
	if o, ok, err := r.Offset.Int("offset"); err != nil {
		return Query{}, err
	} else if ok {
		if o < 0 {
			return Query{}, aiccd.Errorf(aiccd.KindInvalid, "offset: %d is negative; it ranges from 0 to %d", o, MaxOffset)
		}
		if o > MaxOffset {
			return Query{}, aiccd.Errorf(aiccd.KindInvalid, "offset: %d is over the maximum of %d", o, MaxOffset)
		}
		q.Offset = int(o)
	}
	return q, q.Validate()
}

// limitOf applies the limit rules both queries share: absent is 100,
// above 100 is 100, negative or not an integer is refused.
func limitOf(n *Number) (int, error) {
	l, ok, err := n.Int("limit")
	switch {
	case err != nil:
		return 0, err
	case !ok:
		return DefaultLimit, nil
	case l < 0:
		return 0, aiccd.Errorf(aiccd.KindInvalid, "limit: %d is negative; it ranges from 0 to %d", l, MaxLimit)
	case l > MaxLimit:
		return MaxLimit, nil
	}
	return int(l), nil
}

// Number is a JSON value meant to be an integer, kept as sent so that a
// wrong one is refused with a message that says what was wrong with it
// rather than a decoder's type error.
type Number struct {
	raw json.RawMessage
}

// UnmarshalJSON keeps any JSON value; Int judges it.
func (n *Number) UnmarshalJSON(b []byte) error {
	n.raw = append(n.raw[:0], b...)
	return nil
}

// Int returns n as an integer. ok is false when n is absent or null. A
// value that is not a JSON number, or a number with a fraction, is an
// error naming field. Integral numbers beyond the int64 range saturate,
// so that "limit": 1e30 behaves as a large limit.
func (n *Number) Int(field string) (v int64, ok bool, err error) {
	if n == nil {
		return 0, false, nil
	}
	raw := bytes.TrimSpace(n.raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, nil
	}
	if c := raw[0]; c != '-' && (c < '0' || c > '9') {
		return 0, false, aiccd.Errorf(aiccd.KindInvalid, "%s: must be an integer, not %s", field, jsonKind(c))
	}
	if i, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return i, true, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil && !isRangeError(err) {
		return 0, false, aiccd.Errorf(aiccd.KindInvalid, "%s: %s is not a number", field, truncate(string(raw), 32))
	}
	if f != math.Trunc(f) || math.IsNaN(f) {
		return 0, false, aiccd.Errorf(aiccd.KindInvalid, "%s: %s is not an integer", field, truncate(string(raw), 32))
	}
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64, true, nil
	case f <= math.MinInt64:
		return math.MinInt64, true, nil
	}
	return int64(f), true, nil
}

func isRangeError(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// jsonKind names the JSON type of a value starting with c.
func jsonKind(c byte) string {
	switch c {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "a value of another kind"
}
