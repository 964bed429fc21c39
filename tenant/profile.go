package tenant

import (
	"encoding/json"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
)

// Profile is a tenant's contact details: personal data. It is sealed at
// rest, masked for the mall, and never printed or logged: fmt and slog
// show it as "[personal data]". Error messages about it name the field,
// never the value.
type Profile struct {
	Company     string `json:"company"`
	ContactName string `json:"contact_name"`
	Email       string `json:"email"`
	Mobile      string `json:"mobile"`
}

// IsZero reports whether p holds nothing.
func (p Profile) IsZero() bool { return p == Profile{} }

const redacted = "[personal data]"

// String keeps personal data out of logs and messages formatted with %v.
func (p Profile) String() string { return redacted }

// GoString keeps personal data out of %#v.
func (p Profile) GoString() string { return redacted }

// LogValue keeps personal data out of structured logs.
func (p Profile) LogValue() slog.Value { return slog.StringValue(redacted) }

// Masked returns p as the business software mall may see it.
func (p Profile) Masked() Profile {
	return Profile{
		Company:     MaskCompany(p.Company),
		ContactName: MaskName(p.ContactName),
		Email:       MaskEmail(p.Email),
		Mobile:      MaskMobile(p.Mobile),
	}
}

// Codes of invalid profile fields, which applyTenant maps to its return
// codes.
const (
	CodeInvalidCompany = "tenant.invalid_company"
	CodeInvalidContact = "tenant.invalid_contact_name"
	CodeInvalidEmail   = "tenant.invalid_email"
	CodeInvalidMobile  = "tenant.invalid_mobile"
)

// Limits of the profile fields, in characters.
const (
	MaxCompany = 128
	MaxContact = 64
	maxEmail   = 254
)

func invalid(code, format string, args ...any) error {
	return aiccd.Errorf(aiccd.KindInvalid, format, args...).WithCode(code)
}

// NormalizeProfile trims every field, removes spaces and dashes from the
// mobile number, and checks the result. Messages name the field, never
// its value.
func NormalizeProfile(p Profile) (Profile, error) {
	p.Company = strings.TrimSpace(p.Company)
	p.ContactName = strings.TrimSpace(p.ContactName)
	p.Email = strings.TrimSpace(p.Email)
	p.Mobile = NormalizeMobile(p.Mobile)
	if why := checkText(p.Company, MaxCompany); why != "" {
		return Profile{}, invalid(CodeInvalidCompany, "the company name %s", why)
	}
	if why := checkText(p.ContactName, MaxContact); why != "" {
		return Profile{}, invalid(CodeInvalidContact, "the contact name %s", why)
	}
	if p.Email != "" && !ValidEmail(p.Email) {
		return Profile{}, errBadEmail
	}
	if p.Mobile != "" && !ValidMobile(p.Mobile) {
		return Profile{}, errBadMobile
	}
	return p, nil
}

// The refusals of contact details; like every message about personal
// data, they do not repeat the value.
var (
	errBadEmail  = invalid(CodeInvalidEmail, "the email address is not valid")
	errBadMobile = invalid(CodeInvalidMobile, "the mobile number must be 6 to 15 digits, optionally after a '+'")
)

// checkText checks a free-text field: valid UTF-8, no control characters,
// at most max characters. It returns what is wrong as a predicate ("is
// longer than 64 characters"), or "".
func checkText(s string, max int) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	if utf8.RuneCountInString(s) > max {
		return "is longer than " + strconv.Itoa(max) + " characters"
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return "contains a control character"
		}
	}
	return ""
}

var mobilePattern = regexp.MustCompile(`^\+?[0-9]{6,15}$`)

// NormalizeMobile trims a mobile number and removes the spaces and dashes
// people write in it.
func NormalizeMobile(m string) string {
	return strings.Map(func(c rune) rune {
		if c == ' ' || c == '-' {
			return -1
		}
		return c
	}, strings.TrimSpace(m))
}

// ValidMobile reports whether m (normalised) is 6 to 15 ASCII digits,
// optionally after a '+': the E.164 length, mainland numbers included.
func ValidMobile(m string) bool { return mobilePattern.MatchString(m) }

// ValidEmail reports whether e is a plain address, local@domain: a local
// part of 1 to 64 bytes without spaces, control characters or the
// delimiters <>()[],;:"\ and a domain of at least two dot-separated labels
// of letters (any script), digits and hyphens. Display names and comments
// are not accepted.
func ValidEmail(e string) bool {
	if len(e) > maxEmail || !utf8.ValidString(e) {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	if at < 1 || at > 64 {
		return false
	}
	local, domain := e[:at], e[at+1:]
	for _, c := range local {
		if unicode.IsSpace(c) || unicode.IsControl(c) || strings.ContainsRune(`<>()[],;:"\@`, c) {
			return false
		}
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, c := range l {
			if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '-' && !unicode.Is(unicode.Mn, c) {
				return false
			}
		}
	}
	return true
}

// Keys protect personal data at rest: Seal and Open encrypt it, Blind
// derives keyed digests by which it can be found without decrypting.
// masterkey.Key implements it.
type Keys interface {
	aiccd.Sealer
	aiccd.Blinder
}

// Blind index purposes.
const (
	indexMobile     = "tenant mobile"
	indexEmail      = "tenant email"
	indexVerifyCode = "phone verification code"
)

func mobileKey(m string) []byte { return []byte(NormalizeMobile(m)) }
func emailKey(e string) []byte  { return []byte(strings.ToLower(strings.TrimSpace(e))) }

var errNoKeys = aiccd.Errorf(aiccd.KindInternal, "personal data cannot be sealed: no master key is configured")

// seal stores p in t in sealed form, with the indexes of its mobile
// number and e-mail address. A zero p clears them.
func (s *Service) seal(t *Tenant, p Profile) error {
	t.Profile = p
	t.SealedProfile, t.MobileIndex, t.EmailIndex = nil, nil, nil
	if p.IsZero() {
		return nil
	}
	if s.keys == nil {
		return errNoKeys
	}
	plain, err := json.Marshal(p)
	if err != nil {
		return aiccd.Wrap(aiccd.KindInternal, err, "seal profile")
	}
	if t.SealedProfile, err = s.keys.Seal(plain, []byte(t.ID)); err != nil {
		return aiccd.Wrap(aiccd.KindInternal, err, "seal profile")
	}
	if p.Mobile != "" {
		t.MobileIndex = s.keys.Blind(indexMobile, mobileKey(p.Mobile))
	}
	if p.Email != "" {
		t.EmailIndex = s.keys.Blind(indexEmail, emailKey(p.Email))
	}
	return nil
}

// open fills t.Profile from its sealed form.
func (s *Service) open(t *Tenant) error {
	t.Profile = Profile{}
	if !t.HasProfile() {
		return nil
	}
	if s.keys == nil {
		return errNoKeys
	}
	plain, err := s.keys.Open(t.SealedProfile, []byte(t.ID))
	if err != nil {
		// The tenant ID is no personal data; the cause may say the key is wrong.
		return aiccd.Wrap(aiccd.KindInternal, err, "the profile of tenant "+t.ID+" cannot be opened with this master key")
	}
	if err := json.Unmarshal(plain, &t.Profile); err != nil {
		return aiccd.Wrap(aiccd.KindInternal, err, "the profile of tenant "+t.ID+" is corrupt")
	}
	return nil
}
