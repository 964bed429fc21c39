package credential

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// The SDK-HMAC-SHA256 request signature of the vendor's cloud SDKs. The
// canonical form follows the official SDK signer exactly; where the
// description in the reference and the SDK differ in a corner (a signed
// header the request does not carry contributes no line), the SDK wins,
// because the SDK is what clients run.

// SDKHMACSHA256 is the signature algorithm's name.
const SDKHMACSHA256 = "SDK-HMAC-SHA256"

// SDKDateLayout is the layout of X-Sdk-Date.
const SDKDateLayout = "20060102T150405Z"

// MaxClockSkew is how far X-Sdk-Date may be from the server's clock.
const MaxClockSkew = 15 * time.Minute

// unsignedPayload is the X-Sdk-Content-Sha256 value by which a signer
// leaves the body out of its signature; the SDKs send it for bodies that
// are not JSON.
const unsignedPayload = "UNSIGNED-PAYLOAD"

// SignedRequest is what a signature covers, taken from an HTTP request by
// the adapter that received it.
type SignedRequest struct {
	Method string
	// EscapedPath is the request path as sent (percent-encoded).
	EscapedPath string
	RawQuery    string
	Host        string
	// Header returns the values of a header, by case-insensitive name.
	Header func(name string) []string
	// BodySHA256 is the lower-case hex SHA-256 of the body, computed by
	// the adapter from the body it received, never taken from the request.
	BodySHA256 string
}

// Authorization is a parsed SDK-HMAC-SHA256 Authorization header.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string
	Signature     string
}

var errBadAuthorization = aiccd.Errorf(aiccd.KindUnauthorized, "the Authorization header is not a valid SDK-HMAC-SHA256 signature header")

// ParseAuthorization parses
// "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func ParseAuthorization(h string) (Authorization, error) {
	rest, ok := strings.CutPrefix(h, SDKHMACSHA256+" ")
	if !ok || len(h) > 4096 {
		return Authorization{}, errBadAuthorization
	}
	var a Authorization
	var haveHeaders bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Authorization{}, errBadAuthorization
		}
		switch k {
		case "Access":
			a.AccessKey = v
		case "SignedHeaders":
			haveHeaders = true
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		default:
			return Authorization{}, errBadAuthorization
		}
	}
	if a.AccessKey == "" || !haveHeaders || len(a.Signature) != 64 {
		return Authorization{}, errBadAuthorization
	}
	for _, name := range a.SignedHeaders {
		if name == "" || name != strings.ToLower(name) {
			return Authorization{}, errBadAuthorization
		}
	}
	if !slices.IsSorted(a.SignedHeaders) {
		return Authorization{}, errBadAuthorization
	}
	return a, nil
}

// Sign returns the lower-case hex signature of r by secret, with the
// headers signed.
func Sign(r SignedRequest, signedHeaders []string, secret []byte) (string, error) {
	date := first(r.Header("X-Sdk-Date"))
	if date == "" {
		return "", errors.New("X-Sdk-Date is missing")
	}
	cr, err := canonicalRequest(r, signedHeaders)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(cr))
	sts := SDKHMACSHA256 + "\n" + date + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// checkSignature verifies a's signature over r with secret, in constant
// time, and that X-Sdk-Date is within MaxClockSkew of now.
func checkSignature(r SignedRequest, a Authorization, secret []byte, now time.Time) error {
	if !slices.Contains(a.SignedHeaders, "x-sdk-date") {
		return aiccd.Errorf(aiccd.KindUnauthorized, "x-sdk-date must be a signed header")
	}
	t, err := time.Parse(SDKDateLayout, first(r.Header("X-Sdk-Date")))
	if err != nil {
		return aiccd.Errorf(aiccd.KindUnauthorized, "X-Sdk-Date must be a UTC time in the form 20060102T150405Z")
	}
	if skew := now.Sub(t); skew > MaxClockSkew || skew < -MaxClockSkew {
		return aiccd.Errorf(aiccd.KindUnauthorized, "X-Sdk-Date is more than 15 minutes from the server's time")
	}
	if err := checkContentHash(r, a.SignedHeaders); err != nil {
		return err
	}
	want, err := Sign(r, a.SignedHeaders, secret)
	if err != nil {
		return aiccd.Wrap(aiccd.KindUnauthorized, err, "the signature cannot be verified")
	}
	if !hmac.Equal([]byte(want), []byte(a.Signature)) {
		return errSignatureMismatch
	}
	return nil
}

var errSignatureMismatch = aiccd.Errorf(aiccd.KindUnauthorized, "the signature does not match the request")

// checkContentHash holds the body to the signature. X-Sdk-Content-Sha256
// replaces the body's hash in the canonical request, so it is honoured
// only when it is itself signed and is either the hash of the body
// received or unsignedPayload, by which the signer chose to leave the body
// out. Otherwise a signature captured with one body would let any other
// body through for as long as the signature is fresh.
func checkContentHash(r SignedRequest, signedHeaders []string) error {
	values := r.Header("X-Sdk-Content-Sha256")
	switch {
	case len(values) == 0:
		return nil
	case !slices.Contains(signedHeaders, "x-sdk-content-sha256"):
		return aiccd.Errorf(aiccd.KindUnauthorized, "X-Sdk-Content-Sha256 must be a signed header when it is sent")
	case len(values) > 1:
		return aiccd.Errorf(aiccd.KindUnauthorized, "X-Sdk-Content-Sha256 is sent more than once")
	case values[0] != r.BodySHA256 && values[0] != unsignedPayload:
		return aiccd.Errorf(aiccd.KindUnauthorized, "X-Sdk-Content-Sha256 is neither the body's SHA-256 nor %s", unsignedPayload)
	}
	return nil
}

func canonicalRequest(r SignedRequest, signedHeaders []string) (string, error) {
	path, err := canonicalPath(r.EscapedPath)
	if err != nil {
		return "", err
	}
	query, err := canonicalQuery(r.RawQuery)
	if err != nil {
		return "", err
	}
	payload := first(r.Header("X-Sdk-Content-Sha256"))
	if payload == "" {
		payload = r.BodySHA256
	}
	var b strings.Builder
	b.Grow(256)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(query)
	b.WriteByte('\n')
	for _, name := range signedHeaders {
		var values []string
		if name == "host" {
			values = []string{r.Host}
		} else {
			values = slices.Clone(r.Header(name))
		}
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String(), nil
}

// canonicalPath percent-encodes each segment of the decoded path and ends
// it with "/".
func canonicalPath(escaped string) (string, error) {
	segments := strings.Split(escaped, "/")
	for i, s := range segments {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", aiccd.Errorf(aiccd.KindUnauthorized, "the request path is not validly percent-encoded")
		}
		segments[i] = escape(u)
	}
	p := strings.Join(segments, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

// canonicalQuery sorts the query by key, then by value, each encoded.
func canonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", aiccd.Errorf(aiccd.KindUnauthorized, "the query string is not validly encoded")
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		vs := slices.Clone(q[k])
		slices.Sort(vs)
		for _, v := range vs {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&"), nil
}

// escape percent-encodes every byte but A-Z a-z 0-9 - _ . ~ in upper-case
// hex, as the SDKs do.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if shouldEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	t := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; shouldEscape(c) {
			t = append(t, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			t = append(t, c)
		}
	}
	return string(t)
}

func shouldEscape(c byte) bool {
	return !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~')
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}
