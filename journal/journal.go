// Package journal keeps the last requests of each tenant, so that an
// integrator can see what their client actually sent and what aiccd
// answered: method, path, status, duration, the family's code and the
// request ID, and, when enabled, the bodies with secrets and personal data
// masked. Entries are buffered and written in batches, off the request path.
package journal

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Entry is one journaled request.
type Entry struct {
	TenantID   string    `json:"tenant_id"`
	At         time.Time `json:"at"`
	RequestID  string    `json:"request_id"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Route      string    `json:"route"`
	Status     int       `json:"status"`            // 0 when the client got no answer (see Outcome)
	Outcome    string    `json:"outcome,omitempty"` // "" for an answer; OutcomeReset
	DurationMS float64   `json:"duration_ms"`
	Code       string    `json:"code,omitempty"`   // error_code or returnCode of the answer
	Caller     string    `json:"caller,omitempty"` // app key, AK or IAM user
	// Detail is why a request was refused, naming the field and the rule
	// it broke, where the answer itself carries only the page's sentence.
	Detail string `json:"detail,omitempty"`
	// IgnoredKeys are keys of the request body that aiccd did not read:
	// unknown to the endpoint, or a field's name in another case than the
	// page spells it ("MSISDN" for "msisdn"). At most MaxIgnoredKeys.
	IgnoredKeys  []string `json:"ignored_keys,omitempty"`
	RequestBody  string   `json:"request_body,omitempty"`
	ResponseBody string   `json:"response_body,omitempty"`
	// ID orders entries and pages through them (Filter.Before); the store
	// assigns it.
	ID int64 `json:"id"`
	// MatchKeys are the keyed digests of the request's headers and body
	// fields with their values (Journal.MatchKeys): what a query matches
	// on, the values themselves not kept.
	MatchKeys []string `json:"-"`
	// deferred is what MatchKeys and Code are computed from when the entry
	// is written, off the request's path (SetMatchSource, SetAnswer).
	deferred *deferred
}

// deferred holds what an entry's derived fields are computed from when
// it is written: under load most entries are superseded in their tenant's
// ring before then, and cost no digest and no search.
type deferred struct {
	header map[string][]string
	body   []byte
	answer []byte
	codeOf func(answer []byte) string
}

func (e *Entry) deferredFields() *deferred {
	if e.deferred == nil {
		e.deferred = &deferred{}
	}
	return e.deferred
}

// SetMatchSource gives the request's headers and body, which the
// journal turns into MatchKeys when it writes the entry. Neither may
// change afterwards.
func (e *Entry) SetMatchSource(header map[string][]string, body []byte) {
	d := e.deferredFields()
	d.header, d.body = header, body
}

// SetAnswer gives the start of the answer and the function that finds
// the family's code in it, which sets Code when the entry is written
// (unless Code is set). The answer may not change afterwards.
func (e *Entry) SetAnswer(answer []byte, codeOf func(answer []byte) string) {
	d := e.deferredFields()
	d.answer, d.codeOf = answer, codeOf
}

// complete computes the deferred fields and makes the text storable.
func (j *Journal) complete(e *Entry) {
	if d := e.deferred; d != nil {
		e.MatchKeys = j.MatchKeys(d.header, d.body)
		if d.codeOf != nil && e.Code == "" {
			e.Code = d.codeOf(d.answer)
		}
		e.deferred = nil
	}
	storable(e)
}

// MaxIgnoredKeys bounds the ignored keys kept of one request.
const MaxIgnoredKeys = 16

// OutcomeReset is the outcome of a request whose connection aiccd reset
// without answering (a fault rule): the client saw the reset, no status.
const OutcomeReset = "reset"

// Store persists entries.
type Store interface {
	AddEntries(ctx context.Context, es []Entry) error
	// Entries returns up to q.Limit of the newest entries q selects,
	// newest first. An empty q.TenantID selects every tenant.
	Entries(ctx context.Context, q Query) ([]Entry, error)
	// CountEntries returns how many entries q selects.
	CountEntries(ctx context.Context, q Query) (int, error)
	// DeleteEntries deletes tenantID's entries and returns how many.
	DeleteEntries(ctx context.Context, tenantID string) (int, error)
	// TrimEntries keeps the newest keep entries of each tenant.
	TrimEntries(ctx context.Context, keep int) error
}

// Journal buffers entries and writes them in batches.
//
// Only a tenant's newest size entries are ever kept, so the buffer keeps
// no more than that per tenant either: under load an entry superseded
// before the next flush is never written, and the journal costs at most
// size rows per tenant and flush however many requests arrive.
type Journal struct {
	store   Store
	size    int
	logger  *slog.Logger
	blinder Blinder // nil: no match keys

	// flushMu makes flushes one at a time: a query's flush waits for
	// one under way, so that what was recorded before the query is written
	// when it runs, and batches are written in the order they were taken.
	flushMu sync.Mutex

	mu       sync.Mutex
	pending  map[string]*ring // by tenant
	npending int
	dropped  int
}

// maxPending bounds the buffer across tenants: when that many entries
// wait, new tenants' entries are dropped rather than memory grown.
const maxPending = 10_000

// Options are what a Journal is built from.
type Options struct {
	Store  Store
	Size   int // entries kept per tenant; at least 1
	Logger *slog.Logger
	// Blinder has entries carry the keyed digests of their headers and
	// body fields (MatchKeys), so that queries can match them by value;
	// nil: none.
	Blinder Blinder
}

// New returns a Journal keeping o.Size entries per tenant.
func New(o Options) *Journal {
	return &Journal{store: o.Store, size: max(o.Size, 1), logger: o.Logger, blinder: o.Blinder, pending: map[string]*ring{}}
}

// ring is a tenant's queued entries: the newest, up to the journal's size.
type ring struct {
	buf  []Entry
	next int // where the next entry goes once buf is full
}

func (r *ring) add(e Entry, size int) (grew bool) {
	if len(r.buf) < size {
		r.buf = append(r.buf, e)
		return true
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % size
	return false
}

// entries appends the ring's entries to out, oldest first.
func (r *ring) entries(out []Entry) []Entry {
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}

// Record queues e without blocking. Its text is made storable when it is
// written, but for the tenant, which names its ring.
func (j *Journal) Record(e Entry) {
	e.TenantID = storableString(e.TenantID)
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.pending[e.TenantID]
	if r == nil {
		if j.npending >= maxPending {
			j.dropped++
			return
		}
		r = &ring{}
		j.pending[e.TenantID] = r
	}
	if r.add(e, j.size) {
		j.npending++
	}
}

// Flush writes the queued entries now, in the order they were recorded.
func (j *Journal) Flush(ctx context.Context) error {
	j.flushMu.Lock()
	defer j.flushMu.Unlock()
	j.mu.Lock()
	batch := make([]Entry, 0, j.npending)
	for _, r := range j.pending {
		batch = r.entries(batch)
	}
	dropped := j.dropped
	j.pending, j.npending, j.dropped = map[string]*ring{}, 0, 0
	j.mu.Unlock()
	if dropped > 0 {
		j.logger.Warn("request journal overflowed; entries dropped", "dropped", dropped)
	}
	if len(batch) == 0 {
		return nil
	}
	for i := range batch {
		j.complete(&batch[i])
	}
	slices.SortStableFunc(batch, func(a, b Entry) int { return a.At.Compare(b.At) })
	return j.store.AddEntries(ctx, batch)
}

// Run flushes twice a second and trims each
// tenant to its size every minute, until ctx is done; then it flushes what
// is left.
func (j *Journal) Run(ctx context.Context) {
	flush := time.NewTicker(500 * time.Millisecond)
	defer flush.Stop()
	trim := time.NewTicker(time.Minute)
	defer trim.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := j.Flush(context.WithoutCancel(ctx)); err != nil {
				j.logger.Warn("writing the request journal", "err", err)
			}
			return
		case <-flush.C:
		case <-trim.C:
			if err := j.store.TrimEntries(ctx, j.size); err != nil {
				j.logger.Warn("trimming the request journal", "err", err)
			}
		}
		if err := j.Flush(ctx); err != nil {
			j.logger.Warn("writing the request journal", "err", err)
		}
	}
}

// storable makes e's text storable by every store: a request refused
// before any check may carry a path, a caller or a key that is not UTF-8
// or holds NUL bytes, which PostgreSQL refuses, and which would make the
// whole batch fail.
func storable(e *Entry) {
	for _, p := range []*string{&e.TenantID, &e.RequestID, &e.Method, &e.Path, &e.Route, &e.Code, &e.Caller, &e.Detail} {
		*p = storableString(*p)
	}
	for i, k := range e.IgnoredKeys {
		e.IgnoredKeys[i] = storableString(k)
	}
}

func storableString(s string) string {
	if storableText(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
