package partner

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/password"
)

// The rules below are the ones the partner API pages state for
// registration checks (check-user, check-identity); creating a customer
// applies the same ones, so that what a check calls free can be created.
// Messages name the rule, never the value: values are personal data.

// SearchType is what a registration check looks at.
type SearchType string

// The search types.
const (
	SearchEmail  SearchType = "email"
	SearchMobile SearchType = "mobile"
	SearchName   SearchType = "name"
)

// MaxValueLength is the most characters a checked value, an e-mail
// address or a mobile number may have.
const MaxValueLength = 64

func invalid(code, msg string) *aiccd.Error {
	return &aiccd.Error{Kind: aiccd.KindInvalid, Code: code, Message: msg}
}

var (
	errSearchType   = invalid(CodeSearchType, "the search type must be one of email, mobile, name")
	errValueMissing = invalid(CodeValueMissing, "the value to check is required")
	errValueTooLong = invalid(CodeValueTooLong, "the value to check must have at most 64 characters")

	errNameDigits  = invalid(CodeNameInvalid, "a name must not be all digits")
	errNamePrefix  = invalid(CodeNameInvalid, "a name must not start with op_ or shadow_")
	errNameLength  = invalid(CodeNameInvalid, "a name must have 5 to 32 characters")
	errNamePattern = invalid(CodeNameInvalid, "a name may only have letters, digits, '_' and '-', and must start with a letter or '-'")

	errEmailLength = invalid(CodeEmailInvalid, "an email address must have at most 64 characters")
	errEmailForm   = invalid(CodeEmailInvalid, "an email address must have the form name@example.com")

	errMobileLength = invalid(CodeMobileInvalid, "a mobile number must have at most 64 characters")
	errMobileForm   = invalid(CodeMobileInvalid, "a mobile number must be 00 and the country code, '-', then the number (00XX-XXXXXXXX)")

	errPartnerID = invalid(CodePartnerID, "the partner ID must have 1 to 64 letters, digits, '-' or '_', starting with a letter or digit")

	errPasswordName   = invalid(CodePasswordInvalid, "the password must not be the name or the name reversed")
	errPasswordMobile = invalid(CodePasswordInvalid, "the password must not contain the mobile number")
)

// ParseSearchType reads a search type; it is case-sensitive, as the pages
// list the values.
func ParseSearchType(s string) (SearchType, error) {
	switch t := SearchType(s); t {
	case SearchEmail, SearchMobile, SearchName:
		return t, nil
	}
	return "", errSearchType
}

// ValidateSearch checks a value to look up under t, as sent: present, at
// most 64 characters, and of the form t requires. Surrounding spaces are
// not removed: the pages' patterns refuse them.
func ValidateSearch(t SearchType, value string) error {
	if value == "" {
		return errValueMissing
	}
	if utf8.RuneCountInString(value) > MaxValueLength {
		return errValueTooLong
	}
	switch t {
	case SearchName:
		return ValidateName(value)
	case SearchEmail:
		return ValidateEmail(value)
	case SearchMobile:
		return ValidateMobile(value)
	}
	return errSearchType
}

// NameKey is what names are unique by: their lower case.
func NameKey(name string) string { return strings.ToLower(name) }

// NormalizeEmail is what e-mail addresses are unique by: their lower case.
func NormalizeEmail(email string) string { return strings.ToLower(email) }

var namePattern = regexp.MustCompile(`^([a-zA-Z-]([a-zA-Z0-9_-]){4,31})$`)

// ValidateName applies the login name rules: the pattern
// ^([a-zA-Z-]([a-zA-Z0-9_-]){4,31})$ (5 to 32 characters), not starting
// with op_ or shadow_ (in any case, as names are unique in any case), not
// all digits. The most specific broken rule is reported.
func ValidateName(name string) error {
	if name != "" && strings.Trim(name, "0123456789") == "" {
		return errNameDigits
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "op_") || strings.HasPrefix(lower, "shadow_") {
		return errNamePrefix
	}
	if n := utf8.RuneCountInString(name); n < 5 || n > 32 {
		return errNameLength
	}
	if !namePattern.MatchString(name) {
		return errNamePattern
	}
	return nil
}

// ValidateEmail accepts a plausible address of at most 64 characters:
// one '@' between a local part of the characters RFC 5322 allows unquoted
// (dots neither first, last nor doubled) and a domain of at least two
// labels of letters, digits and inner hyphens, ending in a label of
// letters. Quoted local parts, address literals and non-ASCII addresses
// are refused.
func ValidateEmail(email string) error {
	if utf8.RuneCountInString(email) > MaxValueLength {
		return errEmailLength
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || !validLocalPart(local) || !validDomain(domain) {
		return errEmailForm
	}
	return nil
}

func validLocalPart(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+/=?^_`{|}~.-", rune(c)) {
			return false
		}
	}
	return true
}

func validDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || '0' <= c && c <= '9' }

var mobilePattern = regexp.MustCompile(`^\d{4}-\d+$`)

// ValidateMobile applies the mobile number rule: the pattern ^\d{4}-\d+$,
// starting with 00 (00XX-XXXXXXXX), at most 64 characters.
func ValidateMobile(mobile string) error {
	if utf8.RuneCountInString(mobile) > MaxValueLength {
		return errMobileLength
	}
	if !strings.HasPrefix(mobile, "00") || !mobilePattern.MatchString(mobile) {
		return errMobileForm
	}
	return nil
}

var chineseMobile = regexp.MustCompile(`^1\d{10}$`)

// CanonicalMobile returns mobile in the directory's form. The cloud's
// create-customer API takes Chinese numbers without a country code
// (13XXXXXXXXX); those get 0086-. Anything else is left for
// ValidateMobile to judge.
func CanonicalMobile(mobile string) string {
	if chineseMobile.MatchString(mobile) {
		return "0086-" + mobile
	}
	return mobile
}

// ValidatePartnerID checks a partner ID, the ID of the partner's cloud
// account: at most 64 letters, digits, '-' or '_'.
func ValidatePartnerID(id string) error {
	if !credential.ValidAccountID(id) {
		return errPartnerID
	}
	return nil
}

// ValidatePassword applies the cloud's password policy for a customer
// with name and mobile: 8 to 128 characters mixing two kinds, not the name
// or the name reversed (in any case), not containing the mobile number.
func ValidatePassword(pw, name, mobile string) error {
	if err := password.Validate(pw); err != nil {
		if e, ok := errors.AsType[*aiccd.Error](err); ok {
			return e.WithCode(CodePasswordInvalid)
		}
		return err
	}
	lower := strings.ToLower(pw)
	if name != "" && (lower == strings.ToLower(name) || lower == reverse(strings.ToLower(name))) {
		return errPasswordName
	}
	if _, number, ok := strings.Cut(mobile, "-"); ok && number != "" && strings.Contains(pw, number) {
		return errPasswordMobile
	}
	return nil
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
