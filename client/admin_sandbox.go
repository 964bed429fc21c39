package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Fault is a fault injection rule: for the requests of a tenant (or
// partner account) or app key to an endpoint, add latency, force an HTTP
// status or the family's code, answer a body of one's own, or reset the
// connection.
type Fault struct {
	ID string `json:"id,omitempty"`
	// TenantID and AppKey say whose requests are affected; at least one.
	TenantID string `json:"tenant_id,omitempty"`
	AppKey   string `json:"app_key,omitempty"`
	// Endpoint is a route pattern ("POST /v3/auth/tokens") or its last
	// path segment ("queryfaultyuser"); "" is every endpoint.
	Endpoint  string `json:"endpoint,omitempty"`
	LatencyMS int    `json:"latency_ms,omitempty"`
	Status    int    `json:"status,omitempty"` // the HTTP status to answer
	Code      string `json:"code,omitempty"`   // SmartCare returnCode "5", "CBC.0999", "APIG.0308", ...
	Reset     bool   `json:"reset,omitempty"`
	// Body, when set, is answered instead of aiccd's, with Status (200
	// unless given) and Headers: an override. The server refuses a body
	// the endpoint's wire format does not allow for that status unless
	// FreeForm is set.
	Body     json.RawMessage   `json:"body,omitempty"`
	Headers  map[string]string `json:"headers,omitempty"`
	FreeForm bool              `json:"free_form,omitempty"`
	// BodyMatch limits the rule to requests whose JSON body holds each
	// value (a string, float64, bool or nil) at its dotted path, e.g.
	// {"msisdn": "6680512100869"}.
	BodyMatch map[string]any `json:"body_match,omitempty"`
	// Remaining is how many requests to affect, -1 for every one; the
	// server refuses 0.
	Remaining int       `json:"remaining"`
	Percent   int       `json:"percent,omitempty"` // 1 to 100; 0 is 100
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// ListFaults lists the fault rules, spent ones included.
func (a *Admin) ListFaults(ctx context.Context) ([]Fault, error) {
	return list[Fault](ctx, a, "/faults", nil)
}

// CreateFault adds a fault rule; every replica applies it within a
// second.
func (a *Admin) CreateFault(ctx context.Context, f Fault) (*Fault, error) {
	f.ID, f.CreatedAt = "", time.Time{}
	return one[Fault](ctx, a, http.MethodPost, "/faults", f, http.StatusCreated)
}

// DeleteFault deletes a fault rule.
func (a *Admin) DeleteFault(ctx context.Context, id string) error {
	return a.do(ctx, http.MethodDelete, "/faults/"+seg(id), nil, nil, http.StatusNoContent, nil)
}

// JournalEntry is one request of the request journal.
type JournalEntry struct {
	// ID orders the entries; RequestFilter.Before pages by it.
	ID         int64     `json:"id"`
	TenantID   string    `json:"tenant_id"` // "" when no tenant could be known (a refused request)
	At         time.Time `json:"at"`
	RequestID  string    `json:"request_id"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Route      string    `json:"route"`   // the endpoint's route pattern, or "unmatched"
	Status     int       `json:"status"`  // 0 when the client got no answer (see Outcome)
	Outcome    string    `json:"outcome"` // "reset" when a fault rule reset the connection; "" for an answer
	DurationMS float64   `json:"duration_ms"`
	Code       string    `json:"code"`   // the answer's error_code or returnCode
	Caller     string    `json:"caller"` // app key, AK, IAM user or mall token
	// Detail is why the request was refused (the field and the rule),
	// where the answer carries only the page's sentence.
	Detail string `json:"detail"`
	// IgnoredKeys are the request's keys aiccd did not read: query
	// parameters, unknown body keys, and fields spelt in another case
	// than the page's ("MSISDN" for "msisdn").
	IgnoredKeys  []string `json:"ignored_keys"`
	RequestBody  string   `json:"request_body"`
	ResponseBody string   `json:"response_body"`
}

// ListRequests reads the request journal, newest first: a tenant's (or
// partner account's) requests, or everyone's with tenantID "". limit 0
// is the server's default page (100).
func (a *Admin) ListRequests(ctx context.Context, tenantID string, limit int) ([]JournalEntry, error) {
	return a.Requests(ctx, RequestFilter{TenantID: tenantID, Limit: limit})
}

// RequestFilter selects journaled requests: every field set must hold.
// Header and Body match values the journal keeps masked (a mobile number)
// or does not keep (headers), by keyed digests the server keeps.
type RequestFilter struct {
	TenantID string // a tenant or partner account; "" for every one
	// Endpoint is a route pattern ("POST /v3/auth/tokens"), the last
	// segment of its path ("queryfaultyuser"), or "unmatched".
	Endpoint string
	Status   *int    // the HTTP status; 0 for a request that got no answer
	Code     *string // the answer's error_code or returnCode
	Outcome  *string // "reset", or "" for answered requests
	From, To time.Time
	// Header is request headers and their values (names in any case).
	Header map[string]string
	// Body is JSON body fields and their values: dotted paths into
	// nested objects ("auth.scope.domain.name"), numbers as sent.
	Body map[string]string
	// Limit and Before page a list (not a count): at most Limit entries
	// (default 100, at most 1000) older than the entry with ID Before.
	Limit  int
	Before int64
}

func (f RequestFilter) query(paged bool) url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("tenant", f.TenantID)
	set("endpoint", f.Endpoint)
	if f.Status != nil {
		q.Set("status", strconv.Itoa(*f.Status))
	}
	if f.Code != nil {
		q.Set("code", *f.Code)
	}
	if f.Outcome != nil {
		q.Set("outcome", *f.Outcome)
	}
	if !f.From.IsZero() {
		q.Set("from", f.From.Format(time.RFC3339Nano))
	}
	if !f.To.IsZero() {
		q.Set("to", f.To.Format(time.RFC3339Nano))
	}
	for k, v := range f.Header {
		q.Set("header."+k, v)
	}
	for k, v := range f.Body {
		q.Set("body."+k, v)
	}
	if paged && f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if paged && f.Before > 0 {
		q.Set("before", strconv.FormatInt(f.Before, 10))
	}
	return q
}

// Requests returns a page of the journaled requests f selects, newest
// first. Requests answered before the call are in it. The next page is
// f with Before set to the last entry's ID.
func (a *Admin) Requests(ctx context.Context, f RequestFilter) ([]JournalEntry, error) {
	return list[JournalEntry](ctx, a, "/requests", f.query(true))
}

// CountRequests returns how many journaled requests f selects (its
// Limit and Before aside).
func (a *Admin) CountRequests(ctx context.Context, f RequestFilter) (int, error) {
	var out struct {
		Count int `json:"count"`
	}
	err := a.do(ctx, http.MethodGet, "/requests/count", f.query(false), nil, http.StatusOK, &out)
	return out.Count, err
}

// ClearRequests deletes a tenant's (or partner account's) journaled
// requests and returns how many: what a test does before the calls it
// then verifies.
func (a *Admin) ClearRequests(ctx context.Context, tenantID string) (int, error) {
	var out struct {
		Deleted int `json:"deleted"`
	}
	err := a.do(ctx, http.MethodDelete, "/requests", url.Values{"tenant": {tenantID}}, nil, http.StatusOK, &out)
	return out.Deleted, err
}

// ExpectRequests verifies that exactly n journaled requests match f, as
// an integrator's test asserts what its code called: nil when they do,
// otherwise an error saying how many did and listing up to ten of them.
func (a *Admin) ExpectRequests(ctx context.Context, n int, f RequestFilter) error {
	got, err := a.CountRequests(ctx, f)
	if err != nil {
		return err
	}
	if got == n {
		return nil
	}
	f.Limit, f.Before = 10, 0
	es, err := a.Requests(ctx, f)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests match %s, want %d", got, f.query(false).Encode(), n)
	for _, e := range es {
		fmt.Fprintf(&b, "\n  %s %s %s → %d %s %s", e.At.Format(time.RFC3339Nano), e.RequestID, e.Route, e.Status, e.Code, e.Outcome)
	}
	return errors.New(b.String())
}
