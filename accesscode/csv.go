package accesscode

import (
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
)

// CSV returns a parser of the rows of an access code import whose first
// line is header. The columns are the field names queryAccessCodeList
// answers with: accessCode (required), mediatypeId (default 5),
// numCallAttr (default 3), n400Number, description and id, each optional.
// An empty cell is an absent value. `aiccd import accesscodes` and the
// console's upload both read their rows with it.
func CSV(header []string) (func(rec []string) (Draft, error), error) {
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	if _, ok := index["accessCode"]; !ok {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "column %q is missing (required: accessCode)", "accessCode")
	}
	raw := func(rec []string, col string) string {
		if i, ok := index[col]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	get := func(rec []string, col string) string { return strings.TrimSpace(raw(rec, col)) }
	return func(rec []string) (Draft, error) {
		d := Draft{Code: get(rec, "accessCode"), MediaType: MediaAudioVideo, CallAttr: CallBoth}
		if s := get(rec, "id"); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				return Draft{}, aiccd.Errorf(aiccd.KindInvalid, "ID %q is not a positive 64-bit number", s)
			}
			d.ID = id
		}
		if s := get(rec, "mediatypeId"); s != "" {
			m, err := ParseMediaType(s)
			if err != nil {
				return Draft{}, err
			}
			d.MediaType = m
		}
		if s := get(rec, "numCallAttr"); s != "" {
			c, err := ParseCallAttr(s)
			if err != nil {
				return Draft{}, err
			}
			d.CallAttr = c
		}
		if s := get(rec, "n400Number"); s != "" {
			d.N400Number = &s
		}
		// The description keeps its spaces; only an empty cell means none.
		if s := raw(rec, "description"); s != "" {
			d.Description = &s
		}
		return d, nil
	}, nil
}
