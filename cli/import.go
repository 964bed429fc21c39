package cli

import "github.com/spf13/cobra"

// newImportCommand is the root of bulk imports from files.
func newImportCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import data in bulk from CSV or NDJSON files",
		Long: "Import data in bulk. Valid rows are written in batches, one transaction each;\n" +
			"rejected rows are reported with their line number and reason. An interrupted\n" +
			"import continues from its last committed batch with --resume.",
	}
	cmd.AddCommand(newImportTenantsCommand(e), newImportCustomersCommand(e), newImportRecordsCommand(e), newImportRulesCommand(e),
		newImportAccessCodesCommand(e))
	return cmd
}
