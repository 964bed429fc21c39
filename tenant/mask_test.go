package tenant_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiccd/aiccd/tenant"
)

func TestMaskMobile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"15312340991", "153****0991"}, // the page's example
		{"13212347077", "132****7077"},
		{"+8613212347077", "+86****7077"},
		{"0755123456", "0****6"}, // shorter than 11: first and last only
		{"1234567", "1****7"},
		{"123", "1****3"},
		{"12", "****"},
		{"1", "****"},
		{"", ""},
		{"１３２１２３４７０７７", "１３２****７０７７"}, // full-width digits count as one character each
		{"abc-def-ghij", "abc****ghij"},
		{"\xff\xfe12345678901", "\uFFFD\uFFFD1****8901"},
	} {
		if got := tenant.MaskMobile(tc.in); got != tc.want {
			t.Errorf("MaskMobile(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"sunkai@huawei.com", "sunk****@huawei.com"}, // the page's example
		{"wanfang@huawei.com", "wanf****@huawei.com"},
		{"sunk@huawei.com", "sun****@huawei.com"}, // never the whole local part
		{"ab@x.cn", "a****@x.cn"},
		{"a@x.cn", "****@x.cn"},
		{"@x.cn", "****@x.cn"},
		{"", ""},
		{"张三丰先生@例子.中国", "张三丰先****@例子.中国"},
		{"no-at-sign", "no-a****"},
		{"x", "****"},
		{`"a@b"@example.com`, `"a@b****@example.com`}, // the domain follows the last @
		{"user@", "use****@"},
		{"\xffabcdef@d.com", "\uFFFDabc****@d.com"},
	} {
		if got := tenant.MaskEmail(tc.in); got != tc.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"zhaolei", "zXXXXXX"}, // the page's example
		{"王小明", "王XX"},
		{"欧阳娜娜", "欧XXX"},
		{"Zhao Lei", "ZXXXXXXX"},
		{"Lu", "LX"},
		{"王", "X"}, // one character would be revealed whole
		{"", ""},
		{"\xff\xfe", "\uFFFDX"},
		{"é", "X"},
		{"e\u0301mile", "eXXXXX"}, // a combining mark is a character of its own
	} {
		if got := tenant.MaskName(tc.in); got != tc.want {
			t.Errorf("MaskName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskCompany(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Huawei Tech Corp", "Huawei XXXXXXXXX"}, // the page's example
		{"Huawei  Tech", "Huawei XXXXX"},         // one separator kept; the second is masked
		{"Huawei-Tech Co", "Huawei-XXXXXXX"},
		{"深圳市华为技术有限公司", "深圳市华为XXXXXX"}, // no separator: the first half, rounded down
		{"华为技术 有限公司", "华为技术 XXXX"},
		{"华为（深圳）有限公司", "华为（XXXXXXX"}, // full-width punctuation separates
		{"华为　技术", "华为　XX"},           // the ideographic space separates
		{"Huawei", "HuaXXX"},
		{"Huawei ", "HuaXXXX"}, // nothing after the separator: the first half
		{" Huawei", " XXXXXX"},
		{"A", "X"},
		{"AB", "AX"},
		{"", ""},
		{"\xff\xfe Tech", "\uFFFD\uFFFD XXXX"},
	} {
		if got := tenant.MaskCompany(tc.in); got != tc.want {
			t.Errorf("MaskCompany(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// revealed finds how out shows in: its first a and last b characters
// around mask, with a <= maxA and b <= maxB, leaving at least one
// character of a non-empty input hidden. ok is false when out is not of
// that form.
func revealed(in []rune, out, mask string, maxA, maxB int) (a, b int, ok bool) {
	n := len(in)
	for a := 0; a <= min(maxA, n); a++ {
		for b := 0; b <= min(maxB, n-a); b++ {
			if n > 0 && a+b >= n {
				continue
			}
			if out == string(in[:a])+mask+string(in[n-b:]) {
				return a, b, true
			}
		}
	}
	return 0, 0, false
}

// showsMiddle reports whether out contains the hidden middle of in
// literally, for a middle that cannot appear by coincidence: one with a
// character found neither among the revealed ones nor in the mask.
func showsMiddle(in []rune, a, b int, out, mask string) bool {
	hidden := in[a : len(in)-b]
	visible := string(in[:a]) + string(in[len(in)-b:]) + mask
	for _, c := range hidden {
		if !strings.ContainsRune(visible, c) {
			return strings.Contains(out, string(hidden))
		}
	}
	return false
}

// FuzzMask proves, for any input, that no rule panics, returns invalid
// UTF-8, or shows more than its kept characters: the rest is replaced by
// the mask, never copied, and no output contains the masked middle.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"15312340991", "sunkai@huawei.com", "zhaolei", "Huawei Tech Corp", "深圳市华为技术有限公司",
		"", "a", "@", "a@", "@b", "a@b@c", "\xff", "王", " x", "x ", "12345678", "1111111111111", "****1234****"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := []rune(s)
		n := len(in)
		for rule, out := range map[string]string{
			"MaskMobile": tenant.MaskMobile(s), "MaskEmail": tenant.MaskEmail(s),
			"MaskName": tenant.MaskName(s), "MaskCompany": tenant.MaskCompany(s),
		} {
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q is not valid UTF-8", rule, s, out)
			}
			if n == 0 && out != "" {
				t.Fatalf("%s(\"\") = %q", rule, out)
			}
		}
		if n == 0 {
			return
		}

		mobile := tenant.MaskMobile(s)
		a, b, ok := revealed(in, mobile, "****", 3, 4)
		if !ok {
			t.Fatalf("MaskMobile(%q) = %q shows more than 3 leading and 4 trailing characters", s, mobile)
		}
		if showsMiddle(in, a, b, mobile, "****") {
			t.Fatalf("MaskMobile(%q) = %q shows the masked middle", s, mobile)
		}

		email := tenant.MaskEmail(s)
		local, domain, hasAt := s, "", false
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			local, domain, hasAt = s[:i], s[i+1:], true
		}
		suffix := ""
		if hasAt {
			suffix = "@" + string([]rune(domain))
		}
		lr := []rune(local)
		if !strings.HasSuffix(email, "****"+suffix) {
			t.Fatalf("MaskEmail(%q) = %q does not end in ****@domain", s, email)
		}
		if len(lr) > 0 {
			a, _, ok := revealed(lr, strings.TrimSuffix(email, suffix), "****", 4, 0)
			if !ok {
				t.Fatalf("MaskEmail(%q) = %q shows more than 4 leading characters of the local part", s, email)
			}
			if showsMiddle(lr, a, 0, strings.TrimSuffix(email, suffix), "****") {
				t.Fatalf("MaskEmail(%q) = %q shows the masked local part", s, email)
			}
		} else if email != "****"+suffix {
			t.Fatalf("MaskEmail(%q) = %q", s, email)
		}

		name := []rune(tenant.MaskName(s))
		if len(name) != n || strings.Trim(string(name[1:]), "X") != "" || (n > 1 && name[0] != in[0]) || (n == 1 && string(name) != "X") {
			t.Fatalf("MaskName(%q) = %q: want the first character and X for every other", s, string(name))
		}

		company := tenant.MaskCompany(s)
		k, ok := keptThenX(in, []rune(company))
		if !ok {
			t.Fatalf("MaskCompany(%q) = %q: want a prefix of the name, then at least one X for every other character", s, company)
		}
		if showsMiddle(in, k, 0, company, "X") {
			t.Fatalf("MaskCompany(%q) = %q shows the masked rest", s, company)
		}
	})
}

// keptThenX finds k < len(in) such that out is in's first k characters
// followed by len(in)-k X.
func keptThenX(in, out []rune) (int, bool) {
	n := len(in)
	if len(out) != n {
		return 0, false
	}
	common := 0
	for common < n && out[common] == in[common] {
		common++
	}
	xs := 0
	for xs < n && out[n-1-xs] == 'X' {
		xs++
	}
	k := max(0, n-xs)
	if k <= min(common, n-1) {
		return k, true
	}
	return 0, false
}
