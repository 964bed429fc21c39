package accesscode

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Fold maps text to the form case-insensitive search compares: Unicode
// case folding (so "Σ", "σ" and "ς" match, and "Straße" matches "STRASSE")
// of the NFC-normalised text (so a precomposed "é" matches "e" followed by
// a combining accent). Descriptions are stored with their folded form
// beside them, and search terms are folded the same way, so both engines
// match exactly alike whatever their collation or locale.
func Fold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return norm.NFC.String(cases.Fold().String(norm.NFC.String(s)))
		}
	}
	// ASCII folds to lower case, and is in NFC already.
	return strings.ToLower(s)
}

// FoldOptional is Fold of an optional text: no text has no folded form.
// Stores keep it beside descriptions for search.
func FoldOptional(s *string) *string {
	if s == nil {
		return nil
	}
	f := Fold(*s)
	return &f
}
