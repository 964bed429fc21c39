package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/tenant"
)

// app is an opened database with the domain services on top of it: what
// serve, admin and import commands work with.
type app struct {
	cfg         config.Config
	logger      *slog.Logger
	clock       aiccd.Clock
	ids         aiccd.IDGenerator
	db          *database.DB
	tenants     *tenant.Service
	accessCodes *accesscode.Service
}

// openApp opens and migrates the configured database and builds the
// services. The caller closes it.
func openApp(ctx context.Context, cfg config.Config, logger *slog.Logger) (*app, error) {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := database.Open(octx, cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", config.MaskURL(cfg.Database), err)
	}
	applied, err := db.Migrate(octx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	if len(applied) > 0 {
		logger.Info("database migrated", "engine", db.Engine, "applied", applied)
	}
	clock := aiccd.SystemClock
	ids, err := snowflake.New(cfg.NodeID, clock)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &app{
		cfg:         cfg,
		logger:      logger,
		clock:       clock,
		ids:         ids,
		db:          db,
		tenants:     tenant.NewService(db.Tenants, clock),
		accessCodes: accesscode.NewService(db.AccessCodes, clock, ids),
	}, nil
}

func (a *app) Close() error { return a.db.Close() }
