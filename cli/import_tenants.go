package cli

import (
	"context"

	"github.com/aiccd/aiccd/tenant"
	"github.com/spf13/cobra"
)

func newImportTenantsCommand(e *env) *cobra.Command {
	var o bulkOptions
	cmd := &cobra.Command{
		Use:   "tenants FILE.csv",
		Short: "Import tenants from a CSV file with columns id and name",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				_, err := runBulk(ctx, e, args[0], bulkSpec[tenant.Tenant]{
					what:      "tenants",
					required:  []string{"id"},
					batchSize: 1000,
					fromCSV: func(r csvRow) (tenant.Tenant, error) {
						return a.tenants.New(r.Get("id"), r.Get("name"))
					},
					write: a.tenants.CreateBatch,
				}, o)
				return err
			})
		},
	}
	o.addFlags(cmd, false)
	return cmd
}
