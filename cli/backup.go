package cli

import (
	"context"
	"fmt"

	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/database"
	"github.com/spf13/cobra"
)

func newBackupCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the live database to FILE",
		Long: "Write a consistent copy of the database while aiccd keeps serving: a SQLite file\n" +
			"(VACUUM INTO), or for PostgreSQL a pg_dump custom-format archive (pg_dump on PATH).\n" +
			"Back up the master key file too: sealed secrets cannot be read without it.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withDatabase(cmd, false, func(ctx context.Context, db *database.DB) error {
				if err := db.Backup(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "backed up %s to %s\n", db.Engine, args[0])
				return nil
			})
		},
	}
}

func newRestoreCommand(e *env) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "restore FILE --yes",
		Short: "Replace the database with a backup (refused while aiccd uses it)",
		Long: "Replace the configured database with a backup made by `aiccd backup`, after checking\n" +
			"the backup's integrity and schema version. It refuses while an aiccd uses the database:\n" +
			"stop every aiccd serving it first.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return fmt.Errorf("restore replaces the database; confirm with --yes")
			}
			cfg, err := e.loadConfig(cmd)
			if err != nil {
				return err
			}
			if err := database.Restore(cmd.Context(), cfg.Database, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "restored %s from %s\n", config.MaskURL(cfg.Database), args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm that the database is to be replaced")
	return cmd
}
