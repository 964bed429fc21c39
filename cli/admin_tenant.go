package cli

import (
	"context"
	"time"

	"github.com/aiccd/aiccd/tenant"
	"github.com/spf13/cobra"
)

func newAdminTenantCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "tenant", Short: "Manage tenants"}

	var name string
	create := &cobra.Command{
		Use:   "create ID",
		Short: "Create a tenant",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				t, err := a.tenants.Create(ctx, args[0], name)
				if err != nil {
					return err
				}
				return printTenants(e, cmd, []tenant.Tenant{t})
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "display name")

	list := &cobra.Command{
		Use:   "list",
		Short: "List tenants",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ts, err := a.tenants.List(ctx)
				if err != nil {
					return err
				}
				return printTenants(e, cmd, ts)
			})
		},
	}
	cmd.AddCommand(create, list)
	return cmd
}

func printTenants(e *env, cmd *cobra.Command, ts []tenant.Tenant) error {
	tbl := table{header: []string{"ID", "NAME", "CREATED"}}
	for _, t := range ts {
		tbl.rows = append(tbl.rows, []string{t.ID, t.Name, t.CreatedAt.Format(time.RFC3339)})
	}
	return output(e.stdout, outputFlag(cmd), ts, tbl)
}
