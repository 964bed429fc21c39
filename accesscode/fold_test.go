package accesscode

import (
	"strings"
	"testing"

	"golang.org/x/text/cases"
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
	for _, ascii := range []string{"Hello World", "MiXeD 100% _\\", ""} {
		if Fold(ascii) != cases.Fold().String(ascii) {
			t.Errorf("the ASCII path folds %q to %q, not %q", ascii, Fold(ascii), cases.Fold().String(ascii))
		}
	}
	if strings.Contains(Fold("access"), Fold("acces_")) {
		t.Error("folding must not turn _ into a wildcard")
	}
}
