package accesscode

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	for _, tc := range []struct{ text, term string }{
		{"Access Code hotline", "access code"},
		{"ACCESS CODE", "Access code"},
		{"ΣΊΣΥΦΟΣ", "σίσυφος"},
		{"Straße 5", "STRASSE"},
		{"cafe\u0301", "CAFÉ"},
		{"北京客服热线", "客服"},
	} {
		if !strings.Contains(Fold(tc.text), Fold(tc.term)) {
			t.Errorf("Fold(%q) = %q does not contain Fold(%q) = %q", tc.text, Fold(tc.text), tc.term, Fold(tc.term))
		}
	}
	if strings.Contains(Fold("access"), Fold("acces_")) {
		t.Error("folding must not turn _ into a wildcard")
	}
}
