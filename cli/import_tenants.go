package cli

import (
	"context"

	"github.com/aiccd/aiccd/tenant"
	"github.com/spf13/cobra"
)

// tenantColumns are the columns import tenants reads; only id is required.
var tenantColumns = []string{"id", "name", "kind", "status", "vdn", "portal_url",
	"company", "contact_name", "email", "mobile", "created_at", "trial_expires_at"}

func newImportTenantsCommand(e *env) *cobra.Command {
	var o bulkOptions
	cmd := &cobra.Command{
		Use:   "tenants FILE.csv",
		Short: "Import tenants with their profiles from a CSV file",
		Long: "Import tenants from a CSV file whose first line names the columns: id (required), name,\n" +
			"kind (formal or trial), status (space status code or name), vdn, portal_url, company,\n" +
			"contact_name, email, mobile, created_at and trial_expires_at (RFC 3339 times or epoch\n" +
			"milliseconds). Missing columns take the defaults of 'aiccd admin tenant create'.\n" +
			"Contact details are sealed with the master key as they are imported; rejected rows\n" +
			"are reported by line number and reason, never with the personal data they hold.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				_, err := runBulk(ctx, e, args[0], bulkSpec[tenant.Tenant]{
					What:      "tenants",
					Required:  []string{"id"},
					Columns:   tenantColumns,
					BatchSize: 1000,
					FromCSV:   func(r csvRow) (tenant.Tenant, error) { return tenantFromCSV(a.tenants, r) },
					Write:     a.tenants.CreateBatch,
				}, o)
				return err
			})
		},
	}
	o.addFlags(cmd, false)
	return cmd
}

// tenantFromCSV validates one row into a tenant ready to be written.
func tenantFromCSV(svc *tenant.Service, r csvRow) (tenant.Tenant, error) {
	d := tenant.Draft{
		ID: r.Get("id"), Name: r.Get("name"), Kind: tenant.Kind(r.Get("kind")), VDN: r.Get("vdn"), PortalURL: r.Get("portal_url"),
		Profile: tenant.Profile{Company: r.Get("company"), ContactName: r.Get("contact_name"), Email: r.Get("email"), Mobile: r.Get("mobile")},
	}
	var err error
	if s := r.Get("status"); s != "" {
		if d.Status, err = tenant.ParseStatus(s); err != nil {
			return tenant.Tenant{}, err
		}
	}
	if d.CreatedAt, err = parseTime("created_at", r.Get("created_at")); err != nil {
		return tenant.Tenant{}, err
	}
	if d.TrialExpiresAt, err = parseTime("trial_expires_at", r.Get("trial_expires_at")); err != nil {
		return tenant.Tenant{}, err
	}
	return svc.Prepare(d)
}
