package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
	"github.com/spf13/cobra"
)

func newAdminFaultCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Inject failures for an integrator's requests: latency, forced codes, connection resets",
		Long: "Fault rules apply to the requests of one tenant (or partner account) or app key, to one\n" +
			"endpoint or all of them, for the next --count requests or every request (--count -1),\n" +
			"and to --percent of them. Every replica applies them within 0.1 s (the change feed).",
	}
	var f fault.Fault
	var latency time.Duration
	add := &cobra.Command{
		Use:         "add (--tenant T | --app-key K) [--endpoint E] [--latency D] [--status N] [--code C] [--reset] [--count N] [--percent P]",
		Short:       "Add a fault rule",
		Annotations: map[string]string{accountsTooAnnotation: "yes"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.LatencyMS = int(latency.Milliseconds())
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
	var tenantID string
	var limit int
	cmd := &cobra.Command{
		Use:         "requests [--tenant T] [--limit N]",
		Annotations: map[string]string{accountsTooAnnotation: "yes"},
		Short:       "Show the request journal: what clients sent and what aiccd answered, newest first",
		Long: "Show the newest requests of a tenant (or partner account), or of all of them.\n" +
			"A running server writes its journal twice a second; GET /admin/v1/requests also\n" +
			"shows what it has not written yet.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if a.journal == nil {
					return fmt.Errorf("the journal is off (journal-size 0)")
				}
				es, err := a.journal.List(ctx, tenantID, limit)
				if err != nil {
					return err
				}
				return printList(e, cmd, es, requestTable(es))
			})
		},
	}
	cmd.Flags().StringVar(&tenantID, "tenant", "", "only this tenant's requests")
	cmd.Flags().IntVar(&limit, "limit", 50, "how many")
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
