package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/journal"
)

// The request journal, live: what clients sent and what aiccd answered,
// as the admin API's GET /admin/v1/requests reads it, filtered here.

// journalFilter narrows the journal to what an operator looks for.
type journalFilter struct {
	Tenant   string
	Endpoint string // a substring of the route
	Status   string // "200", or a class: "4xx"
	Code     string // the family's code, exactly
}

func readJournalFilter(r *http.Request) journalFilter {
	q := r.URL.Query()
	return journalFilter{Tenant: strings.TrimSpace(q.Get("tenant")), Endpoint: strings.TrimSpace(q.Get("endpoint")),
		Status: strings.TrimSpace(q.Get("status")), Code: strings.TrimSpace(q.Get("code"))}
}

// Query is the filter as a query string, for the live view's requests.
func (f journalFilter) Query() string {
	v := make([]string, 0, 4)
	for _, kv := range [][2]string{{"tenant", f.Tenant}, {"endpoint", f.Endpoint}, {"status", f.Status}, {"code", f.Code}} {
		if kv[1] != "" {
			v = append(v, kv[0]+"="+url.QueryEscape(kv[1]))
		}
	}
	return strings.Join(v, "&")
}

func (f journalFilter) matches(e journal.Entry) bool {
	if f.Endpoint != "" && !strings.Contains(strings.ToLower(e.Route), strings.ToLower(f.Endpoint)) {
		return false
	}
	if f.Code != "" && e.Code != f.Code {
		return false
	}
	switch st := strconv.Itoa(e.Status); {
	case f.Status == "":
	case len(f.Status) == 3 && strings.HasSuffix(strings.ToLower(f.Status), "xx"):
		return st[0] == f.Status[0]
	default:
		return st == f.Status
	}
	return true
}

// journalShown is how many entries the live view shows.
const journalShown = 100

// journalEntries returns the newest entries that pass f, newest first.
func (c *Console) journalEntries(r *http.Request, f journalFilter) ([]journal.Entry, error) {
	if c.Journal == nil {
		return nil, nil
	}
	// Entries still buffered are shown too, as the admin API shows them.
	if err := c.Journal.Flush(r.Context()); err != nil {
		return nil, err
	}
	all, err := c.Journal.List(r.Context(), f.Tenant, 0)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, e := range all {
		if f.matches(e) {
			out = append(out, e)
			if len(out) == journalShown {
				break
			}
		}
	}
	return out, nil
}

type journalData struct {
	Filter  journalFilter
	Entries []journal.Entry
	Off     bool // the server keeps no journal
}

func (c *Console) journalPage(w http.ResponseWriter, r *http.Request) error {
	f := readJournalFilter(r)
	es, err := c.journalEntries(r, f)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "journal", view{Title: "Request journal", Nav: "journal",
		Data: journalData{Filter: f, Entries: es, Off: c.Journal == nil}})
}

// journalRows is the live view's fragment: the table's rows.
func (c *Console) journalRows(w http.ResponseWriter, r *http.Request) error {
	es, err := c.journalEntries(r, readJournalFilter(r))
	if err != nil {
		return err
	}
	return c.renderFragment(w, "journal_rows", es)
}

type journalEntryData struct {
	Entry journal.Entry
	Curl  string
}

func (c *Console) journalEntry(w http.ResponseWriter, r *http.Request) error {
	if c.Journal == nil {
		return errNoPage
	}
	es, err := c.journalEntries(r, journalFilter{Tenant: r.PathValue("tenant")})
	if err != nil {
		return err
	}
	id := r.PathValue("request")
	for _, e := range es {
		if e.RequestID == id {
			return c.render(w, r, http.StatusOK, "journal_entry", view{Title: "Request " + id, Nav: "journal",
				Data: journalEntryData{Entry: e, Curl: curlCommand(baseURL(r), e)}})
		}
	}
	return aiccd.Errorf(aiccd.KindNotFound, "the journal no longer holds request %s of tenant %s", id, r.PathValue("tenant"))
}

// baseURL is the address the browser reached aiccd at.
func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// curlCommand writes a journaled request as a curl command line. The
// journal keeps no headers and masks secrets, so the credential is a
// shell variable to fill in, named after what the family expects.
func curlCommand(base string, e journal.Entry) string {
	var b strings.Builder
	b.WriteString("curl -X " + e.Method + " " + shellQuote(base+e.Path))
	switch {
	case strings.HasPrefix(e.Path, "/apiaccess/"):
		b.WriteString(` -H "Authorization: Bearer $ACCESS_TOKEN"`)
		if e.Caller != "" {
			b.WriteString(" -H " + shellQuote("X-APP-Key: "+e.Caller))
		}
	case strings.HasPrefix(e.Path, "/rest/oma/"):
		b.WriteString(` -H "X-Auth-Token: $MALL_TOKEN"`)
	case strings.HasPrefix(e.Path, "/v1.0/"), strings.HasPrefix(e.Path, "/v2/"):
		b.WriteString(` -H "X-Auth-Token: $IAM_TOKEN"`)
	}
	if e.RequestBody != "" {
		b.WriteString(" -H 'Content-Type: application/json' --data-raw " + shellQuote(e.RequestBody))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
