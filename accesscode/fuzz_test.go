package accesscode

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// FuzzFold checks that the ASCII shortcut of Fold agrees with full case
// folding.
func FuzzFold(f *testing.F) {
	for _, seed := range []string{"Access CODE", "ΣΊΣΥΦΟΣ", "Straße", "cafe\u0301", "热线", "%_\\", "\xff"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := norm.NFC.String(cases.Fold().String(norm.NFC.String(s)))
		if got := Fold(s); got != want {
			t.Fatalf("Fold(%q) = %q, want %q", s, got, want)
		}
		if Fold(Fold(s)) != Fold(s) && utf8.ValidString(s) {
			t.Fatalf("Fold is not idempotent on %q", s)
		}
	})
}
