package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/spf13/cobra"
)

func invalidf(format string, args ...any) error {
	return aiccd.Errorf(aiccd.KindInvalid, format, args...)
}

func newAdminSmartCareCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "smartcare",
		Short: "Manage SmartCare complaint scenes, mass-fault rules and settings; query as the API does",
	}
	cmd.AddCommand(
		newAdminSceneCommand(e),
		newAdminRuleCommand(e),
		newAdminSmartCareSettingsCommand(e),
		newAdminSmartCareQueryCommand(e),
		newAdminSmartCareRecordsCommand(e),
	)
	return cmd
}

func sceneTable(scs []smartcare.Scene) table {
	tbl := table{header: []string{"ID", "NAME", "SCENE CODES", "UPDATED"}}
	for _, s := range scs {
		tbl.rows = append(tbl.rows, []string{s.ID, s.Name, strings.Join(s.SceneCodes, ","), s.UpdatedAt.Format(time.RFC3339)})
	}
	return tbl
}

func newAdminSceneCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "scene", Short: "Manage complaint scenes: the complaintScene IDs and the ccmSceneCodes they cover"}
	var tenantID, name string
	var codes []string

	create := &cobra.Command{
		Use:   "create ID --tenant T --codes SMS,DATA",
		Short: "Create a complaint scene",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				sc, err := a.smartcare.CreateScene(ctx, tenantID, smartcare.SceneInput{ID: args[0], Name: name, SceneCodes: codes})
				if err != nil {
					return err
				}
				return e.printOne(cmd, sc, sceneTable([]smartcare.Scene{sc}))
			})
		},
	}
	update := &cobra.Command{
		Use:   "update ID --tenant T [--codes SMS,DATA] [--name NAME]",
		Short: "Change a complaint scene's name or scene codes",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p smartcare.ScenePatch
			if cmd.Flags().Changed("name") {
				p.Name = &name
			}
			if cmd.Flags().Changed("codes") {
				p.SceneCodes = codes
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				sc, err := a.smartcare.UpdateScene(ctx, tenantID, args[0], p)
				if err != nil {
					return err
				}
				return e.printOne(cmd, sc, sceneTable([]smartcare.Scene{sc}))
			})
		},
	}
	for _, c := range []*cobra.Command{create, update} {
		c.Flags().StringVar(&name, "name", "", "display name")
		c.Flags().StringSliceVar(&codes, "codes", nil, "ccmSceneCodes the scene covers, comma-separated (SMS,DATA,VOICE,…)")
	}
	create.MarkFlagRequired("codes")
	list := &cobra.Command{
		Use:   "list --tenant T",
		Short: "List complaint scenes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				scs, err := a.smartcare.Scenes(ctx, tenantID)
				if err != nil {
					return err
				}
				return printList(e, cmd, scs, sceneTable(scs))
			})
		},
	}
	del := &cobra.Command{
		Use:   "delete ID --tenant T",
		Short: "Delete a complaint scene",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := a.smartcare.DeleteScene(ctx, tenantID, args[0]); err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", true, fmt.Sprintf("deleted scene %s", args[0]))
			})
		},
	}
	for _, c := range []*cobra.Command{create, update, list, del} {
		addTenantFlag(c, &tenantID)
	}
	cmd.AddCommand(create, list, update, del)
	return cmd
}

func ruleTable(rules []smartcare.FaultRule) table {
	tbl := table{header: []string{"ID", "SCENE CODE", "REFLECTION RULE", "ACTIVE FROM", "ACTIVE UNTIL", "DESCRIPTION"}}
	for _, r := range rules {
		until := "(ongoing)"
		if !r.Ongoing() {
			until = r.ActiveUntil.Format(time.RFC3339)
		}
		tbl.rows = append(tbl.rows, []string{smartcare.FormatID(r.ID), r.SceneCode, r.Rule.String(), r.ActiveFrom.Format(time.RFC3339), until, r.Description})
	}
	return tbl
}

// ruleFlags are the flags that describe a rule.
type ruleFlags struct {
	scene, rule, from, until, description string
}

func (f *ruleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.scene, "scene-code", "", "ccmSceneCode of the fault (SMS, DATA, VOICE, …)")
	cmd.Flags().StringVar(&f.rule, "rule", "", "reflection rule: KEY=VALUE conditions joined by &, e.g. LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007")
	cmd.Flags().StringVar(&f.from, "from", "", "when the fault began: RFC 3339 or epoch milliseconds")
	cmd.Flags().StringVar(&f.until, "until", "", "when the fault ended (empty: ongoing); with update, \"ongoing\" clears it")
	cmd.Flags().StringVar(&f.description, "description", "", "free text")
}

func parseRuleID(s string) (int64, error) {
	id, ok := smartcare.ParseID(s)
	if !ok {
		return 0, invalidf("rule ID %q is not a positive number", s)
	}
	return id, nil
}

// newAdminRuleCommand is `aiccd admin rule`: one function a subcommand,
// each with its own flags.
func newAdminRuleCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "rule", Short: "Manage mass-fault rules"}
	cmd.AddCommand(newAdminRuleCreateCommand(e), newAdminRuleListCommand(e),
		newAdminRuleUpdateCommand(e), newAdminRuleDeleteCommand(e), newAdminRuleCheckCommand(e))
	return cmd
}

func newAdminRuleCreateCommand(e *env) *cobra.Command {
	var tenantID string
	var rf ruleFlags
	create := &cobra.Command{
		Use:   "create --tenant T --scene-code CODE --rule EXPR --from TIME [--until TIME]",
		Short: "Create a mass-fault rule",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := smartcare.RuleInput{SceneCode: rf.scene, ReflectionRule: rf.rule, Description: rf.description}
			var err error
			if in.ActiveFrom, err = parseAdminTime("--from", rf.from); err != nil {
				return err
			}
			if rf.until != "" {
				if in.ActiveUntil, err = parseAdminTime("--until", rf.until); err != nil {
					return err
				}
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				r, err := a.smartcare.CreateRule(ctx, tenantID, in)
				if err != nil {
					return err
				}
				return e.printOne(cmd, r, ruleTable([]smartcare.FaultRule{r}))
			})
		},
	}
	rf.add(create)
	addTenantFlag(create, &tenantID)
	for _, f := range []string{"scene-code", "rule", "from"} {
		create.MarkFlagRequired(f)
	}
	return create
}

func newAdminRuleUpdateCommand(e *env) *cobra.Command {
	var tenantID string
	var rf ruleFlags
	update := &cobra.Command{
		Use:   "update ID --tenant T [--scene-code] [--rule] [--from] [--until TIME|ongoing] [--description]",
		Short: "Change the fields of a mass-fault rule that are given",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseRuleID(args[0])
			if err != nil {
				return err
			}
			var p smartcare.RulePatch
			fl := cmd.Flags()
			if fl.Changed("scene-code") {
				p.SceneCode = &rf.scene
			}
			if fl.Changed("rule") {
				p.ReflectionRule = &rf.rule
			}
			if fl.Changed("description") {
				p.Description = &rf.description
			}
			if fl.Changed("from") {
				t, err := parseAdminTime("--from", rf.from)
				if err != nil {
					return err
				}
				p.ActiveFrom = &t
			}
			if fl.Changed("until") {
				var t time.Time
				if rf.until != "ongoing" && rf.until != "" {
					if t, err = parseAdminTime("--until", rf.until); err != nil {
						return err
					}
				}
				p.ActiveUntil = &t
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				r, err := a.smartcare.UpdateRule(ctx, tenantID, id, p)
				if err != nil {
					return err
				}
				return e.printOne(cmd, r, ruleTable([]smartcare.FaultRule{r}))
			})
		},
	}
	rf.add(update)
	addTenantFlag(update, &tenantID)

	return update
}

func newAdminRuleListCommand(e *env) *cobra.Command {
	var tenantID string
	var filter smartcare.RuleFilter
	list := &cobra.Command{
		Use:   "list --tenant T [--scene-code CODE] [--after ID] [--limit N]",
		Short: "List mass-fault rules by ID, a page at a time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				rules, err := a.smartcare.Rules(ctx, tenantID, filter)
				if err != nil {
					return err
				}
				return printList(e, cmd, rules, ruleTable(rules))
			})
		},
	}
	list.Flags().StringVar(&filter.SceneCode, "scene-code", "", "only rules of this ccmSceneCode")
	list.Flags().Int64Var(&filter.AfterID, "after", 0, "only rules with a greater ID (the last ID of the previous page)")
	list.Flags().IntVar(&filter.Limit, "limit", 100, "rules per page, 1 to 1000")

	addTenantFlag(list, &tenantID)
	return list
}

func newAdminRuleDeleteCommand(e *env) *cobra.Command {
	var tenantID string
	del := &cobra.Command{
		Use:   "delete ID --tenant T",
		Short: "Delete a mass-fault rule",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseRuleID(args[0])
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := a.smartcare.DeleteRule(ctx, tenantID, id); err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", true, fmt.Sprintf("deleted rule %d", id))
			})
		},
	}
	addTenantFlag(del, &tenantID)
	return del
}

func newAdminRuleCheckCommand(e *env) *cobra.Command {
	check := &cobra.Command{
		Use:   "check EXPR",
		Short: "Check a reflection rule and print its normal form, without a database",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := smartcare.ParseReflectionRule(args[0])
			if err != nil {
				return err
			}
			return e.printOne(cmd, map[string]string{"reflection_rule": r.String()}, table{
				header: []string{"REFLECTION RULE"}, rows: [][]string{{r.String()}}})
		},
	}
	return check
}

func newAdminSmartCareSettingsCommand(e *env) *cobra.Command {
	var tenantID, zone string
	var backtrace, retention int
	cmd := &cobra.Command{
		Use:   "settings --tenant T [--default-backtrace SECONDS] [--time-zone ZONE] [--retention-days DAYS]",
		Short: "Show a tenant's SmartCare settings, changing those given first",
		Long: `Show a tenant's SmartCare settings, changing those given first:
  --default-backtrace  the backtraceDuration of queries that give none (60 to 86400 s; default 3600)
  --time-zone          the IANA zone of ttid (default UTC)
  --retention-days     how long subscriber records are kept (0: for ever; default 30)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				var p smartcare.SettingsPatch
				fl := cmd.Flags()
				changed := false
				if fl.Changed("default-backtrace") {
					d := time.Duration(backtrace) * time.Second
					p.DefaultBacktrace, changed = &d, true
				}
				if fl.Changed("time-zone") {
					p.TimeZone, changed = &zone, true
				}
				if fl.Changed("retention-days") {
					p.RetentionDays, changed = &retention, true
				}
				var st smartcare.Settings
				var err error
				if changed {
					st, err = a.smartcare.UpdateSettings(ctx, tenantID, p)
				} else {
					st, err = a.smartcare.Settings(ctx, tenantID)
				}
				if err != nil {
					return err
				}
				ret := "keep for ever"
				if st.RetentionDays > 0 {
					ret = strconv.Itoa(st.RetentionDays) + " days"
				}
				return e.printOne(cmd, st, table{
					header: []string{"SETTING", "VALUE"},
					rows: [][]string{
						{"default backtrace", fmt.Sprintf("%d s", int64(st.DefaultBacktrace.Seconds()))},
						{"time zone", st.TimeZone},
						{"retention", ret},
					},
				})
			})
		},
	}
	addTenantFlag(cmd, &tenantID)
	cmd.Flags().IntVar(&backtrace, "default-backtrace", 3600, "default backtraceDuration in seconds, 60 to 86400")
	cmd.Flags().StringVar(&zone, "time-zone", "UTC", "IANA time zone of ttid")
	cmd.Flags().IntVar(&retention, "retention-days", 30, "days subscriber records are kept; 0 keeps them for ever")
	return cmd
}

func newAdminSmartCareQueryCommand(e *env) *cobra.Command {
	var tenantID string
	var req smartcare.FaultyUserRequest
	cmd := &cobra.Command{
		Use:   "query --tenant T --msisdn M --fault-time MS --scene ID [--backtrace S]",
		Short: "Answer queryfaultyuser for a tenant and print the response body the API sends",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				req.QueryFlag = "1"
				res, err := a.smartcare.QueryFaultyUser(ctx, tenantID, req)
				if err != nil {
					// The answer has the page's sentence only; the
					// operator also sees why.
					fmt.Fprintln(e.stderr, aiccd.MessageOf(err, "aiccd failed; see the log"))
				}
				body := httpapi.FaultyUserAnswer(res, err)
				enc := json.NewEncoder(e.stdout)
				enc.SetEscapeHTML(false)
				enc.SetIndent("", "  ")
				return enc.Encode(body)
			})
		},
	}
	addTenantFlag(cmd, &tenantID)
	cmd.Flags().StringVar(&req.MSISDN, "msisdn", "", "subscriber")
	cmd.Flags().StringVar(&req.FaultTime, "fault-time", "", "fault time, epoch milliseconds")
	cmd.Flags().StringVar(&req.ComplaintScene, "scene", "", "complaint scene ID")
	cmd.Flags().StringVar(&req.BacktraceDuration, "backtrace", "", "backtrace duration in seconds (default: the tenant's)")
	return cmd
}

func newAdminSmartCareRecordsCommand(e *env) *cobra.Command {
	var tenantID, msisdn, from, to string
	cmd := &cobra.Command{
		Use:   "records --tenant T --msisdn M --from TIME --to TIME",
		Short: "List a subscriber's records in a window (at most 31 days)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := parseAdminTime("--from", from)
			if err != nil {
				return err
			}
			t, err := parseAdminTime("--to", to)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				recs, err := a.smartcare.Records(ctx, tenantID, msisdn, f, t)
				if err != nil {
					return err
				}
				tbl := table{header: []string{"EVENT TIME", "SCENE CODE", "DIMENSIONS"}}
				for _, r := range recs {
					var dims []string
					for _, d := range r.Dimensions {
						dims = append(dims, d.Key+"="+d.Value)
					}
					tbl.rows = append(tbl.rows, []string{r.EventTime.Format("2006-01-02T15:04:05.000Z07:00"), r.SceneCode, strings.Join(dims, " ")})
				}
				return printList(e, cmd, recs, tbl)
			})
		},
	}
	addTenantFlag(cmd, &tenantID)
	cmd.Flags().StringVar(&msisdn, "msisdn", "", "subscriber")
	cmd.Flags().StringVar(&from, "from", "", "start of the window: RFC 3339 or epoch milliseconds")
	cmd.Flags().StringVar(&to, "to", "", "end of the window, inclusive")
	return cmd
}
