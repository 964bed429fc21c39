package cli

import (
	"context"

	"github.com/aiccd/aiccd/database"

	"github.com/spf13/cobra"
)

// newAdminCommand is the root of provisioning commands. They work on the
// configured database directly, so they need no running server.
func newAdminCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admin",
		Short: "Provision tenants, credentials and data",
		Long: "Provision tenants, credentials and data directly in the configured database.\n" +
			"Output is a table by default; -o json prints JSON for scripts.",
	}
	format := outputTable
	cmd.PersistentFlags().VarP(&format, "output", "o", "output format: table or json")
	cmd.AddCommand(
		newAdminTenantCommand(e),
		newAdminResourceCommand(e),
		newAdminVerifyCodeCommand(e),
		newAdminAppKeyCommand(e),
		newAdminMallTokenCommand(e),
		newAdminAccountCommand(e),
		newAdminIAMUserCommand(e),
		newAdminAccessKeyCommand(e),
		newAdminFaultCommand(e),
		newAdminRequestsCommand(e),
		newAdminCustomerCommand(e),
		newAdminSmartCareCommand(e),
		newAdminAccessCodeCommand(e),
		newAdminCalledRouteCommand(e),
		newAdminUserCommand(e),
		newAdminAuditCommand(e),
	)
	return cmd
}

// withDatabase loads the configuration of cmd, opens its database (without
// migrating it; creating it only with create) and runs fn with it, closing
// it afterwards: for commands that work on the database itself rather
// than through the services.
func (e *env) withDatabase(cmd *cobra.Command, create bool, fn func(ctx context.Context, db *database.DB) error) error {
	cfg, err := e.loadConfig(cmd)
	if err != nil {
		return err
	}
	db, err := openDatabase(cmd.Context(), cfg, create)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(cmd.Context(), db)
}

// withApp loads the configuration of cmd, opens the application, checks
// the tenant or account the command is scoped to (see checkScope) and
// runs fn with it, closing it afterwards.
func (e *env) withApp(cmd *cobra.Command, fn func(ctx context.Context, a *app) error) error {
	cfg, err := e.loadConfig(cmd)
	if err != nil {
		return err
	}
	a, err := openApp(cmd.Context(), cfg, e.newLogger(cfg), false)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := checkScope(cmd.Context(), cmd, a); err != nil {
		return err
	}
	return fn(cmd.Context(), a)
}
