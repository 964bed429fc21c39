package postgres

import "testing"

func TestLookupTerm(t *testing.T) {
	t.Parallel()
	sample := []string{
		"hangzhou billing hotline, store 0001", "hangzhou sales hotline, store 4217", "beijing billing hotline, store 0002",
		"shanghai support video line, store 0003", "杭州 账单 热线 (门店 0004)", "hangzhou billing web chat, store 0005",
	}
	for _, tc := range []struct{ term, want string }{
		{"store 4217", "4217"},                   // the rare word
		{"hangzhou billing", "hangzhou billing"}, // the whole term is rarer than either word
		{"hotline", "hotline"},                   // one word
		{"杭州 账单", "杭州 账单"},                       // words shorter than three characters are not looked up alone
		{"store 9999", "9999"},                   // no sampled description has either: the shorter is cheaper
		{"a 100%", "100"},                        // neither is sampled: the shorter is cheaper to look up
	} {
		if got := lookupTerm(tc.term, sample); got != tc.want {
			t.Errorf("lookupTerm(%q) = %q, want %q", tc.term, got, tc.want)
		}
	}
	if got := lookupTerm("store 4217", nil); got != "store 4217" {
		t.Errorf("without a sample: %q", got)
	}
}
