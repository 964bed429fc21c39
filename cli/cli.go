// Package cli is aiccd's command line: serve, migrate, version, and the
// admin and import trees. Each command loads the one typed configuration
// and wires the domain services to the storage engine it names.
package cli

import (
	"context"
	"io"
	"log/slog"

	"github.com/aiccd/aiccd/config"
	"github.com/spf13/cobra"
)

// Run executes the command line args (without the program name). environ
// is the process environment in os.Environ form; output goes to stdout and
// logs to stderr.
func Run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	root := newRoot(&env{environ: environ, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

// env is the process context every command runs in.
type env struct {
	environ []string
	stdout  io.Writer
	stderr  io.Writer
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "aiccd",
		Short:         "A self-hosted, wire-compatible server for the AICC contact-center and partner APIs",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	config.AddConfigFlag(pf)
	config.AddFlags(pf, "database", "node-id", "log-format", "log-level")

	root.AddCommand(
		newServeCommand(e),
		newMigrateCommand(e),
		newVersionCommand(e),
		newAdminCommand(e),
		newImportCommand(e),
	)
	return root
}

// loadConfig reads the configuration of cmd from all its layers.
func (e *env) loadConfig(cmd *cobra.Command) (config.Config, error) {
	return config.Load(cmd.Flags(), e.environ)
}

// newLogger builds the structured logger the configuration asks for.
func (e *env) newLogger(cfg config.Config) *slog.Logger {
	level, _ := config.ParseLevel(cfg.LogLevel) // validated by config.Load
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}
