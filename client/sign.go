package client

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Signer signs requests with an AK/SK pair as the vendor's cloud SDKs do
// (SDK-HMAC-SHA256): the partner APIs accept such requests in place of an
// IAM token.
type Signer struct {
	AK, SK string
}

// SDKDateLayout is the layout of X-Sdk-Date.
const SDKDateLayout = "20060102T150405Z"

// Sign sets X-Sdk-Date to now and Authorization to the signature of req
// with body (the bytes req will send). It signs host, x-sdk-date and,
// when req carries them, x-domain-id, x-project-id and
// x-sdk-content-sha256. A request's X-Sdk-Content-Sha256 stands for its
// body in the signature; aiccd honours it only when it is signed and is
// the body's SHA-256 or "UNSIGNED-PAYLOAD".
func (s *Signer) Sign(req *http.Request, body []byte, now time.Time) error {
	req.Header.Set("X-Sdk-Date", now.UTC().Format(SDKDateLayout))
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	signed := []string{"host", "x-sdk-date"}
	for _, h := range []string{"X-Domain-Id", "X-Project-Id", "X-Sdk-Content-Sha256"} {
		if req.Header.Get(h) != "" {
			signed = append(signed, strings.ToLower(h))
		}
	}
	slices.Sort(signed)
	payload := req.Header.Get("X-Sdk-Content-Sha256")
	if payload == "" {
		sum := sha256.Sum256(body)
		payload = hex.EncodeToString(sum[:])
	}
	sig, err := s.signature(req.Method, req.URL.EscapedPath(), req.URL.RawQuery, host, req.Header, signed, payload)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", fmt.Sprintf("SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s", s.AK, strings.Join(signed, ";"), sig))
	return nil
}

// signature computes the lower-case hex signature of a request over the
// signed headers (lower-case, sorted); payload is the hex SHA-256 of the
// body or the value of X-Sdk-Content-Sha256.
func (s *Signer) signature(method, escapedPath, rawQuery, host string, header http.Header, signed []string, payload string) (string, error) {
	path, err := canonicalPath(escapedPath)
	if err != nil {
		return "", err
	}
	query, err := canonicalQuery(rawQuery)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(method + "\n" + path + "\n" + query + "\n")
	for _, name := range signed {
		values := []string{host}
		if name != "host" {
			values = slices.Clone(header.Values(name))
		}
		slices.Sort(values)
		for _, v := range values {
			b.WriteString(name + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n" + payload)
	canonical := sha256.Sum256([]byte(b.String()))
	mac := hmac.New(sha256.New, []byte(s.SK))
	mac.Write([]byte("SDK-HMAC-SHA256\n" + header.Get("X-Sdk-Date") + "\n" + hex.EncodeToString(canonical[:])))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// canonicalPath percent-encodes each segment of the path and ends it with
// "/".
func canonicalPath(escaped string) (string, error) {
	segments := strings.Split(escaped, "/")
	for i, seg := range segments {
		u, err := url.PathUnescape(seg)
		if err != nil {
			return "", fmt.Errorf("client: signing: the path is not validly percent-encoded: %w", err)
		}
		segments[i] = escape(u)
	}
	p := strings.Join(segments, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

// canonicalQuery sorts the query by key, then value, each encoded.
func canonicalQuery(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", fmt.Errorf("client: signing: the query is not validly encoded: %w", err)
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		vs := slices.Clone(q[k])
		slices.Sort(vs)
		for _, v := range vs {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&"), nil
}

// escape percent-encodes every byte but A-Z a-z 0-9 - _ . ~, in upper-case
// hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
