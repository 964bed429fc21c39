package smartcare

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
)

// A reflection rule is how the network operations side describes a mass
// fault: KEY=VALUE conditions joined by '&', such as
//
//	LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007
//	FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)
//
// A subscriber record matches the rule when every condition equals the
// record's value of that dimension. Values may hold ':', spaces, '=' and
// parentheses; only '&' separates conditions.

// Limits on a reflection rule. They keep rules readable and the in-memory
// index small; real rules have one to four conditions.
const (
	MaxRuleConditions = 16
	MaxRuleLength     = 2048
	MaxDimensionKey   = 64
	MaxDimensionValue = 256
)

// Condition is one KEY=VALUE term of a reflection rule.
type Condition struct {
	Key   string // a dimension name, upper case: LAC_TAC
	Value string // compared byte for byte with the record's value
}

func (c Condition) String() string { return c.Key + "=" + c.Value }

// Reflection is a parsed reflection rule in normalised form: conditions
// sorted by key, keys upper-cased, surrounding blanks removed, no key
// twice. Two rules that mean the same have the same String.
type Reflection struct {
	Conditions []Condition
}

// String is the normalised text of the rule, as stored and answered.
func (r Reflection) String() string {
	var b strings.Builder
	for i, c := range r.Conditions {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(c.Key)
		b.WriteByte('=')
		b.WriteString(c.Value)
	}
	return b.String()
}

// Matches reports whether every condition equals the dimension of the same
// name in dims.
func (r Reflection) Matches(dims Dimensions) bool {
	for _, c := range r.Conditions {
		if v, ok := dims.Get(c.Key); !ok || v != c.Value {
			return false
		}
	}
	return true
}

// ParseReflectionRule parses and normalises a reflection rule. Its errors
// are Invalid and name the offending condition by position and text.
func ParseReflectionRule(s string) (Reflection, error) {
	r, _, err := CheckReflectionRule(s)
	return r, err
}

// Span is where in a rule's text a problem lies: bytes [Start, End).
type Span struct{ Start, End int }

// CheckReflectionRule is ParseReflectionRule that also tells where the
// problem is: the offending condition's bytes, or the whole rule when the
// problem is the whole rule's (empty, too long, too many conditions). The
// console marks it as the rule is typed.
func CheckReflectionRule(s string) (Reflection, Span, error) {
	whole := Span{0, len(s)}
	if strings.TrimSpace(s) == "" {
		return Reflection{}, whole, invalidRule("is empty; write KEY=VALUE conditions joined by &")
	}
	if len(s) > MaxRuleLength {
		return Reflection{}, whole, invalidRule("is %d bytes long; the limit is %d", len(s), MaxRuleLength)
	}
	parts := strings.Split(s, "&")
	if len(parts) > MaxRuleConditions {
		return Reflection{}, whole, invalidRule("has %d conditions; the limit is %d", len(parts), MaxRuleConditions)
	}
	conds := make([]Condition, 0, len(parts))
	at := 0 // the byte where parts[i] starts
	for i, part := range parts {
		span := Span{at, at + len(part)}
		at += len(part) + 1
		c, err := parseCondition(part)
		if err != nil {
			return Reflection{}, span, invalidRule("condition %d %q: %s", i+1, part, err)
		}
		for j, prev := range conds {
			if prev.Key == c.Key {
				// A record has one value per dimension, so the rule could
				// never match (or says the same thing twice).
				return Reflection{}, span, invalidRule("condition %d %q: key %s is already used by condition %d", i+1, part, c.Key, j+1)
			}
		}
		conds = append(conds, c)
	}
	slices.SortFunc(conds, func(a, b Condition) int { return strings.Compare(a.Key, b.Key) })
	return Reflection{Conditions: conds}, Span{}, nil
}

func invalidRule(format string, args ...any) error {
	return &aiccd.Error{Kind: aiccd.KindInvalid, Code: CodeInvalidRule, Message: "reflectionRule " + fmt.Sprintf(format, args...)}
}

// parseCondition reads one KEY=VALUE term.
func parseCondition(part string) (Condition, error) {
	if strings.TrimSpace(part) == "" {
		return Condition{}, fmt.Errorf("is empty (two '&' in a row, or '&' at an end)")
	}
	k, v, ok := strings.Cut(part, "=")
	if !ok {
		return Condition{}, fmt.Errorf("has no '=' between key and value")
	}
	key, err := NormalizeDimensionKey(k)
	if err != nil {
		return Condition{}, err
	}
	value, err := normalizeDimensionValue(v)
	if err != nil {
		return Condition{}, err
	}
	return Condition{Key: key, Value: value}, nil
}

// NormalizeDimensionKey checks a dimension name (a letter, then letters,
// digits or '_') and returns it upper-cased without surrounding blanks.
func NormalizeDimensionKey(k string) (string, error) {
	key := strings.ToUpper(strings.TrimSpace(k))
	if key == "" {
		return "", fmt.Errorf("the key is empty")
	}
	if len(key) > MaxDimensionKey {
		return "", fmt.Errorf("the key is longer than %d characters", MaxDimensionKey)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return "", fmt.Errorf("the key %q must be a letter followed by letters, digits or '_'", strings.TrimSpace(k))
		}
	}
	return key, nil
}

// normalizeDimensionValue checks a dimension value (not empty, no control
// characters, at most MaxDimensionValue bytes) and returns it without
// surrounding blanks. Records are normalised the same way, so that a rule
// and a record that print alike compare equal.
func normalizeDimensionValue(v string) (string, error) {
	value := strings.TrimSpace(v)
	if value == "" {
		return "", fmt.Errorf("the value is empty")
	}
	if len(value) > MaxDimensionValue {
		return "", fmt.Errorf("the value is longer than %d bytes", MaxDimensionValue)
	}
	if !utf8.ValidString(value) {
		return "", fmt.Errorf("the value is not valid UTF-8")
	}
	for _, r := range value {
		if r < 0x20 || r == 0x7f {
			return "", fmt.Errorf("the value holds a control character")
		}
	}
	return value, nil
}
