package cli

import (
	"context"
	"time"

	"github.com/aiccd/aiccd/smartcare"
	"github.com/spf13/cobra"
)

func newImportRecordsCommand(e *env) *cobra.Command {
	var o bulkOptions
	var tenantID string
	cmd := &cobra.Command{
		Use:   "records --tenant T FILE",
		Short: "Import SmartCare subscriber records (the xDR feed) from CSV or NDJSON",
		Long: `Import SmartCare subscriber records from CSV or NDJSON, gzip-compressed or not.

CSV: the first line names the columns msisdn, eventTime and ccmSceneCode, and one
column per dimension (LAC_TAC, SAI_CGI_ECGI, FAILURE_CAUSE, APN, RAT, ...); a blank
cell leaves the dimension out.
NDJSON: one object per line:
  {"msisdn":"6680512100869","eventTime":1721280041000,"ccmSceneCode":"SMS",
   "dimensions":{"LAC_TAC":"5200504B2007","FAILURE_CAUSE":"..."}}
eventTime is epoch milliseconds or RFC 3339. Records older than the tenant's
retention or more than an hour in the future are rejected.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				p, err := a.smartcare.RecordParser(ctx, tenantID)
				if err != nil {
					return err
				}
				_, err = runBulk(ctx, e, args[0], bulkSpec[smartcare.Record]{
					What:      "records",
					Required:  []string{smartcare.FieldMSISDN, smartcare.FieldEventTime, smartcare.FieldSceneCode},
					BatchSize: smartcare.IngestBatchSize,
					CSVParser: p.CSV,
					FromJSON:  p.FromJSON,
					Write: func(ctx context.Context, batch []smartcare.Record) error {
						return a.smartcare.AppendRecords(ctx, tenantID, batch)
					},
					Pipeline: true,
				}, o)
				return err
			})
		},
	}
	o.addFlags(cmd, true)
	addTenantFlag(cmd, &tenantID)
	return cmd
}

// ruleRow is one fault rule in a file.
type ruleRow struct {
	SceneCode      string `json:"ccmSceneCode"`
	ReflectionRule string `json:"reflectionRule"`
	ActiveFrom     string `json:"activeFrom"`
	ActiveUntil    string `json:"activeUntil,omitempty"`
	Description    string `json:"description,omitempty"`
}

func (r ruleRow) input() (smartcare.RuleInput, error) {
	in := smartcare.RuleInput{SceneCode: r.SceneCode, ReflectionRule: r.ReflectionRule, Description: r.Description}
	var err error
	if in.ActiveFrom, err = parseAdminTime("activeFrom", r.ActiveFrom); err != nil {
		return in, err
	}
	if r.ActiveUntil != "" {
		in.ActiveUntil, err = parseAdminTime("activeUntil", r.ActiveUntil)
	}
	return in, err
}

func newImportRulesCommand(e *env) *cobra.Command {
	var o bulkOptions
	var tenantID string
	cmd := &cobra.Command{
		Use:   "rules --tenant T FILE",
		Short: "Import SmartCare mass-fault rules from CSV or NDJSON",
		Long: `Import SmartCare mass-fault rules from CSV (columns ccmSceneCode, reflectionRule,
activeFrom, and optionally activeUntil and description) or NDJSON (objects with the
same keys). Times are epoch milliseconds or RFC 3339; a blank activeUntil means the
fault is ongoing. A malformed reflection rule is reported with its line and the
offending condition.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				parse := func(r ruleRow) (smartcare.FaultRule, error) {
					in, err := r.input()
					if err != nil {
						return smartcare.FaultRule{}, err
					}
					return a.smartcare.NewRule(tenantID, in)
				}
				_, err := runBulk(ctx, e, args[0], bulkSpec[smartcare.FaultRule]{
					What:      "rules",
					Required:  []string{"ccmSceneCode", "reflectionRule", "activeFrom"},
					BatchSize: 5000,
					FromCSV: func(r csvRow) (smartcare.FaultRule, error) {
						return parse(ruleRow{r.Get("ccmSceneCode"), r.Get("reflectionRule"), r.Get("activeFrom"), r.Get("activeUntil"), r.Get("description")})
					},
					FromJSON: func(line []byte) (smartcare.FaultRule, error) {
						var r ruleRow
						if err := decodeRow(line, &r); err != nil {
							return smartcare.FaultRule{}, err
						}
						return parse(r)
					},
					Write: func(ctx context.Context, batch []smartcare.FaultRule) error {
						return a.smartcare.CreateRules(ctx, tenantID, batch)
					},
				}, o)
				return err
			})
		},
	}
	o.addFlags(cmd, true)
	addTenantFlag(cmd, &tenantID)
	return cmd
}

// addTenantFlag adds the mandatory --tenant flag.
func addTenantFlag(cmd *cobra.Command, id *string) {
	cmd.Flags().StringVar(id, "tenant", "", "tenant ID (required)")
	cmd.MarkFlagRequired("tenant")
}

// parseAdminTime reads a time flag or column: epoch milliseconds or RFC 3339.
func parseAdminTime(name, s string) (time.Time, error) {
	t, err := smartcare.ParseTime(s)
	if err != nil {
		return time.Time{}, invalidf("%s: %v", name, err)
	}
	return t, nil
}
