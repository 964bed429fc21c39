// Package cli is aiccd's command line: serve, migrate, version, and the
// admin and import trees. Each command loads the one typed configuration
// and wires the domain services to the storage engine it names.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/aiccd/aiccd/config"
	"github.com/spf13/cobra"
)

// Run executes the command line args (without the program name). environ
// is the process environment in os.Environ form; output goes to stdout and
// logs to stderr.
//
// An error is also reported on stderr (see report), so that every way of
// running aiccd shows it alike.
func Run(ctx context.Context, args, environ []string, stdout, stderr io.Writer) error {
	root := newRoot(&env{environ: environ, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		report(stderr, cmd, err)
	}
	return err
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
	config.AddFlags(pf, "database", "log-format", "log-level", "master-key", "master-key-file", "redis", "node-id")

	root.AddCommand(
		newServeCommand(e),
		newMigrateCommand(e),
		newCheckCommand(e),
		newVersionCommand(e),
		newAdminCommand(e),
		newImportCommand(e),
		newBackupCommand(e),
		newRestoreCommand(e),
		newDemoCommand(e),
		newProxyCommand(e),
		newVerifyCommand(e),
	)
	for _, c := range root.Commands() {
		refuseUnknownSubcommands(c)
	}
	return root
}

// refuseUnknownSubcommands makes cmd and every command below it that only
// groups others fail on an argument that names none of them ("aiccd admin
// tenant lst"), with cobra's suggestions, where cobra would print the
// group's help and exit 0 as if the command had run.
func refuseUnknownSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		refuseUnknownSubcommands(c)
	}
	if !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	cmd.SuggestionsMinimumDistance = 2 // cobra's default, which it sets on the root only
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return fmt.Errorf("%s ('%s --help' lists its commands)", msg, cmd.CommandPath())
	}
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
