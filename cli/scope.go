package cli

import (
	"context"
	"fmt"

	"github.com/aiccd/aiccd"
	"github.com/spf13/cobra"
)

// A command scoped by --tenant, --account or --partner looks that tenant
// or account up before it runs, so that a misspelt ID is an error naming
// it rather than an empty list (and exit status 0) as if the tenant had
// nothing. The admin API does the same for the IDs in its paths.

// accountsTooAnnotation marks commands whose --tenant may also name a
// partner account: those of the sandbox, which applies to the partner
// APIs too.
const accountsTooAnnotation = "tenant-or-account"

func checkScope(ctx context.Context, cmd *cobra.Command, a *app) error {
	if id := stringFlag(cmd, "tenant"); id != "" {
		_, err := a.tenants.Get(ctx, id)
		if aiccd.KindOf(err) == aiccd.KindNotFound && cmd.Annotations[accountsTooAnnotation] != "" {
			if _, aerr := a.credentials.Account(ctx, id); aerr == nil {
				return nil
			} else if aiccd.KindOf(aerr) == aiccd.KindNotFound {
				return aiccd.Errorf(aiccd.KindNotFound, "no tenant or cloud account has ID %q", id)
			}
		}
		if err != nil {
			return err
		}
	}
	for _, name := range []string{"account", "partner"} {
		if id := stringFlag(cmd, name); id != "" {
			if _, err := a.credentials.Account(ctx, id); err != nil {
				return fmt.Errorf("--%s: %w", name, err)
			}
		}
	}
	return nil
}

// stringFlag returns the value of cmd's string flag name, or "" when it
// has none (--partner of account create is a switch).
func stringFlag(cmd *cobra.Command, name string) string {
	f := cmd.Flags().Lookup(name)
	if f == nil || f.Value.Type() != "string" {
		return ""
	}
	return f.Value.String()
}
