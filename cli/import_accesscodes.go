package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/bulk"
	"github.com/spf13/cobra"
)

// accessCodeBatch is how many access codes one transaction writes. Large
// batches matter on SQLite: each writes one segment of each trigram index,
// and fewer, larger segments cost less merging (20,000-row batches import
// about 15 % slower). A batch refused for a few bad rows is split in
// halves until they are found, so the size costs little on errors.
const accessCodeBatch = 100000

func newImportAccessCodesCommand(e *env) *cobra.Command {
	var o bulkOptions
	var tenantID string
	cmd := &cobra.Command{
		Use:   "accesscodes --tenant T FILE",
		Short: "Import a tenant's access codes from a CSV or NDJSON file",
		Long: "Import access codes into one tenant. The columns (CSV header, or NDJSON keys) are the\n" +
			"field names queryAccessCodeList answers with:\n" +
			"  accessCode   required, digits\n" +
			"  mediatypeId  2, 5, 18, 19 or 53 (default 5)\n" +
			"  numCallAttr  1 inbound, 2 outbound, 3 both (default 3)\n" +
			"  n400Number   optional; empty for none\n" +
			"  description  optional; empty for none\n" +
			"  id           optional; keeps the ID of another system (default: a new one)\n" +
			"so an NDJSON file of calledRouteList entries imports as it is.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if _, err := a.tenants.Get(ctx, tenantID); errors.Is(err, aiccd.ErrNotFound) {
					return fmt.Errorf("tenant %q does not exist", tenantID)
				} else if err != nil {
					return err
				}
				_, err := runBulk(ctx, e, args[0], bulk.AccessCodes(a.accessCodes, tenantID, accessCodeBatch, true), o)
				if err != nil {
					return err
				}
				// PostgreSQL: move the trigram indexes' pending entries into
				// place and refresh the planner's statistics.
				if err := a.accessCodes.Maintain(ctx); err != nil {
					return fmt.Errorf("tidy the search indexes: %w", err)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&tenantID, "tenant", "", "tenant to import into (required)")
	cmd.MarkFlagRequired("tenant")
	o.addFlags(cmd, true)
	return cmd
}
