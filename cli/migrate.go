package cli

import (
	"context"
	"fmt"

	"github.com/aiccd/aiccd/database"
	"github.com/spf13/cobra"
)

func newMigrateCommand(e *env) *cobra.Command {
	var status bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations",
		Long: "Apply the database migrations this binary embeds and that the database lacks.\n" +
			"serve does the same at start-up; run this to migrate ahead of a rolling upgrade.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// --status reports; only a migration creates the database.
			return e.withDatabase(cmd, !status, func(ctx context.Context, db *database.DB) error {
				if !status {
					applied, err := db.Migrate(ctx)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "applied %d migration(s)\n", len(applied))
				}
				current, latest, err := db.SchemaVersion(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s schema at version %d; this binary knows %d\n", db.Engine, current, latest)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&status, "status", false, "only print the schema version")
	return cmd
}

func newCheckCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify the database's integrity",
		Long: "Verify the database's structures: SQLite's integrity and foreign key checks, or for\n" +
			"PostgreSQL a read of every table and, with the amcheck extension, of every index.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withDatabase(cmd, false, func(ctx context.Context, db *database.DB) error {
				if err := db.IntegrityCheck(ctx); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s database ok\n", db.Engine)
				return nil
			})
		},
	}
}
