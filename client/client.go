package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one aiccd server (or the vendor's platform) with the
// credentials it was given. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	hc        *http.Client
	retry     Retry
	now       func() time.Time
	userAgent string

	appKey     string
	gatewayTTL time.Duration // asked of tokenByAkSk; 0: the server's default
	gateway    *tokenSource  // nil without an app key

	mallToken string

	partnerDomain string // the partner's account (domain) ID, for check-user and signing
	iam           *tokenSource
	aksk          *Signer

	adminToken string
}

// Option configures a Client.
type Option func(*Client) error

// New returns a Client of the server at baseURL ("http://127.0.0.1:8080").
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: base URL %q is not an http(s) URL", baseURL)
	}
	c := &Client{
		base:      u,
		hc:        &http.Client{Timeout: 30 * time.Second},
		retry:     DefaultRetry,
		now:       time.Now,
		userAgent: "aiccd-go-client/1",
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// WithHTTPClient sends requests with hc instead of a client with a 30 s
// timeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error { c.hc = hc; return nil }
}

// WithAppKey authenticates the app-gateway APIs (CC-Management,
// SmartCare, applyTenant): the client obtains a token with tokenByAkSk,
// caches it, renews it before it expires, and sends the app key as
// X-APP-Key.
func WithAppKey(appKey, appSecret string) Option {
	return func(c *Client) error {
		c.appKey = appKey
		c.gateway = &tokenSource{name: "gateway token", fetch: func(ctx context.Context) (string, time.Time, error) {
			t, err := c.TokenByAkSk(ctx, appKey, appSecret, c.gatewayTTL)
			if err != nil {
				return "", time.Time{}, err
			}
			return t.AccessToken, t.ExpiresAt, nil
		}, sem: make(chan struct{}, 1)}
		return nil
	}
}

// WithGatewayToken authenticates the app-gateway APIs with a token
// obtained elsewhere, sent as is with appKey as X-APP-Key: the client
// neither renews it nor replaces it when it is refused.
func WithGatewayToken(appKey, token string) Option {
	return func(c *Client) error {
		c.appKey, c.gateway = appKey, fixedToken(token)
		return nil
	}
}

// WithTokenLifetime asks tokenByAkSk for tokens of this lifetime (X-Token-Expire,
// 1 s to 1 h); by default the server's, an hour.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *Client) error {
		if d < time.Second || d > time.Hour {
			return fmt.Errorf("client: token lifetime %s is not from 1s to 1h", d)
		}
		c.gatewayTTL = d
		return nil
	}
}

// WithMallToken authenticates the OMA interfaces of the business software
// mall with a tenant's mall access token (X-Auth-Token).
func WithMallToken(token string) Option {
	return func(c *Client) error { c.mallToken = token; return nil }
}

// WithIAMUser authenticates the partner APIs with IAM tokens of a user of
// the partner's account (domain): the client obtains one from
// /v3/auth/tokens, caches it and renews it before it expires.
func WithIAMUser(domain, user, password string) Option {
	return func(c *Client) error {
		c.partnerDomain = domain
		c.iam = &tokenSource{name: "IAM token", fetch: func(ctx context.Context) (string, time.Time, error) {
			t, err := c.IAMToken(ctx, domain, user, password)
			if err != nil {
				return "", time.Time{}, err
			}
			return t.Token, t.ExpiresAt, nil
		}, sem: make(chan struct{}, 1)}
		return nil
	}
}

// WithIAMToken authenticates the partner APIs with an IAM token obtained
// elsewhere, sent as is; domain is the partner's account ID (check-user's
// partner_id).
func WithIAMToken(domain, token string) Option {
	return func(c *Client) error {
		c.partnerDomain, c.iam = domain, fixedToken(token)
		return nil
	}
}

// WithAKSK authenticates the partner APIs by signing every request with
// the partner account's AK/SK (SDK-HMAC-SHA256, as the vendor's SDKs do).
// domainID is the account's ID: sent and signed as X-Domain-Id, and the
// partner_id of check-user.
func WithAKSK(domainID, ak, sk string) Option {
	return func(c *Client) error {
		c.partnerDomain = domainID
		c.aksk = &Signer{AK: ak, SK: sk}
		return nil
	}
}

// WithAdminToken opens the admin API (Client.Admin).
func WithAdminToken(token string) Option {
	return func(c *Client) error { c.adminToken = token; return nil }
}

// WithRetry replaces DefaultRetry.
func WithRetry(r Retry) Option {
	return func(c *Client) error { c.retry = r; return nil }
}

// WithClock makes the client read the time from now: when cached tokens
// expire, and X-Sdk-Date of signatures.
func WithClock(now func() time.Time) Option {
	return func(c *Client) error { c.now = now; return nil }
}

// Retry says how often a call that is safe to repeat (a query, a token
// request) is sent again after a connection error or a 502 or 503
// answer. Calls that change state (applyTenant, createSubCustomer,
// submitquickdelimit, admin writes) are never repeated.
type Retry struct {
	// Attempts is the number of tries in all; 1 or less sends once.
	Attempts int
	// Backoff is the wait before the second try; it doubles, with
	// jitter, up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
}

// DefaultRetry tries a safe call three times within about a second.
var DefaultRetry = Retry{Attempts: 3, Backoff: 100 * time.Millisecond, MaxBackoff: time.Second}

func (r Retry) wait(attempt int) time.Duration {
	d := r.Backoff << (attempt - 1)
	if d <= 0 || (r.MaxBackoff > 0 && d > r.MaxBackoff) {
		d = r.MaxBackoff
	}
	return d/2 + rand.N(d/2+1) // jitter, so that clients do not retry in step
}

type requestIDKey struct{}

// WithRequestID makes the calls made with ctx send id as X-Request-Id,
// which aiccd echoes and writes in its log and journal.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// auth is how a call authenticates.
type auth uint8

const (
	authNone    auth = iota
	authGateway      // Bearer token from tokenByAkSk, X-APP-Key
	authMall         // X-Auth-Token: mall token
	authCloud        // IAM token or AK/SK signature
	authAdmin        // Bearer admin token
)

// call is one API call.
type call struct {
	method, path string
	query        url.Values
	header       http.Header
	body         any    // encoded as JSON when not nil
	raw          []byte // sent as is with contentType when body is nil
	contentType  string
	auth         auth
	safe         bool   // may be sent again (no effect, or the same effect)
	family       Family // whose error format the answer has
}

// answer is what the server sent back.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// send makes a call: it authenticates, retries what is safe to retry and
// renews a refused cached token once.
func (c *Client) send(ctx context.Context, cl call) (*answer, error) {
	var payload []byte
	contentType := cl.contentType
	switch {
	case cl.body != nil:
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, fmt.Errorf("client: encoding the %s body: %w", cl.path, err)
		}
		payload, contentType = b, "application/json"
	case cl.raw != nil:
		payload = cl.raw
	}
	renewed := false
	for attempt := 1; ; attempt++ {
		req, token, err := c.request(ctx, cl, payload, contentType)
		if err != nil {
			return nil, err
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if cl.safe && attempt < c.retry.Attempts {
				if err := sleep(ctx, c.retry.wait(attempt)); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("client: %s %s: %w", cl.method, cl.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			if cl.safe && attempt < c.retry.Attempts && ctx.Err() == nil {
				if err := sleep(ctx, c.retry.wait(attempt)); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("client: %s %s: reading the answer: %w", cl.method, cl.path, err)
		}
		a := &answer{status: resp.StatusCode, header: resp.Header, body: body}
		if (a.status == http.StatusBadGateway || a.status == http.StatusServiceUnavailable) && cl.safe && attempt < c.retry.Attempts {
			if err := sleep(ctx, c.retry.wait(attempt)); err != nil {
				return nil, err
			}
			continue
		}
		// A cached token the server no longer accepts (expired early,
		// revoked, the server restarted on another database) is renewed
		// once; the request was refused before it was handled.
		if src := c.tokenSourceOf(cl.auth); src != nil && src.fetch != nil && token != "" && !renewed && a.status == http.StatusUnauthorized {
			if code := gatewayCode(a.body); code == "APIG.0307" || code == "APIG.0301" {
				src.invalidate(token)
				renewed = true
				attempt-- // not a retry of a failure
				continue
			}
		}
		return a, nil
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) tokenSourceOf(a auth) *tokenSource {
	switch a {
	case authGateway:
		return c.gateway
	case authCloud:
		if c.aksk == nil {
			return c.iam
		}
	}
	return nil
}

// errNoCredentials reports a call whose family's credentials the client
// was not given.
var errNoCredentials = errors.New("client: no credentials for this API; see WithAppKey, WithMallToken, WithIAMUser, WithAKSK and WithAdminToken")

// request builds one attempt's HTTP request, authenticated; token is the
// cached token it carries, if any.
func (c *Client) request(ctx context.Context, cl call, payload []byte, contentType string) (*http.Request, string, error) {
	u := *c.base
	u.Path = c.base.Path + cl.path
	u.RawPath = ""
	if strings.Contains(cl.path, "%") {
		u.RawPath = c.base.EscapedPath() + cl.path
		p, err := url.PathUnescape(u.RawPath)
		if err != nil {
			return nil, "", fmt.Errorf("client: path %q: %w", cl.path, err)
		}
		u.Path = p
	}
	u.RawQuery = cl.query.Encode()
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), body)
	if err != nil {
		return nil, "", fmt.Errorf("client: %w", err)
	}
	for k, vs := range cl.header {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if id, ok := ctx.Value(requestIDKey{}).(string); ok && id != "" {
		req.Header.Set("X-Request-Id", id)
	}
	var token string
	switch cl.auth {
	case authGateway:
		if c.gateway == nil {
			return nil, "", errNoCredentials
		}
		if token, err = c.gateway.token(ctx, c.now); err != nil {
			return nil, "", err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-APP-Key", c.appKey)
	case authMall:
		if c.mallToken == "" {
			return nil, "", errNoCredentials
		}
		req.Header.Set("X-Auth-Token", c.mallToken)
	case authCloud:
		switch {
		case c.aksk != nil:
			if c.partnerDomain != "" {
				req.Header.Set("X-Domain-Id", c.partnerDomain)
			}
			if err := c.aksk.Sign(req, payload, c.now()); err != nil {
				return nil, "", err
			}
		case c.iam != nil:
			if token, err = c.iam.token(ctx, c.now); err != nil {
				return nil, "", err
			}
			req.Header.Set("X-Auth-Token", token)
		default:
			return nil, "", errNoCredentials
		}
	case authAdmin:
		if c.adminToken == "" {
			return nil, "", errNoCredentials
		}
		req.Header.Set("Authorization", "Bearer "+c.adminToken)
	}
	return req, token, nil
}

// decodeJSON reads a JSON answer into out, whatever its Content-Type says
// (one vendor page spells it application/json%3Bcharset=UTF-8).
func decodeJSON(a *answer, out any) error {
	if err := json.Unmarshal(a.body, out); err != nil {
		return fmt.Errorf("client: the answer (HTTP %d) is not the expected JSON: %w", a.status, err)
	}
	return nil
}
