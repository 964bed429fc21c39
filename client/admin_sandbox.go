package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Fault is a fault injection rule: for the requests of a tenant (or
// partner account) or app key to an endpoint, add latency, force an HTTP
// status or the family's code, or reset the connection.
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
	TenantID   string    `json:"tenant_id"`
	At         time.Time `json:"at"`
	RequestID  string    `json:"request_id"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Route      string    `json:"route"`
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
// is the server's journal size.
func (a *Admin) ListRequests(ctx context.Context, tenantID string, limit int) ([]JournalEntry, error) {
	q := url.Values{}
	if tenantID != "" {
		q.Set("tenant", tenantID)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	return list[JournalEntry](ctx, a, "/requests", q)
}
