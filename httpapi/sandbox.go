package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
)

// requestInfo is what the layers of one request learn about it for the
// journal: the middleware creates it, authentication fills in the caller.
type requestInfo struct {
	tenantID string
	caller   string
	body     bytes.Buffer // the request body as read
	// journaled is set for the requests the journal records: every
	// vendor API's (journaledFamily), authenticated or not.
	journaled bool
	// ignoredKeys are the body's keys that no field read (decodeJSON).
	ignoredKeys []string
}

// requestInfoFrom returns what the journal notes about the request, or
// nil when it is not journaled.
func requestInfoFrom(ctx context.Context) *requestInfo {
	if st := requestStateFrom(ctx); st != nil {
		return st.rec.info
	}
	return nil
}

// serveAs runs h for a request authenticated for tenantID (or a partner
// account) by caller: it marks the request for the journal and applies
// any fault rule an integrator set for it.
func (s *Server) serveAs(w http.ResponseWriter, r *http.Request, tenantID, appKey, caller string, h handlerFunc) error {
	if info := requestInfoFrom(r.Context()); info != nil {
		info.tenantID, info.caller = tenantID, caller
	}
	if s.faults != nil {
		f, ok, err := s.faults.Match(r.Context(), fault.Request{TenantID: tenantID, AppKey: appKey, Route: r.Pattern, Body: peekBody(r)})
		if err != nil {
			return err
		}
		if ok {
			if done := s.inject(w, r, f); done {
				return nil
			}
		}
	}
	return h(w, r)
}

// noteTenant marks a request for the journal as meant for tenantID
// (or a partner account) by caller, before its credentials are all
// checked: a refusal is then journaled under the tenant it was for.
func noteTenant(r *http.Request, tenantID, caller string) {
	if info := requestInfoFrom(r.Context()); info != nil {
		info.tenantID, info.caller = tenantID, caller
	}
}

// attributeRefusal finds the tenant a refused request was meant for when
// it can be known without its credentials: from the app key it names
// (X-APP-Key), or the partner account in its path. A name nothing has
// leaves the request to the journal of requests without a tenant, so
// that a stranger cannot make up tenants to fill the journal with.
func (s *Server) attributeRefusal(r *http.Request) {
	info := requestInfoFrom(r.Context())
	if info == nil || info.tenantID != "" {
		return
	}
	ctx := r.Context()
	if key := r.Header.Get("X-APP-Key"); key != "" {
		if id, err := s.credentials.AppKeyTenant(ctx, key); err == nil && id != "" {
			info.tenantID, info.caller = id, key
			return
		}
	}
	if id := r.PathValue("partner_id"); id != "" {
		if _, err := s.credentials.Account(ctx, id); err == nil {
			info.tenantID = id
		}
	}
}

// inject applies a fault rule and reports whether it answered the request.
func (s *Server) inject(w http.ResponseWriter, r *http.Request, f fault.Fault) bool {
	s.metrics.faults.WithLabelValues(r.Pattern, faultKind(f)).Inc()
	if d := f.Latency(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Reset:
		if rec, ok := w.(*recorder); ok {
			rec.outcome = journal.OutcomeReset // what the client saw: no status, no bytes
			s.journalOnce(rec)                 // before the client sees it
		}
		resetConnection(w)
		return true
	}
	for name, value := range f.Headers {
		w.Header().Set(name, value)
	}
	switch {
	case f.Body != nil:
		body, contentType := []byte(f.Body), contentTypeJSON // as aiccd's own answers
		var text string
		if f.FreeForm && json.Unmarshal(f.Body, &text) == nil {
			// A free-form string is sent as its text: a proxy's HTML
			// error page, a plain-text refusal.
			body, contentType = []byte(text), "text/plain; charset=utf-8"
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(f.Status)
		w.Write(body)
		return true
	case f.Status != 0 || f.Code != "":
		renderForced(w, r, f.Status, f.Code)
		return true
	}
	return false
}

// peekBody returns a function that reads r's body for a fault rule's
// body match and puts it back for the handler. The body is already
// limited (limitBody); the journal's copy is taken as it is read here.
func peekBody(r *http.Request) func() ([]byte, error) {
	return func() ([]byte, error) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
		return b, nil
	}
}

func faultKind(f fault.Fault) string {
	switch {
	case f.Reset:
		return "reset"
	case f.Body != nil:
		return "override"
	case f.Status != 0 || f.Code != "":
		return "forced"
	default:
		return "latency"
	}
}

// resetConnection drops the client's connection with a TCP reset and no
// answer, as a crashed server or a middlebox would.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2): abort the stream
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// capturingReader keeps a copy of what the handler reads of the body.
type capturingReader struct {
	io.ReadCloser
	buf *bytes.Buffer
}

func (c capturingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if room := 4*journal.MaxBody - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(n, room)])
	}
	return n, err
}

// journalEntry builds the journal's record of a finished request.
func (s *Server) journalEntry(r *http.Request, info *requestInfo, rec *recorder, start time.Time, elapsed time.Duration, route string) journal.Entry {
	e := journal.Entry{
		TenantID:    info.tenantID,
		At:          start.UTC(),
		RequestID:   requestIDFrom(r.Context()),
		Method:      r.Method,
		Path:        r.URL.Path,
		Route:       route,
		Status:      rec.status,
		Outcome:     rec.outcome,
		DurationMS:  float64(elapsed.Microseconds()) / 1000,
		Caller:      info.caller,
		Detail:      rec.errDetail,
		IgnoredKeys: ignoredKeys(r.URL.RawQuery, info.ignoredKeys),
	}
	e.SetMatchSource(r.Header, info.body.Bytes())
	e.SetAnswer(rec.head.Bytes(), familyCode)
	if s.journalBodies {
		e.RequestBody = journal.MaskBody(info.body.Bytes())
		e.ResponseBody = journal.MaskBody(rec.head.Bytes())
	}
	return e
}

// ignoredKeys are the keys of a journaled request that aiccd did not
// read: every query parameter, as no vendor endpoint takes one (the OMA
// GETs take none either), then the body's (decodeJSON). Keys are names,
// not values: nothing to mask.
func ignoredKeys(rawQuery string, body []string) []string {
	if rawQuery == "" {
		return body
	}
	var keys []string
	for part := range strings.SplitSeq(rawQuery, "&") {
		name, _, _ := strings.Cut(part, "=")
		if u, err := url.QueryUnescape(name); err == nil {
			name = u
		}
		name = clipKey("?" + name)
		if name != "?" && len(keys) < journal.MaxIgnoredKeys && !slices.Contains(keys, name) {
			keys = append(keys, name)
		}
	}
	return append(keys, body[:min(len(body), journal.MaxIgnoredKeys-len(keys))]...)
}

// familyCode finds the family's code in an answer: error_code, or
// returnCode as a string or a number.
func familyCode(body []byte) string {
	for _, key := range [][]byte{[]byte(`"error_code":`), []byte(`"returnCode":`)} {
		i := bytes.Index(body, key)
		if i < 0 {
			continue
		}
		v := bytes.TrimLeft(body[i+len(key):], " ")
		if len(v) > 0 && v[0] == '"' {
			if end := bytes.IndexByte(v[1:], '"'); end >= 0 && end <= 32 {
				return string(v[1 : 1+end])
			}
			continue
		}
		end := 0
		for end < len(v) && end < 12 && (v[end] == '-' || v[end] >= '0' && v[end] <= '9') {
			end++
		}
		if end > 0 {
			return string(v[:end])
		}
	}
	return ""
}

// --- admin API ------------------------------------------------------------

func (s *Server) adminListFaults(w http.ResponseWriter, r *http.Request) error {
	if s.faults == nil {
		return errNotFound
	}
	fs, err := s.faults.List(r.Context())
	return replyList(w, fs, err)
}

func (s *Server) adminCreateFault(w http.ResponseWriter, r *http.Request) error {
	if s.faults == nil {
		return errNotFound
	}
	var b faultBody
	if err := decodeAdminJSON(r, &b); err != nil {
		return err
	}
	f, err := s.faults.Create(r.Context(), fault.Fault{
		TenantID: b.TenantID, AppKey: b.AppKey, Endpoint: b.Endpoint, LatencyMS: b.LatencyMS,
		Status: b.Status, Code: b.Code, Reset: b.Reset, Remaining: b.Remaining, Percent: b.Percent,
		Body: b.Body, Headers: b.Headers, FreeForm: b.FreeForm, BodyMatch: b.BodyMatch,
	})
	return reply(w, http.StatusCreated, f, err)
}

// faultBody is a new fault rule as the admin API takes it: the rule
// without what aiccd assigns (its ID and creation time).
type faultBody struct {
	TenantID  string `json:"tenant_id"`
	AppKey    string `json:"app_key"`
	Endpoint  string `json:"endpoint"`
	LatencyMS int    `json:"latency_ms"`
	Status    int    `json:"status"`
	Code      string `json:"code"`
	Reset     bool   `json:"reset"`
	Remaining int    `json:"remaining"`
	Percent   int    `json:"percent"`
	// An override: the answer to send instead of aiccd's.
	Body      json.RawMessage   `json:"body"`
	Headers   map[string]string `json:"headers"`
	FreeForm  bool              `json:"free_form"`
	BodyMatch map[string]any    `json:"body_match"`
}

// FaultEndpoints returns the route patterns of the endpoints fault rules
// apply to: the vendor endpoints that serve an authenticated tenant or
// account (serveAs). Those of the app gateway and IAM issue the tokens
// the others are called with, and the admin and operations endpoints are
// aiccd's own.
func FaultEndpoints() []string {
	var out []string
	for _, route := range New(Options{}).Routes() {
		_, path, _ := strings.Cut(route, " ")
		switch familyOf(path) {
		case familyOMA, familyPartner, familyCC, familySmartCare:
			out = append(out, route)
		}
	}
	return out
}

func (s *Server) adminDeleteFault(w http.ResponseWriter, r *http.Request) error {
	if s.faults == nil {
		return errNotFound
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFound
	}
	if err := s.faults.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) adminListRequests(w http.ResponseWriter, r *http.Request) error {
	f, err := s.parseJournalFilter(r.URL.Query(), true)
	if err != nil {
		return err
	}
	if err := s.checkJournalTenant(r, f.TenantID); err != nil {
		return err
	}
	if s.journal == nil {
		writeList(w, []journal.Entry{})
		return nil
	}
	es, err := s.journal.Query(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []journal.Entry{}
	}
	page := requestPage{Items: es}
	if limit := cmp.Or(f.Limit, journal.DefaultPage); len(es) == limit {
		page.NextBefore = es[len(es)-1].ID
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// requestPage is a page of the journal: NextBefore, when set, is the
// before of the next page, as the page was full.
type requestPage struct {
	Items      []journal.Entry `json:"items"`
	NextBefore int64           `json:"next_before,omitempty"`
}

func (s *Server) adminCountRequests(w http.ResponseWriter, r *http.Request) error {
	f, err := s.parseJournalFilter(r.URL.Query(), false)
	if err != nil {
		return err
	}
	if err := s.checkJournalTenant(r, f.TenantID); err != nil {
		return err
	}
	n := 0
	if s.journal != nil {
		if n, err = s.journal.Count(r.Context(), f); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": n})
	return nil
}

var errClearNeedsTenant = aiccd.Errorf(aiccd.KindInvalid, "tenant is required: the journal is cleared one tenant at a time")

func (s *Server) adminClearRequests(w http.ResponseWriter, r *http.Request) error {
	query := r.URL.Query()
	for k, vs := range query {
		if k != "tenant" {
			return aiccd.Errorf(aiccd.KindInvalid, "unknown parameter %q; the journal is cleared by tenant only", clipKey(k))
		}
		if len(vs) != 1 {
			return aiccd.Errorf(aiccd.KindInvalid, "tenant is given %d times; give it once", len(vs))
		}
	}
	id := query.Get("tenant")
	if id == "" {
		return errClearNeedsTenant
	}
	if err := s.checkJournalTenant(r, id); err != nil {
		return err
	}
	n := 0
	if s.journal != nil {
		var err error
		if n, err = s.journal.Clear(r.Context(), id); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]int{"deleted": n})
	return nil
}

// checkJournalTenant refuses a journal query naming a tenant, or the
// partner account of a partner API request, that does not exist: its
// journal would answer empty, as if it had been sent nothing.
func (s *Server) checkJournalTenant(r *http.Request, id string) error {
	if id == "" {
		return nil
	}
	if _, err := s.tenants.Get(r.Context(), id); aiccd.KindOf(err) == aiccd.KindNotFound {
		if _, err := s.credentials.Account(r.Context(), id); aiccd.KindOf(err) == aiccd.KindNotFound {
			return aiccd.Errorf(aiccd.KindNotFound, "no tenant or cloud account has ID %q", id)
		} else if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	return nil
}
