package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/console"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/gcfloor"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/prometheus/client_golang/prometheus"
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
	config.AddFlags(cmd.Flags(), "addr", "demo", "shutdown-timeout", "shutdown-delay", "read-header-timeout", "read-timeout",
		"write-timeout", "idle-timeout", "max-body-bytes", "max-import-bytes", "max-header-bytes", "gc-heap-floor-bytes", "admin-token", "console-idle-timeout", "console-session-lifetime", "rate-limit", "rate-burst", "password-concurrency", "tls-cert", "tls-key", "journal-size", "journal-bodies", "cors-origins",
		"partner-mobile-limit", "smartcare-retention-interval", "smartcare-workers", "smartcare-max-queued-tasks")
	return cmd
}

func (e *env) serve(cmd *cobra.Command, cfg config.Config) error {
	start := time.Now()
	ctx := cmd.Context()
	logger := e.newLogger(cfg)
	logger.Debug("configuration", "config", cfg)
	if cfg.GCHeapFloorBytes > 0 {
		defer gcfloor.Start(uint64(cfg.GCHeapFloorBytes))()
	}

	a, err := openApp(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer a.Close()

	if cfg.Demo {
		if err := demo.Load(ctx, demo.Services{Tenants: a.tenants, Credentials: a.credentials, Customers: a.customers,
			SmartCare: a.smartcare, AccessCodes: a.accessCodes}, logger); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		demo.PrintCredentials(e.stdout)
	}

	cors, _ := cfg.CORSOriginList() // validated with the configuration
	registry := prometheus.NewRegistry()
	con := console.New(console.Options{
		Logger: logger, Clock: a.clock, AdminToken: cfg.AdminToken,
		Admins: a.admins, Tenants: a.tenants, Credentials: a.credentials, Faults: a.faults, Journal: a.journal,
		Customers: a.customers, SmartCare: a.smartcare, AccessCodes: a.accessCodes,
		DB: a.db, Metrics: registry, Redis: a.redisPing(), Feed: a.feed, Version: versionString(), Started: start,
	})
	srv := httpapi.New(httpapi.Options{
		Logger:         logger,
		DB:             a.db,
		Clock:          a.clock,
		MaxBodyBytes:   cfg.MaxBodyBytes,
		MaxHeaderBytes: cfg.MaxHeaderBytes,
		AdminToken:     cfg.AdminToken,
		Tenants:        a.tenants,
		Credentials:    a.credentials,
		Feed:           a.feed,
		Faults:         a.faults,
		Journal:        a.journal,
		JournalBodies:  cfg.JournalBodies,
		Customers:      a.customers,
		SmartCare:      a.smartcare,
		AccessCodes:    a.accessCodes,
		Snapshots:      a.snapshots,
		MaxImportBytes: cfg.MaxImportBytes,
		Registry:       registry,
		Console:        con,
		Admins:         a.admins,
		CORSOrigins:    cors,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	// Background work stops after the last request has been answered.
	stopJobs := startJobs(ctx, a, cfg, logger, con)
	defer stopJobs()

	logger.Info("listening", "addr", ln.Addr().String(), "tls", cfg.TLSCert != "", "engine", a.db.Engine, "demo", cfg.Demo,
		"startup_ms", time.Since(start).Milliseconds())
	err = httpapi.Serve(ctx, ln, srv, httpapi.ServeOptions{
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		ShutdownTimeout:   cfg.ShutdownTimeout,
		ShutdownDelay:     cfg.ShutdownDelay,
		TLSCertFile:       cfg.TLSCert,
		TLSKeyFile:        cfg.TLSKey,
	}, logger)
	logger.Info("stopped", "requests_answered", srv.Answered())
	return err
}

// smartCareTaskPoll is how often an idle delimitation worker looks for
// tasks queued by other replicas; tasks queued by this one wake it at once.
const smartCareTaskPoll = time.Second

// startJobs starts the background work of serve: the change feed that
// keeps the read models exact, the purge of expired tokens, the request
// journal, SmartCare retention and the delimitation workers, and the
// console's figures. The returned function stops them and waits
// until they have, so that the database is closed after their last use.
func startJobs(ctx context.Context, a *app, cfg config.Config, logger *slog.Logger, con *console.Console) (stop func()) {
	// The jobs outlive the serving context: requests still in flight
	// during a shutdown need credential caches and the journal.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { a.db.Feed.Follow(ctx, a.feed) })
	wg.Go(func() { a.credentials.Run(ctx) })
	wg.Go(func() { con.Run(ctx) })
	if a.journal != nil {
		wg.Go(func() { a.journal.Run(ctx) })
	}
	if cfg.SmartCareRetentionInterval > 0 {
		wg.Go(func() { a.smartcare.RunRetentionJob(ctx, cfg.SmartCareRetentionInterval, logger) })
	}
	for range cfg.SmartCareWorkers {
		wg.Go(func() { a.smartcare.RunTaskWorker(ctx, smartCareTaskPoll, logger) })
	}
	return func() {
		cancel()
		wg.Wait()
	}
}
