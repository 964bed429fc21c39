package cli

import (
	"fmt"
	"net"
	"time"

	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/spf13/cobra"
)

func newServeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the APIs",
		Long: "Serve the APIs on --addr until SIGINT or SIGTERM, then let requests in flight finish.\n" +
			"The database is migrated at start-up. With --demo, the public demo dataset is loaded.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig(cmd)
			if err != nil {
				return err
			}
			return e.serve(cmd, cfg)
		},
	}
	config.AddFlags(cmd.Flags(), "addr", "demo", "shutdown-timeout", "read-header-timeout", "read-timeout",
		"write-timeout", "idle-timeout", "max-body-bytes", "max-header-bytes")
	return cmd
}

func (e *env) serve(cmd *cobra.Command, cfg config.Config) error {
	start := time.Now()
	ctx := cmd.Context()
	logger := e.newLogger(cfg)
	logger.Debug("configuration", "config", cfg)

	a, err := openApp(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer a.Close()

	if cfg.Demo {
		if err := demo.Load(ctx, demo.Services{Tenants: a.tenants, AccessCodes: a.accessCodes}, logger); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		demo.PrintCredentials(e.stdout)
	}

	srv := httpapi.New(httpapi.Options{
		Logger:       logger,
		DB:           a.db,
		Clock:        a.clock,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	logger.Info("listening", "addr", ln.Addr().String(), "engine", a.db.Engine, "demo", cfg.Demo,
		"startup_ms", time.Since(start).Milliseconds())
	return httpapi.Serve(ctx, ln, srv, httpapi.ServeOptions{
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ShutdownTimeout:   cfg.ShutdownTimeout,
	}, logger)
}
