package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd/tenant"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// tenantFlags are the attributes of a tenant that create and update set.
type tenantFlags struct {
	name, kind, status, vdn, portalURL string
	company, contact, email, mobile    string
	created, trialExpires              string
}

func (f *tenantFlags) add(fs *pflag.FlagSet, forCreate bool) {
	fs.StringVar(&f.name, "name", "", "display name")
	fs.StringVar(&f.status, "status", "", "space status: 1 creating, 2 active, 3 suspended, 4 released, 5 trial, 6 trial expired (or the name)")
	fs.StringVar(&f.vdn, "vdn", "", "VDN (digits)")
	fs.StringVar(&f.portalURL, "portal-url", "", "URL for signing in to the AICC (portalUrl)")
	fs.StringVar(&f.company, "company", "", "customer company name (personal data)")
	fs.StringVar(&f.contact, "contact", "", "contact name (personal data)")
	fs.StringVar(&f.email, "email", "", "contact e-mail address (personal data)")
	fs.StringVar(&f.mobile, "mobile", "", "contact mobile number (personal data)")
	fs.StringVar(&f.trialExpires, "trial-expires", "", "end of the trial: RFC 3339 time or epoch milliseconds")
	if forCreate {
		fs.StringVar(&f.kind, "kind", "formal", "formal or trial")
		fs.StringVar(&f.created, "created", "", "creation time, for tenants carried over: RFC 3339 time or epoch milliseconds (default now)")
	}
}

// parseTime reads an RFC 3339 time or epoch milliseconds; "" is zero.
func parseTime(what, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is neither an RFC 3339 time nor epoch milliseconds", what, s)
	}
	return t, nil
}

// newAdminTenantCommand is `aiccd admin tenant`: one function a
// subcommand, each with its own flags.
func newAdminTenantCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant",
		Short: "Manage tenants: profiles, space status, trials",
		Long: "Manage tenants. Contact details are personal data: they are sealed with the master key,\n" +
			"shown in the clear only by 'show', and masked for the business software mall.",
	}
	cmd.AddCommand(newAdminTenantCreateCommand(e), newAdminTenantListCommand(e),
		newAdminTenantShowCommand(e), newAdminTenantUpdateCommand(e),
		newAdminTenantLifecycleCommand(e, "expire", "End a trial now (space status 6)", (*tenant.Service).Expire),
		newAdminTenantLifecycleCommand(e, "convert", "Make a trial a formal tenant in service (space status 2)", (*tenant.Service).Convert),
		newAdminTenantDeleteCommand(e), newAdminSnapshotCommand(e))
	return cmd
}

func newAdminTenantCreateCommand(e *env) *cobra.Command {
	var cf tenantFlags
	create := &cobra.Command{
		Use:   "create ID",
		Short: "Create a tenant (formal by default; --kind trial for a trial)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d := tenant.Draft{ID: args[0], Name: cf.name, Kind: tenant.Kind(cf.kind), VDN: cf.vdn, PortalURL: cf.portalURL,
				Profile: tenant.Profile{Company: cf.company, ContactName: cf.contact, Email: cf.email, Mobile: cf.mobile}}
			var err error
			if cf.status != "" {
				if d.Status, err = tenant.ParseStatus(cf.status); err != nil {
					return err
				}
			}
			if d.CreatedAt, err = parseTime("--created", cf.created); err != nil {
				return err
			}
			if d.TrialExpiresAt, err = parseTime("--trial-expires", cf.trialExpires); err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				t, err := a.tenants.CreateFrom(ctx, d)
				if err != nil {
					return err
				}
				return printTenant(e, cmd, t, false)
			})
		},
	}
	cf.add(create.Flags(), true)
	return create
}

func newAdminTenantListCommand(e *env) *cobra.Command {
	var kind string
	list := &cobra.Command{
		Use:   "list",
		Short: "List tenants (without personal data)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ts, err := a.tenants.List(ctx)
				if err != nil {
					return err
				}
				if kind != "" {
					k, err := tenant.ParseKind(kind)
					if err != nil {
						return err
					}
					kept := ts[:0]
					for _, t := range ts {
						if t.Kind == k {
							kept = append(kept, t)
						}
					}
					ts = kept
				}
				return printTenants(e, cmd, ts)
			})
		},
	}
	list.Flags().StringVar(&kind, "kind", "", "only formal or only trial tenants")
	return list
}

func newAdminTenantShowCommand(e *env) *cobra.Command {
	var masked bool
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Show a tenant with its contact details in the clear (--masked: as the mall sees them)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				t, err := a.tenants.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return printTenant(e, cmd, t, masked)
			})
		},
	}
	show.Flags().BoolVar(&masked, "masked", false, "mask the contact details as the business software mall sees them")
	return show
}

func newAdminTenantUpdateCommand(e *env) *cobra.Command {
	var uf tenantFlags
	update := &cobra.Command{
		Use:   "update ID",
		Short: "Change a tenant's attributes, contact details, space status or trial expiry",
		Long: "Change what the flags given say; an empty value clears a field. Space status moves along\n" +
			"1 creating -> 2 active <-> 3 suspended -> 4 released, and 5 trial <-> 6 trial expired -> 4;\n" +
			"use expire and convert for trials.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := uf.patch(cmd.Flags())
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				t, err := a.tenants.Update(ctx, args[0], p)
				if err != nil {
					return err
				}
				return printTenant(e, cmd, t, false)
			})
		},
	}
	uf.add(update.Flags(), false)
	return update
}

// newAdminTenantLifecycleCommand is a step of a tenant's life (expire,
// convert): the tenant's ID in, the tenant as it becomes out.
func newAdminTenantLifecycleCommand(e *env, use, short string, do func(*tenant.Service, context.Context, string) (tenant.Tenant, error)) *cobra.Command {
	return &cobra.Command{
		Use: use + " ID", Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				t, err := do(a.tenants, ctx, args[0])
				if err != nil {
					return err
				}
				return printTenant(e, cmd, t, false)
			})
		},
	}
}

// patch builds a tenant.Patch of the flags the user set.
func (f *tenantFlags) patch(fs *pflag.FlagSet) (tenant.Patch, error) {
	var p tenant.Patch
	str := func(flag string, v string) *string {
		if fs.Changed(flag) {
			return &v
		}
		return nil
	}
	p.Name, p.VDN, p.PortalURL = str("name", f.name), str("vdn", f.vdn), str("portal-url", f.portalURL)
	p.Company, p.ContactName, p.Email, p.Mobile = str("company", f.company), str("contact", f.contact), str("email", f.email), str("mobile", f.mobile)
	if fs.Changed("status") {
		st, err := tenant.ParseStatus(f.status)
		if err != nil {
			return p, err
		}
		p.Status = &st
	}
	if fs.Changed("trial-expires") {
		t, err := parseTime("--trial-expires", f.trialExpires)
		if err != nil {
			return p, err
		}
		if t.IsZero() {
			return p, fmt.Errorf("--trial-expires needs a time")
		}
		p.TrialExpiresAt = &t
	}
	return p, nil
}

func expiry(t tenant.Tenant) string {
	if t.TrialExpiresAt.IsZero() {
		return "-"
	}
	return stamp(t.TrialExpiresAt)
}

func printTenants(e *env, cmd *cobra.Command, ts []tenant.Tenant) error {
	tbl := table{header: []string{"ID", "NAME", "KIND", "STATUS", "VDN", "CREATED", "TRIAL EXPIRES"}}
	for _, t := range ts {
		tbl.rows = append(tbl.rows, []string{t.ID, t.Name, string(t.Kind), t.Status.String(), t.VDN, stamp(t.CreatedAt), expiry(t)})
	}
	return printList(e, cmd, ts, tbl)
}

// printTenant shows one tenant field by field, its contact details in the
// clear or masked.
func printTenant(e *env, cmd *cobra.Command, t tenant.Tenant, masked bool) error {
	if masked {
		t.Profile = t.Profile.Masked()
	}
	tbl := table{header: []string{"FIELD", "VALUE"}}
	for _, row := range [][2]string{
		{"id", t.ID}, {"name", t.Name}, {"kind", string(t.Kind)}, {"space status", t.Status.String()},
		{"vdn", t.VDN}, {"portal url", t.PortalURL}, {"created", stamp(t.CreatedAt)}, {"trial expires", expiry(t)},
		{"company", t.Profile.Company}, {"contact", t.Profile.ContactName}, {"email", t.Profile.Email}, {"mobile", t.Profile.Mobile},
	} {
		tbl.rows = append(tbl.rows, row[:])
	}
	return e.printOne(cmd, t, tbl)
}

func newAdminResourceCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "resource", Short: "Manage tenants' resources (subscriptions) for queryresource"}
	var tenantID, id, typ, spec, start, end string
	var quantity int64

	add := &cobra.Command{
		Use: "add", Short: "Give a tenant a resource for a period", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			startAt, err := parseTime("--start", start)
			if err != nil {
				return err
			}
			endAt, err := parseTime("--end", end)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				r, err := a.tenants.AddResource(ctx, tenantID, tenant.ResourceDraft{
					ID: id, Type: typ, Spec: spec, Quantity: quantity, StartAt: startAt, EndAt: endAt,
				})
				if err != nil {
					return err
				}
				return e.printOne(cmd, r, resourceTable([]tenant.Resource{r}))
			})
		},
	}
	add.Flags().StringVar(&tenantID, "tenant", "", "tenant ID (required)")
	add.Flags().StringVar(&id, "id", "", "resource ID (default: generated)")
	add.Flags().StringVar(&typ, "type", "", "resource type, e.g. agent, call-minutes (required)")
	add.Flags().StringVar(&spec, "spec", "", "specification, e.g. voice-agent-standard")
	add.Flags().Int64Var(&quantity, "quantity", 1, "units")
	add.Flags().StringVar(&start, "start", "", "start: RFC 3339 time or epoch milliseconds (required)")
	add.Flags().StringVar(&end, "end", "", "end, excluded: RFC 3339 time or epoch milliseconds (required)")
	for _, f := range []string{"tenant", "type", "start", "end"} {
		add.MarkFlagRequired(f)
	}

	list := &cobra.Command{
		Use: "list", Short: "List a tenant's resources", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				rs, err := a.tenants.AllResources(ctx, tenantID)
				if err != nil {
					return err
				}
				return printList(e, cmd, rs, resourceTable(rs))
			})
		},
	}
	list.Flags().StringVar(&tenantID, "tenant", "", "tenant ID (required)")
	list.MarkFlagRequired("tenant")

	cancel := &cobra.Command{
		Use: "cancel ID", Short: "Withdraw a resource", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := a.tenants.CancelResource(ctx, tenantID, args[0]); err != nil {
					return err
				}
				return e.printDone(cmd, "cancelled", true, fmt.Sprintf("resource %s of tenant %s cancelled", args[0], tenantID))
			})
		},
	}
	cancel.Flags().StringVar(&tenantID, "tenant", "", "tenant ID (required)")
	cancel.MarkFlagRequired("tenant")

	cmd.AddCommand(add, list, cancel)
	return cmd
}

func resourceTable(rs []tenant.Resource) table {
	tbl := table{header: []string{"ID", "TENANT", "TYPE", "SPEC", "QUANTITY", "START", "END", "STATUS"}}
	for _, r := range rs {
		tbl.rows = append(tbl.rows, []string{r.ID, r.TenantID, r.Type, r.Spec, strconv.FormatInt(r.Quantity, 10),
			stamp(r.StartAt), stamp(r.EndAt), string(r.Status)})
	}
	return tbl
}

func newAdminVerifyCodeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verifycode",
		Short: "Issue phone verification codes for trial applications (applyTenant)",
		Long: "aiccd sends no SMS: issue a code here and pass it to the applicant. A code is valid once,\n" +
			"until it expires or has been tried wrongly 5 times; only a keyed hash of it is stored.",
	}
	var ttl time.Duration
	issue := &cobra.Command{
		Use: "issue PHONE", Short: "Issue a six-digit code for a phone number; prints it once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				code, expires, err := a.tenants.IssueVerificationCode(ctx, args[0], ttl)
				if err != nil {
					return err
				}
				phone := tenant.NormalizeMobile(args[0])
				return e.printOne(cmd, map[string]any{"phone": phone, "code": code, "expires_at": expires},
					table{header: []string{"PHONE", "CODE", "EXPIRES"}, rows: [][]string{{phone, code, stamp(expires)}}})
			})
		},
	}
	issue.Flags().DurationVar(&ttl, "ttl", tenant.DefaultVerificationTTL, "how long the code is valid (at most 24h)")
	cmd.AddCommand(issue)
	return cmd
}
