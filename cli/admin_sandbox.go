package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/aiccd/aiccd/journal"
	"github.com/spf13/cobra"
)

func newAdminFaultCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Inject failures for an integrator's requests: latency, forced codes, answers of your own, connection resets",
		Long: "Fault rules apply to the requests of one tenant (or partner account) or app key, to one\n" +
			"endpoint or all of them, optionally only to requests whose JSON body holds given values\n" +
			"(--match), for the next --count requests or every request (--count -1), and to --percent\n" +
			"of them. With --body a rule answers that body instead of aiccd's (an override), checked\n" +
			"against the endpoint's wire format unless --free-form. Every replica applies them within\n" +
			"0.1 s (the change feed).",
	}
	var f fault.Fault
	var latency time.Duration
	var body string
	var headers, matches, jsonMatches []string
	add := &cobra.Command{
		Use:         "add (--tenant T | --app-key K) [--endpoint E] [--latency D] [--status N] [--code C] [--reset] [--body JSON|@FILE [--header 'Name: value']... [--free-form]] [--match PATH=TEXT]... [--match-json PATH=JSON]... [--count N] [--percent P]",
		Short:       "Add a fault rule",
		Annotations: map[string]string{accountsTooAnnotation: "yes"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.LatencyMS = int(latency.Milliseconds())
			if err := overrideFlags(&f, body, headers, matches, jsonMatches); err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				created, err := a.faults.Create(ctx, f)
				if err != nil {
					return err
				}
				return e.printOne(cmd, created, faultTable([]fault.Fault{created}))
			})
		},
	}
	fl := add.Flags()
	fl.StringVar(&f.TenantID, "tenant", "", "tenant ID, or partner account ID for the partner APIs")
	fl.StringVar(&f.AppKey, "app-key", "", "app key")
	fl.StringVar(&f.Endpoint, "endpoint", "", "route pattern or its last path segment, e.g. queryfaultyuser (default: every endpoint)")
	fl.DurationVar(&latency, "latency", 0, "delay added before the request is handled")
	fl.IntVar(&f.Status, "status", 0, "HTTP status to answer with")
	fl.StringVar(&f.Code, "code", "", "the API family's code to answer with (SmartCare returnCode 5, CBC.0999, APIG.0308, ...)")
	fl.BoolVar(&f.Reset, "reset", false, "reset the connection without an answer")
	fl.StringVar(&body, "body", "", "JSON to answer instead of aiccd's, or @FILE to read it from a file")
	fl.StringArrayVar(&headers, "header", nil, "a header of the answer, 'Name: value' (repeatable)")
	fl.BoolVar(&f.FreeForm, "free-form", false, "send --body as given, without checking it against the endpoint's wire format")
	fl.StringArrayVar(&matches, "match", nil, "only requests whose JSON body holds this text at this dotted path, PATH=TEXT (repeatable)")
	fl.StringArrayVar(&jsonMatches, "match-json", nil, "as --match, with the value as JSON: a number, true, false or null (repeatable)")
	fl.IntVar(&f.Remaining, "count", 1, "requests to affect; -1 for every request")
	fl.IntVar(&f.Percent, "percent", 100, "chance in percent that a matching request is affected")

	list := &cobra.Command{
		Use: "list", Short: "List fault rules", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				fs, err := a.faults.List(ctx)
				if err != nil {
					return err
				}
				return printList(e, cmd, fs, faultTable(fs))
			})
		},
	}
	del := &cobra.Command{
		Use: "delete ID", Short: "Delete a fault rule", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a fault ID", args[0])
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := a.faults.Delete(ctx, id); err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", true, fmt.Sprintf("deleted fault %d", id))
			})
		},
	}
	cmd.AddCommand(add, list, del)
	return cmd
}

// overrideFlags fills a rule's override and body match from the flags.
func overrideFlags(f *fault.Fault, body string, headers, matches, jsonMatches []string) error {
	if body != "" {
		b := []byte(body)
		if name, ok := strings.CutPrefix(body, "@"); ok {
			var err error
			if b, err = readLimited(name, fault.MaxBodyBytes); err != nil {
				return err
			}
		}
		if !json.Valid(b) {
			return fmt.Errorf("--body is not JSON")
		}
		f.Body = b
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("--header %q: want 'Name: value'", h)
		}
		if f.Headers == nil {
			f.Headers = map[string]string{}
		}
		f.Headers[strings.TrimSpace(name)] = strings.TrimSpace(value)
	}
	add := func(flag, m string, asJSON bool) error {
		path, value, ok := strings.Cut(m, "=")
		if !ok {
			return fmt.Errorf("--%s %q: want PATH=VALUE", flag, m)
		}
		if f.BodyMatch == nil {
			f.BodyMatch = map[string]any{}
		}
		if !asJSON {
			f.BodyMatch[path] = value
			return nil
		}
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			return fmt.Errorf("--%s %q: the value is not JSON", flag, m)
		}
		f.BodyMatch[path] = v
		return nil
	}
	for _, m := range matches {
		if err := add("match", m, false); err != nil {
			return err
		}
	}
	for _, m := range jsonMatches {
		if err := add("match-json", m, true); err != nil {
			return err
		}
	}
	return nil
}

// readLimited reads a file of at most limit bytes.
func readLimited(name string, limit int64) ([]byte, error) {
	file, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s has more than %d bytes", name, limit)
	}
	return b, nil
}

func faultTable(fs []fault.Fault) table {
	tbl := table{header: []string{"ID", "TENANT", "APP KEY", "ENDPOINT", "EFFECT", "REMAINING", "PERCENT"}}
	for _, f := range fs {
		remaining := strconv.Itoa(f.Remaining)
		if f.Remaining < 0 {
			remaining = "every"
		}
		tbl.rows = append(tbl.rows, []string{strconv.FormatInt(f.ID, 10), f.TenantID, f.AppKey, f.Endpoint,
			f.String(), remaining, strconv.Itoa(f.Percent)})
	}
	return tbl
}

func newAdminRequestsCommand(e *env) *cobra.Command {
	// The parent lists, as "requests list" does, as it did before it had
	// subcommands.
	cmd := newAdminRequestsListCommand(e, "requests [list|count|clear] [filters]")
	cmd.Short = "Query, count and clear the request journal: what clients sent and what aiccd answered"
	cmd.AddCommand(newAdminRequestsListCommand(e, "list [filters]"), newAdminRequestsCountCommand(e), newAdminRequestsClearCommand(e))
	return cmd
}

const requestsLong = "The journal holds every request to a vendor endpoint: those refused by\n" +
	"authentication too (under the tenant their token, app key or path names when it\n" +
	"exists, under none otherwise) and those a fault rule reset (status 0, outcome reset).\n" +
	"--header and --body match values the journal keeps masked, by keyed digests.\n" +
	"A running server writes its journal twice a second; the admin API's\n" +
	"/admin/v1/requests also sees what it has not written yet."

// requestFilterFlags are the journal's filters as flags: the admin API's
// query parameters, validated by the same parser.
type requestFilterFlags struct {
	tenant, endpoint, status, code, outcome, from, to string
	header, body                                      []string
	limit                                             int
	before                                            int64
}

func (f *requestFilterFlags) add(cmd *cobra.Command, paging bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.tenant, "tenant", "", "only this tenant's (or partner account's) requests")
	fl.StringVar(&f.endpoint, "endpoint", "", "a route (\"POST /v3/auth/tokens\"), its last path segment (queryfaultyuser), or unmatched")
	fl.StringVar(&f.status, "status", "", "the HTTP status answered; 0 for requests that got no answer")
	fl.StringVar(&f.code, "code", "", "the answer's error_code or returnCode")
	fl.StringVar(&f.outcome, "outcome", "", "reset: requests whose connection a fault rule reset")
	fl.StringVar(&f.from, "from", "", "requests at or after this RFC 3339 time")
	fl.StringVar(&f.to, "to", "", "requests before this RFC 3339 time")
	fl.StringArrayVar(&f.header, "header", nil, "NAME=VALUE: a request header's value (repeatable)")
	fl.StringArrayVar(&f.body, "body", nil, "PATH=VALUE: a JSON body field's value, PATH dotted (repeatable)")
	if paging {
		fl.IntVar(&f.limit, "limit", 50, "at most this many, from 1 to 1000")
		fl.Int64Var(&f.before, "before", 0, "only entries older than the entry with this id (the next page)")
	}
}

// filter parses the flags set as the admin API parses its query.
func (f *requestFilterFlags) filter(cmd *cobra.Command, paging bool) (journal.Filter, error) {
	q := url.Values{}
	for name, v := range map[string]string{"tenant": f.tenant, "endpoint": f.endpoint, "status": f.status, "code": f.code,
		"outcome": f.outcome, "from": f.from, "to": f.to} {
		if cmd.Flags().Changed(name) {
			q.Set(name, v)
		}
	}
	for kind, pairs := range map[string][]string{"header": f.header, "body": f.body} {
		for _, p := range pairs {
			name, value, ok := strings.Cut(p, "=")
			if !ok {
				return journal.Filter{}, fmt.Errorf("--%s %q: give NAME=VALUE", kind, p)
			}
			q.Add(kind+"."+name, value)
		}
	}
	if paging {
		q.Set("limit", strconv.Itoa(f.limit))
		if f.before != 0 {
			q.Set("before", strconv.FormatInt(f.before, 10))
		}
	}
	return httpapi.ParseJournalFilter(q, paging)
}

func newAdminRequestsListCommand(e *env, use string) *cobra.Command {
	var flags requestFilterFlags
	cmd := &cobra.Command{
		Use:         use,
		Annotations: map[string]string{accountsTooAnnotation: "yes"},
		Short:       "List journaled requests, newest first",
		Long:        requestsLong,
		Example: "  aiccd admin requests list --tenant demo --endpoint queryfaultyuser --body msisdn=6680512100869\n" +
			"  aiccd admin requests list --status 401 --from 2026-12-06T09:00:00Z -o json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := flags.filter(cmd, true)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if a.journal == nil {
					return errJournalOff
				}
				es, err := a.journal.Query(ctx, f)
				if err != nil {
					return err
				}
				return printList(e, cmd, es, requestTable(es))
			})
		},
	}
	flags.add(cmd, true)
	return cmd
}

var errJournalOff = fmt.Errorf("the journal is off (journal-size 0)")

func newAdminRequestsCountCommand(e *env) *cobra.Command {
	var flags requestFilterFlags
	cmd := &cobra.Command{
		Use:         "count [filters]",
		Annotations: map[string]string{accountsTooAnnotation: "yes"},
		Short:       "Count the journaled requests the filters select",
		Long:        requestsLong,
		Example:     "  aiccd admin requests count --tenant demo --endpoint queryfaultyuser --body msisdn=6680512100869",
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := flags.filter(cmd, false)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if a.journal == nil {
					return errJournalOff
				}
				n, err := a.journal.Count(ctx, f)
				if err != nil {
					return err
				}
				return e.printDone(cmd, "count", n, strconv.Itoa(n))
			})
		},
	}
	flags.add(cmd, false)
	return cmd
}

func newAdminRequestsClearCommand(e *env) *cobra.Command {
	var tenantID string
	cmd := &cobra.Command{
		Use:         "clear --tenant T",
		Annotations: map[string]string{accountsTooAnnotation: "yes"},
		Short:       "Delete a tenant's (or partner account's) journaled requests",
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if tenantID == "" {
				return fmt.Errorf("--tenant is required: the journal is cleared one tenant at a time")
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if a.journal == nil {
					return errJournalOff
				}
				n, err := a.journal.Clear(ctx, tenantID)
				if err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", n, fmt.Sprintf("%d requests deleted", n))
			})
		},
	}
	cmd.Flags().StringVar(&tenantID, "tenant", "", "the tenant (or partner account) whose journal is cleared")
	return cmd
}

func requestTable(es []journal.Entry) table {
	tbl := table{header: []string{"TIME", "TENANT", "METHOD", "PATH", "STATUS", "CODE", "MS", "CALLER", "REQUEST ID", "NOTE"}}
	for _, r := range es {
		status := strconv.Itoa(r.Status)
		if r.Outcome != "" {
			status = r.Outcome // no status: what the client saw instead
		}
		tbl.rows = append(tbl.rows, []string{r.At.Format("2006-01-02T15:04:05.000Z07:00"), r.TenantID, r.Method, r.Path,
			status, r.Code, strconv.FormatFloat(r.DurationMS, 'f', 1, 64), r.Caller, r.RequestID, requestNote(r)})
	}
	return tbl
}

// requestNote says in one cell why a request was refused and which keys
// of it were ignored.
func requestNote(r journal.Entry) string {
	var note []string
	if r.Detail != "" {
		note = append(note, r.Detail)
	}
	if len(r.IgnoredKeys) > 0 {
		note = append(note, "ignored: "+strings.Join(r.IgnoredKeys, ", "))
	}
	return strings.Join(note, "; ")
}
