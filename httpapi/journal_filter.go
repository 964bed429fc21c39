package httpapi

import (
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/journal"
)

// The journal's query parameters: GET /admin/v1/requests and its count
// take the same filters; only a list pages.
var (
	journalFilters = []string{"tenant", "endpoint", "status", "code", "outcome", "from", "to", "header.NAME", "body.PATH"}
	journalPaging  = []string{"limit", "before"}
)

// maxJournalParams bounds the parameters of one query.
const maxJournalParams = 16

// parseJournalFilter reads a journal query's parameters, refusing any it
// does not know, given twice or out of its limits, each with what it
// takes, rather than answering a list that silently ignores a typo.
func (s *Server) parseJournalFilter(query url.Values, paging bool) (journal.Filter, error) {
	return parseJournalFilter(query, paging, s.patterns)
}

// ParseJournalFilter reads a journal query as the admin API does, for the
// CLI: the same filters, limits and errors.
func ParseJournalFilter(query url.Values, paging bool) (journal.Filter, error) {
	return parseJournalFilter(query, paging, New(Options{}).Routes())
}

func parseJournalFilter(query url.Values, paging bool, routes []string) (journal.Filter, error) {
	var f journal.Filter
	known := journalFilters
	if paging {
		known = append(slices.Clone(journalFilters), journalPaging...)
	}
	if len(query) > maxJournalParams {
		return f, aiccd.Errorf(aiccd.KindInvalid, "at most %d filters", maxJournalParams)
	}
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the first error found is the same each time
	for _, k := range keys {
		vs := query[k]
		if len(vs) != 1 {
			return f, aiccd.Errorf(aiccd.KindInvalid, "%s is given %d times; give each filter once", clipKey(k), len(vs))
		}
		v := vs[0]
		if len(v) > journal.MaxValueLen {
			return f, aiccd.Errorf(aiccd.KindInvalid, "%s: values are at most %d bytes", clipKey(k), journal.MaxValueLen)
		}
		var err error
		switch kind, _, _ := strings.Cut(k, "."); {
		case k == "tenant":
			f.TenantID = v
		case k == "endpoint":
			f.Route, err = journalRoute(v, routes)
		case k == "status":
			var n int
			n, err = strconv.Atoi(v)
			if err != nil || n < 0 || n > 599 {
				err = aiccd.Errorf(aiccd.KindInvalid, "status: %q is not an HTTP status (0 for a request that got no answer)", v)
			}
			f.Status = &n
		case k == "code":
			f.Code = &v
		case k == "outcome":
			if v != "" && v != journal.OutcomeReset {
				err = aiccd.Errorf(aiccd.KindInvalid, "outcome: %q is not an outcome; the outcomes are \"\" (answered) and %q", v, journal.OutcomeReset)
			}
			f.Outcome = &v
		case k == "from" || k == "to":
			var t time.Time
			t, err = time.Parse(time.RFC3339Nano, v)
			if err != nil {
				err = aiccd.Errorf(aiccd.KindInvalid, "%s: %q is not an RFC 3339 time (2026-12-06T09:30:00Z)", k, v)
			}
			if k == "from" {
				f.From = t
			} else {
				f.To = t
			}
		case (k == "limit" || k == "before") && paging:
			var n int64
			n, err = strconv.ParseInt(v, 10, 64)
			if k == "limit" && (err != nil || n < 1 || n > journal.MaxPage) {
				err = aiccd.Errorf(aiccd.KindInvalid, "limit: %q is not from 1 to %d", v, journal.MaxPage)
			}
			if k == "before" && (err != nil || n < 1) {
				err = aiccd.Errorf(aiccd.KindInvalid, "before: %q is not an entry's id", v)
			}
			if k == "limit" {
				f.Limit = int(n)
			} else {
				f.Before = n
			}
		case kind == "header" || kind == "body":
			if len(f.Fields) == journal.MaxFields {
				return f, aiccd.Errorf(aiccd.KindInvalid, "at most %d header and body filters", journal.MaxFields)
			}
			fd := journal.Field{Name: k, Value: v}
			err = journal.ValidateField(fd)
			f.Fields = append(f.Fields, fd)
		default:
			return f, aiccd.Errorf(aiccd.KindInvalid, "unknown filter %q; the filters are %s", clipKey(k), strings.Join(known, ", "))
		}
		if err != nil {
			return f, err
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, aiccd.Errorf(aiccd.KindInvalid, "from must be before to")
	}
	return f, nil
}

// journalRoute resolves an endpoint filter: a vendor endpoint's route
// pattern or the last segment of its path ("queryfaultyuser"), or
// "unmatched" for the requests no endpoint served.
func journalRoute(v string, routes []string) (string, error) {
	if v == "unmatched" {
		return v, nil
	}
	var names []string
	for _, route := range routes {
		_, p, _ := strings.Cut(route, " ")
		if !journaledFamily(familyOf(p)) {
			continue
		}
		if v == route || v == path.Base(p) {
			return route, nil
		}
		names = append(names, path.Base(p))
	}
	return "", aiccd.Errorf(aiccd.KindInvalid, "endpoint: %q names no endpoint; give a route (\"POST /v3/auth/tokens\"), one of %s, or unmatched",
		clipKey(v), strings.Join(names, ", "))
}

// journaledFamily reports whether the journal records the requests of f:
// every vendor API's, none of aiccd's own (admin, operations, console).
func journaledFamily(f family) bool {
	return f != familyAdmin && f != familyOps && f != familyConsole
}
