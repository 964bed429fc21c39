package journal

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// Filter selects journal entries: every field set must hold.
type Filter struct {
	TenantID string // "" for every tenant, and the requests no tenant could be known for
	Route    string // a route pattern ("POST /v3/auth/tokens"), or "unmatched"
	Status   *int   // 0 for a request that got no answer (see Outcome)
	Code     *string
	Outcome  *string
	From, To time.Time // From inclusive, To exclusive; zero: unbounded
	// Fields are equalities on the request's headers and body fields.
	Fields []Field
	// Before pages: only entries older than the entry with this ID.
	Before int64
	Limit  int
}

// Field is an equality on a request's header ("header.X-App-Key") or JSON
// body field ("body.msisdn", dotted into nested objects).
type Field struct{ Name, Value string }

// Query is a Filter as a store runs it: the field equalities as the keyed
// digests the entries carry (Entry.MatchKeys).
type Query struct {
	TenantID string
	Route    string
	Status   *int
	Code     *string
	Outcome  *string
	From, To time.Time
	Keys     []string
	Before   int64
	Limit    int
}

// Limits on queries.
const (
	MaxFields     = 8
	MaxValueLen   = 256
	MaxPathDepth  = 8
	MaxPage       = 1000
	DefaultPage   = 100
	maxKeys       = 64  // digests kept per entry
	maxKeyNameLen = 128 // a header's name or a body field's dotted path
)

// Blinder derives the keyed digests that let an entry be matched on a
// value the journal keeps masked, or does not keep at all, without
// storing the value.
type Blinder = aiccd.Blinder

const blindPurpose = "journal match"

// matchKey is the digest of one header or body field and its value: 16
// bytes of a keyed HMAC, in hex, enough to tell values apart in a journal
// of bounded size while revealing nothing of them.
func matchKey(b Blinder, name, value string) string {
	sum := b.Blind(blindPurpose, []byte(name+"\x00"+value))
	return hex.EncodeToString(sum[:16])
}

// HeaderName is the name a header is matched by: case-insensitive, as
// HTTP header names are.
func HeaderName(h string) string { return "header." + strings.ToLower(h) }

// BodyName is the name a body field is matched by: its dotted path, keys
// as sent and compared exactly, as the vendor endpoints read them ("MSISDN"
// is not the field "msisdn").
func BodyName(path string) string { return "body." + path }

// Query returns the entries f selects, newest first. The entries still
// buffered are written first, so that a request answered before the call
// is part of its answer.
func (j *Journal) Query(ctx context.Context, f Filter) ([]Entry, error) {
	q, ok, err := j.query(ctx, f)
	if err != nil || !ok {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > MaxPage {
		q.Limit = DefaultPage
	}
	return j.store.Entries(ctx, q)
}

// Count returns how many entries f selects (its Before and Limit aside).
func (j *Journal) Count(ctx context.Context, f Filter) (int, error) {
	q, ok, err := j.query(ctx, f)
	if err != nil || !ok {
		return 0, err
	}
	q.Before, q.Limit = 0, 0
	return j.store.CountEntries(ctx, q)
}

// Clear deletes tenantID's entries, those still buffered included, and
// returns how many.
func (j *Journal) Clear(ctx context.Context, tenantID string) (int, error) {
	if !storableText(tenantID) {
		return 0, nil
	}
	if err := j.Flush(ctx); err != nil {
		return 0, err
	}
	return j.store.DeleteEntries(ctx, tenantID)
}

// query flushes the buffer and turns f into a store's query; ok is false
// when f can match nothing (text no store can hold).
func (j *Journal) query(ctx context.Context, f Filter) (Query, bool, error) {
	for _, s := range []string{f.TenantID, f.Route} {
		if !storableText(s) {
			return Query{}, false, nil
		}
	}
	for _, p := range []*string{f.Code, f.Outcome} {
		if p != nil && !storableText(*p) {
			return Query{}, false, nil
		}
	}
	q := Query{TenantID: f.TenantID, Route: f.Route, Status: f.Status, Code: f.Code, Outcome: f.Outcome,
		From: f.From, To: f.To, Before: f.Before, Limit: f.Limit}
	if len(f.Fields) > 0 {
		if j.blinder == nil {
			return Query{}, false, aiccd.Errorf(aiccd.KindInvalid, "this aiccd keeps no digests of headers and body fields to match on")
		}
		for _, fd := range f.Fields {
			fd = fd.Normalize()
			q.Keys = append(q.Keys, matchKey(j.blinder, fd.Name, fd.Value))
		}
	}
	if err := j.Flush(ctx); err != nil {
		return Query{}, false, err
	}
	return q, true, nil
}

// storableText reports whether s is text every store can hold and compare
// (PostgreSQL refuses invalid UTF-8 and NUL bytes).
func storableText(s string) bool {
	return !strings.ContainsRune(s, 0) && strings.ToValidUTF8(s, "") == s
}

// ValidateField checks a field equality of a query: a known kind of name,
// a name and a value within the limits.
func ValidateField(fd Field) error {
	kind, name, _ := strings.Cut(fd.Name, ".")
	switch {
	case !storableText(fd.Name) || !storableText(fd.Value):
		return aiccd.Errorf(aiccd.KindInvalid, "%q: names and values must be UTF-8 text without NUL", fd.Name)
	case len(name) > maxKeyNameLen:
		return aiccd.Errorf(aiccd.KindInvalid, "%q: names are at most %d bytes", strings.ToValidUTF8(fd.Name[:32], "")+"…", maxKeyNameLen)
	case kind != "header" && kind != "body" || name == "":
		return aiccd.Errorf(aiccd.KindInvalid, "%q: a field filter is header.NAME or body.PATH", fd.Name)
	case len(fd.Value) > MaxValueLen:
		return aiccd.Errorf(aiccd.KindInvalid, "%s: values are at most %d bytes", fd.Name, MaxValueLen)
	case kind == "body" && strings.Count(name, ".") >= MaxPathDepth:
		return aiccd.Errorf(aiccd.KindInvalid, "%s: body paths are at most %d keys deep", fd.Name, MaxPathDepth)
	case kind == "body" && slicesContainsEmpty(strings.Split(name, ".")):
		return aiccd.Errorf(aiccd.KindInvalid, "%s: a body path is keys separated by single dots", fd.Name)
	}
	return nil
}

func slicesContainsEmpty(ss []string) bool {
	for _, s := range ss {
		if s == "" {
			return true
		}
	}
	return false
}

// Normalize returns fd named as entries are matched (HeaderName,
// BodyName).
func (fd Field) Normalize() Field {
	kind, name, _ := strings.Cut(fd.Name, ".")
	if kind == "header" {
		return Field{HeaderName(name), fd.Value}
	}
	return Field{BodyName(name), fd.Value}
}

func (fd Field) String() string { return fmt.Sprintf("%s=%s", fd.Name, fd.Value) }

// List returns up to limit of tenantID's newest entries, newest first;
// limit 0 or beyond the journal's size is its size.
func (j *Journal) List(ctx context.Context, tenantID string, limit int) ([]Entry, error) {
	if limit <= 0 || limit > j.size {
		limit = j.size
	}
	q, ok, err := j.query(ctx, Filter{TenantID: tenantID})
	if err != nil || !ok {
		return nil, err
	}
	q.Limit = limit
	return j.store.Entries(ctx, q)
}
