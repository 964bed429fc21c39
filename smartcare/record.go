package smartcare

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
)

// Record is one subscriber event of the operator's xDR feed, simplified:
// who, when, which service (SMS, DATA, …) and the network dimensions the
// session saw (LAC_TAC, SAI_CGI_ECGI, FAILURE_CAUSE, APN, RAT, …). Records
// are the volume of SmartCare: appended in bulk, never updated, deleted in
// bulk when the tenant's retention passes.
type Record struct {
	MSISDN     string
	EventTime  time.Time
	SceneCode  string
	Dimensions Dimensions
}

// MaxRecordDimensions bounds the dimensions of one record.
const MaxRecordDimensions = 32

// Dimension is one named network value of a record.
type Dimension struct {
	Key   string
	Value string
}

// Dimensions are a record's values, sorted by key, each key once.
type Dimensions []Dimension

// Get returns the value of key.
func (d Dimensions) Get(key string) (string, bool) {
	// Records carry a handful of dimensions: a linear scan beats a
	// binary search at this size.
	for _, x := range d {
		if x.Key == key {
			return x.Value, true
		}
	}
	return "", false
}

// Encode writes d in its stored form: KEY=VALUE pairs separated by tabs,
// which values cannot contain.
func (d Dimensions) Encode() string {
	n := 0
	for _, x := range d {
		n += len(x.Key) + len(x.Value) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, x := range d {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(x.Key)
		b.WriteByte('=')
		b.WriteString(x.Value)
	}
	return b.String()
}

// DecodeDimensions reads the stored form Encode writes. It trusts its
// input, which only ever comes from Encode.
func DecodeDimensions(s string) Dimensions {
	if s == "" {
		return nil
	}
	d := make(Dimensions, 0, strings.Count(s, "\t")+1)
	for len(s) > 0 {
		var pair string
		pair, s, _ = strings.Cut(s, "\t")
		k, v, _ := strings.Cut(pair, "=")
		d = append(d, Dimension{Key: k, Value: v})
	}
	return d
}

// DimensionsBuilder collects dimensions from a file or request, checking
// and normalising each, and returns them sorted.
type DimensionsBuilder struct {
	d Dimensions
}

// Add checks and adds one dimension. An empty value means the dimension
// is absent (a CSV cell left blank) and is skipped.
func (b *DimensionsBuilder) Add(key, value string) error {
	if strings.TrimSpace(value) == "" {
		return nil
	}
	k, err := NormalizeDimensionKey(key)
	if err != nil {
		return aiccd.Errorf(aiccd.KindInvalid, "dimension %q: %v", key, err)
	}
	v, err := normalizeDimensionValue(value)
	if err != nil {
		return aiccd.Errorf(aiccd.KindInvalid, "dimension %s: %v", k, err)
	}
	if len(b.d) >= MaxRecordDimensions {
		return aiccd.Errorf(aiccd.KindInvalid, "more than %d dimensions", MaxRecordDimensions)
	}
	for _, x := range b.d {
		if x.Key == k {
			return aiccd.Errorf(aiccd.KindInvalid, "dimension %s is given twice", k)
		}
	}
	b.d = append(b.d, Dimension{Key: k, Value: v})
	return nil
}

// Build returns the dimensions sorted by key and resets b.
func (b *DimensionsBuilder) Build() Dimensions {
	d := b.d
	b.d = nil
	slices.SortFunc(d, func(x, y Dimension) int { return strings.Compare(x.Key, y.Key) })
	return d
}

// ValidateMSISDN checks a mobile number: 5 to 15 ASCII digits, the
// length range of E.164 numbers and the short numbers of test networks.
func ValidateMSISDN(msisdn string) error {
	// The number is personal data: the error says what is wrong with it
	// without repeating it.
	if len(msisdn) < 5 || len(msisdn) > 15 {
		return fmt.Errorf("msisdn has %d characters; it must be 5 to 15 digits", utf8.RuneCountInString(msisdn))
	}
	for i := 0; i < len(msisdn); i++ {
		if msisdn[i] < '0' || msisdn[i] > '9' {
			return fmt.Errorf("msisdn must be 5 to 15 digits; character %d is not a digit", utf8.RuneCountInString(msisdn[:i])+1)
		}
	}
	return nil
}

// NormalizeSceneCode checks a ccmSceneCode (SMS, DATA, VOICE, …: a letter
// followed by letters, digits or '_', at most 32) and returns it
// upper-cased.
func NormalizeSceneCode(c string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(c))
	if len(code) > 32 {
		return "", aiccd.Errorf(aiccd.KindInvalid, "ccmSceneCode %q is longer than 32 characters", c)
	}
	if _, err := NormalizeDimensionKey(code); err != nil {
		return "", aiccd.Errorf(aiccd.KindInvalid, "ccmSceneCode %q must be a letter followed by letters, digits or '_'", c)
	}
	return code, nil
}
