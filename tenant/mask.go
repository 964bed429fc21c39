package tenant

import (
	"strings"
	"unicode"
)

// The masking rules of the business software mall pages. They apply at the
// API boundary only: aiccd stores and administers the real values, and the
// mall sees these. Every rule works on Unicode code points (invalid UTF-8
// counts as U+FFFD), and none ever returns a non-empty value whole.

// mobileMask replaces the middle of a mobile number, whatever its length.
const mobileMask = "****"

// MaskMobile keeps the first 3 and the last 4 digits of a mobile number
// and replaces the middle with exactly "****" (15312340991 becomes
// 153****0991). Shorter numbers than a mainland mobile number's 11 digits,
// which would keep most of their digits that way, keep only their first
// and last character; numbers of 1 or 2 characters keep nothing.
func MaskMobile(mobile string) string {
	r := []rune(mobile)
	switch n := len(r); {
	case n == 0:
		return ""
	case n >= 11:
		return string(r[:3]) + mobileMask + string(r[n-4:])
	case n >= 3:
		return string(r[:1]) + mobileMask + string(r[n-1:])
	default:
		return mobileMask
	}
}

// MaskEmail keeps the first 4 characters of the local part, fewer when it
// is shorter (never all of it), then "****", "@" and the domain
// (sunkai@huawei.com becomes sunk****@huawei.com). The local part ends at
// the last "@"; a value without one is all local part.
func MaskEmail(email string) string {
	if email == "" {
		return ""
	}
	local, domain, hasDomain := email, "", false
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		local, domain, hasDomain = email[:i], email[i+1:], true
	}
	r := []rune(local)
	keep := min(4, max(len(r)-1, 0))
	out := string(r[:keep]) + mobileMask
	if hasDomain {
		out += "@" + string([]rune(domain)) // normalises invalid UTF-8 like the local part
	}
	return out
}

// MaskName keeps the first character of a contact name and turns every
// other character into X (zhaolei becomes zXXXXXX, 王小明 becomes 王XX). A
// name of one character becomes "X": keeping it would reveal it whole.
func MaskName(name string) string {
	r := []rune(name)
	if len(r) == 0 {
		return ""
	}
	if len(r) == 1 {
		return "X"
	}
	return string(r[:1]) + strings.Repeat("X", len(r)-1)
}

// MaskCompany keeps the first word of a company name and the one
// separator after it, and turns every later character, separators
// included, into X (Huawei Tech Corp becomes Huawei XXXXXXXXX). A
// separator is a space or a punctuation mark, full-width ones included.
// A name with nothing after its first word (one word, as Chinese names
// written without spaces are, e.g. 深圳市华为技术有限公司) keeps its first
// half, rounded down: 深圳市华为XXXXXX.
func MaskCompany(company string) string {
	r := []rune(company)
	n := len(r)
	if n == 0 {
		return ""
	}
	keep := n / 2
	for i, c := range r {
		if isSeparator(c) {
			if i+1 < n {
				keep = i + 1
			}
			break
		}
	}
	return string(r[:keep]) + strings.Repeat("X", n-keep)
}

func isSeparator(c rune) bool {
	return unicode.IsSpace(c) || unicode.IsPunct(c)
}
