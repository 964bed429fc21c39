package console

import (
	"encoding/json"
	"net/http"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// ruleCheck is the answer of the reflection-rule check the rules page's
// script asks for as the rule is typed: valid with its normal form, or
// why not and where, as offsets into the typed text in UTF-16 code units
// (the positions of a text field's value).
type ruleCheck struct {
	Valid   bool   `json:"valid"`
	Normal  string `json:"normal,omitempty"`
	Message string `json:"message,omitempty"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
}

// maxCheckBody bounds a check's form: the rule, the CSRF token, a little
// more.
const maxCheckBody = smartcare.MaxRuleLength*4 + 1024

// smartCareRuleCheck parses the posted rule with smartcare's parser. It
// changes nothing, so viewers may ask; it is a POST with the CSRF token
// all the same, so that no other site's page can have it asked.
func (c *Console) smartCareRuleCheck(w http.ResponseWriter, r *http.Request) error {
	rule := r.PostFormValue("rule")
	var out ruleCheck
	if len(rule) > 2*smartcare.MaxRuleLength {
		rule = rule[:2*smartcare.MaxRuleLength] // still over the limit, still refused
	}
	parsed, span, err := smartcare.CheckReflectionRule(rule)
	if err != nil {
		out.Message = sentence(aiccd.MessageOf(err, "the rule is not valid"))
		out.Start, out.End = utf16Len(rule[:span.Start]), utf16Len(rule[:span.End])
	} else {
		out.Valid, out.Normal = true, parsed.String()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(out)
}

// utf16Len is the length of s in UTF-16 code units, as a browser counts.
func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n += utf16.RuneLen(r)
		s = s[size:]
	}
	return n
}
