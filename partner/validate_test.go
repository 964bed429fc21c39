package partner

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
)

// codeOf is "" for nil, else the error's code.
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	if aiccd.KindOf(err) != aiccd.KindInvalid {
		return "not invalid: " + err.Error()
	}
	return aiccd.CodeOf(err)
}

func TestValidateName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		want error
	}{
		{"abcd", errNameLength},                        // 4 characters
		{"abcde", nil},                                 // 5
		{"a" + strings.Repeat("b", 31), nil},           // 32
		{"a" + strings.Repeat("b", 32), errNameLength}, // 33
		{"", errNameLength},
		{"-abcd", nil},  // may start with '-'
		{"a_b-c9", nil}, // '_', '-' and digits after the first
		{"_abcd", errNamePattern},
		{"1abcd", errNamePattern},
		{"ab.cd", errNamePattern},
		{"ab cd", errNamePattern},
		{"abcdé", errNamePattern},
		{"12345", errNameDigits},
		{"123456789012345678901234567890123", errNameDigits}, // digits before length
		{"op_abc", errNamePrefix},
		{"OP_abcd", errNamePrefix},
		{"shadow_x", errNamePrefix},
		{"Shadow_abc", errNamePrefix},
		{"op-abc", nil},
		{"opabc", nil},
		{"shadowx", nil},
	} {
		if got := ValidateName(tc.name); got != tc.want {
			t.Errorf("ValidateName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestValidateEmail(t *testing.T) {
	t.Parallel()
	local64 := strings.Repeat("a", 64-len("@example.com")) // 64 characters in all
	for _, tc := range []struct {
		email string
		want  error
	}{
		{"customer01@example.com", nil},
		{"first.last+tag@mail.example.co", nil},
		{"o'brien_x-y@example-mail.org", nil},
		{local64 + "@example.com", nil},
		{local64 + "a@example.com", errEmailLength}, // 65
		{"", errEmailForm},
		{"customer01", errEmailForm},
		{"@example.com", errEmailForm},
		{"a@", errEmailForm},
		{"a@@example.com", errEmailForm},
		{"a@b@example.com", errEmailForm},
		{"a@localhost", errEmailForm}, // one label
		{"a@example.c", errEmailForm}, // one-letter TLD
		{"a@example.123", errEmailForm},
		{"a@-example.com", errEmailForm},
		{"a@example-.com", errEmailForm},
		{"a@example..com", errEmailForm},
		{"a@example.com.", errEmailForm},
		{".a@example.com", errEmailForm},
		{"a.@example.com", errEmailForm},
		{"a..b@example.com", errEmailForm},
		{"a b@example.com", errEmailForm},
		{`"a"@example.com`, errEmailForm},
		{"a@[127.0.0.1]", errEmailForm},
		{"用户@example.com", errEmailForm},
		{"Name <a@example.com>", errEmailForm},
	} {
		if got := ValidateEmail(tc.email); got != tc.want {
			t.Errorf("ValidateEmail(%q) = %v, want %v", tc.email, got, tc.want)
		}
	}
}

func TestValidateMobile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mobile string
		want   error
	}{
		{"0086-13800000000", nil},
		{"0001-2025550100", nil},
		{"0086-1", nil},
		{"0086-" + strings.Repeat("1", 59), nil},             // 64 characters
		{"0086-" + strings.Repeat("1", 60), errMobileLength}, // 65
		{"", errMobileForm},
		{"13800000000", errMobileForm},
		{"86-13800000000", errMobileForm},
		{"1086-13800000000", errMobileForm}, // not 00
		{"00861-3800000000", errMobileForm}, // five digits before '-'
		{"008-613800000000", errMobileForm},
		{"0086-", errMobileForm},
		{"0086 13800000000", errMobileForm},
		{"0086-1380000000a", errMobileForm},
		{"+86-13800000000", errMobileForm},
		{"００86-13800000000", errMobileForm}, // full-width digits are not \d
		{"0086-13800000000\n", errMobileForm},
	} {
		if got := ValidateMobile(tc.mobile); got != tc.want {
			t.Errorf("ValidateMobile(%q) = %v, want %v", tc.mobile, got, tc.want)
		}
	}
}

func TestParseSearchType(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"email", "mobile", "name"} {
		if got, err := ParseSearchType(s); err != nil || string(got) != s {
			t.Errorf("ParseSearchType(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "Email", "NAME", "phone", " name", "email|mobile|name"} {
		if _, err := ParseSearchType(s); err != errSearchType {
			t.Errorf("ParseSearchType(%q) = %v, want the search type error", s, err)
		}
	}
}

func TestValidateSearch(t *testing.T) {
	t.Parallel()
	email64 := strings.Repeat("a", 52) + "@example.com"
	for _, tc := range []struct {
		t     SearchType
		value string
		want  string // code
	}{
		{SearchName, "demo-customer-01", ""},
		{SearchName, "", CodeValueMissing},
		{SearchName, strings.Repeat("a", 65), CodeValueTooLong},
		{SearchName, strings.Repeat("a", 64), CodeNameInvalid},
		{SearchEmail, email64, ""},
		{SearchEmail, "a" + email64, CodeValueTooLong},
		{SearchEmail, "not-an-address", CodeEmailInvalid},
		{SearchMobile, "0086-13700000000", ""},
		{SearchMobile, "0086-xxxxxxxxxxx", CodeMobileInvalid},
		{SearchMobile, "", CodeValueMissing},
		{"phone", "0086-1", CodeSearchType},
	} {
		if got := codeOf(ValidateSearch(tc.t, tc.value)); got != tc.want {
			t.Errorf("ValidateSearch(%s, %q): code %q, want %q", tc.t, tc.value, got, tc.want)
		}
	}
	if utf8.RuneCountInString(email64) != 64 {
		t.Fatal("the 64-character address is not 64 characters")
	}
}

func TestValidatePartnerID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"demo-partner", true},
		{"0123456789abcdef0123456789abcdef", true},
		{"a_b", true},
		{strings.Repeat("p", 64), true},
		{strings.Repeat("p", 65), false},
		{"", false},
		{"-demo", false},
		{"demo.partner", false},
		{"demo/partner", false},
		{"demo partner", false},
		{"démo", false},
	} {
		if err := ValidatePartnerID(tc.id); (err == nil) != tc.ok || (err != nil && codeOf(err) != CodePartnerID) {
			t.Errorf("ValidatePartnerID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pw, name, mobile string
		want             error
	}{
		{"Secret-pass1", "demo-customer-01", "0086-13800000000", nil},
		{"weak", "demo-customer-01", "", nil}, // the policy's own error, checked by code below
		{"Demo-Customer-01", "demo-customer-01", "", errPasswordName},
		{"10-remotsuc-omed", "demo-customer-01", "", errPasswordName},
		{"Pw-13800000000", "demo-customer-01", "0086-13800000000", errPasswordMobile},
		{"Pw-0086-1x", "demo-customer-01", "0086-1", errPasswordMobile},
	} {
		got := ValidatePassword(tc.pw, tc.name, tc.mobile)
		if tc.pw == "weak" {
			if codeOf(got) != CodePasswordInvalid {
				t.Errorf("a weak password: %v, want code %s", got, CodePasswordInvalid)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("ValidatePassword(%q, %q, %q) = %v, want %v", tc.pw, tc.name, tc.mobile, got, tc.want)
		}
	}
}

func TestNormalization(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fn       func(string) string
		in, want string
		fname    string
	}{
		{NameKey, "Demo-Customer-01", "demo-customer-01", "NameKey"},
		{NormalizeEmail, "Customer01@Example.COM", "customer01@example.com", "NormalizeEmail"},
		{CanonicalMobile, "13800000000", "0086-13800000000", "CanonicalMobile"},
		// Values are judged as sent: nothing is trimmed, so the rules
		// refuse the spaces.
		{CanonicalMobile, " 13800000000 ", " 13800000000 ", "CanonicalMobile"},
		{CanonicalMobile, "0086-13800000000", "0086-13800000000", "CanonicalMobile"},
		{CanonicalMobile, "23800000000", "23800000000", "CanonicalMobile"},
		{CanonicalMobile, "138000000001", "138000000001", "CanonicalMobile"},
	} {
		if got := tc.fn(tc.in); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.fname, tc.in, got, tc.want)
		}
	}
}

// FuzzValidateSearch holds the rules to their promises for any input: no
// panic, and an accepted value has the form its type requires.
func FuzzValidateSearch(f *testing.F) {
	for _, seed := range [][2]string{
		{"name", "demo-customer-01"}, {"name", "op_x1234"}, {"name", "12345"},
		{"email", "customer01@example.com"}, {"email", "a@b@c.de"},
		{"mobile", "0086-13800000000"}, {"mobile", "0086-xxxxxxxxxxx"}, {"phone", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, typ, value string) {
		st, err := ParseSearchType(typ)
		if err != nil {
			return
		}
		if ValidateSearch(st, value) != nil {
			return
		}
		if value == "" || utf8.RuneCountInString(value) > MaxValueLength {
			t.Fatalf("%s %q accepted with a bad length", st, value)
		}
		switch st {
		case SearchName:
			lower := strings.ToLower(value)
			if !namePattern.MatchString(value) || strings.HasPrefix(lower, "op_") || strings.HasPrefix(lower, "shadow_") {
				t.Fatalf("name %q accepted", value)
			}
		case SearchEmail:
			if strings.Count(value, "@") != 1 || strings.ContainsAny(value, " \t\r\n<>()[]\",;:\\") {
				t.Fatalf("email %q accepted", value)
			}
		case SearchMobile:
			if !strings.HasPrefix(value, "00") || !mobilePattern.MatchString(value) {
				t.Fatalf("mobile %q accepted", value)
			}
		}
	})
}
