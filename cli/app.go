package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/aiccd/aiccd/journal"
	"github.com/aiccd/aiccd/masterkey"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/password"
	"github.com/aiccd/aiccd/redis"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snapshot"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/tenant"
	goredis "github.com/redis/go-redis/v9"
)

// app is an opened database with the domain services on top of it: what
// serve, admin and import commands work with.
type app struct {
	cfg         config.Config
	logger      *slog.Logger
	clock       aiccd.Clock
	db          *database.DB
	feed        *changefeed.Hub // the read models' feed, followed by serve only
	tenants     *tenant.Service
	credentials *credential.Service
	faults      *fault.Service
	journal     *journal.Journal // nil with journal-size 0
	ids         aiccd.IDGenerator
	redis       *goredis.Client // nil without --redis
	customers   *partner.Service
	smartcare   *smartcare.Service
	accessCodes *accesscode.Service
	admins      *admin.Service // console users, sessions and the audit log
	snapshots   *snapshot.Service
}

// openApp opens and migrates the configured database, loads the master
// key and builds the services. Only serve creates a database (create);
// see openDatabase. The caller closes it.
func openApp(ctx context.Context, cfg config.Config, logger *slog.Logger, create bool) (*app, error) {
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := openDatabase(octx, cfg, create)
	if err != nil {
		return nil, err
	}
	// The key after the database: a command pointed at the wrong place
	// must not leave a new key file there either.
	key, err := loadMasterKey(cfg, logger)
	if err != nil {
		db.Close()
		return nil, err
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
	// serve follows the feed (startJobs); admin commands and imports,
	// which run once, never do and so read every entity from the store.
	a := &app{cfg: cfg, logger: logger, clock: clock, db: db, feed: changefeed.NewHub(logger)}
	memGuard := credential.NewMemoryGuard(clock, 100_000, logger)
	var guard credential.Guard = memGuard
	if cfg.Redis != "" {
		if a.redis, err = redis.Open(cfg.Redis); err != nil {
			db.Close()
			return nil, err
		}
		if err := a.redis.Ping(octx).Err(); err != nil {
			logger.Warn("redis unreachable at start; counting lockouts and rate limits in this process until it answers", "err", err)
		}
		guard = redis.NewGuard(a.redis, "", memGuard, logger)
	}
	node := cfg.NodeID
	if node < 0 {
		node = rand.IntN(snowflake.MaxNode + 1)
	}
	if a.ids, err = snowflake.New(node, clock); err != nil {
		a.Close()
		return nil, err
	}
	a.faults = fault.NewService(fault.Options{Store: db.Faults, Clock: clock, IDs: a.ids, Feed: a.feed, Endpoints: httpapi.FaultEndpoints()})
	if cfg.JournalSize > 0 {
		a.journal = journal.New(journal.Options{Store: db.Journal, Size: cfg.JournalSize, Logger: logger, Blinder: key})
	}
	tenantOpts := tenant.Options{Store: db.Tenants, Clock: clock, Keys: key, IDs: a.ids, Feed: a.feed}
	if cfg.Demo {
		tenantOpts.Demo, tenantOpts.FrozenTrial = true, demo.TrialTenantID
	}
	a.tenants = tenant.NewService(tenantOpts)
	a.credentials = credential.NewService(credential.Options{
		Store: db.Credentials, Clock: clock, Sealer: key, Guard: guard, Feed: a.feed, Logger: logger,
		RateLimit: credential.RateLimit{Rate: cfg.RateLimit, Burst: cfg.RateBurst},
		Passwords: password.NewVerifier(cfg.PasswordConcurrency),
	})
	a.customers = partner.NewService(partner.Options{
		Store: db.Customers, Accounts: a.credentials, Clock: clock, Sealer: key, Blinder: key, MobileLimit: cfg.PartnerMobileLimit, Feed: a.feed,
	})
	a.smartcare = smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: a.tenants, Clock: clock, IDs: a.ids, MaxQueuedTasks: cfg.SmartCareMaxQueuedTasks, Feed: a.feed})
	a.accessCodes = accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: clock, IDs: a.ids, Feed: a.feed})
	a.admins = admin.NewService(admin.Options{Store: db.Console, Clock: clock, IDs: a.ids, Passwords: a.credentials, SessionIdle: cfg.ConsoleIdleTimeout, SessionLifetime: cfg.ConsoleSessionLifetime})
	a.snapshots = snapshot.NewService(snapshot.Options{Store: db.Snapshots, Clock: clock, Feed: a.feed})
	if err := a.credentials.CheckMasterKey(octx, key.Check()); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// openDatabase opens the configured database. With create, a database
// that does not exist yet is created (serve, migrate); otherwise its
// absence is an error that says where the command looked and how to point
// it elsewhere, instead of an empty database answering as if nothing had
// been provisioned.
func openDatabase(ctx context.Context, cfg config.Config, create bool) (*database.DB, error) {
	open := database.OpenExisting
	if create {
		open = database.Open
	}
	db, err := open(ctx, cfg.Database)
	if errors.Is(err, database.ErrNoDatabase) {
		return nil, fmt.Errorf("%w (database setting: %s)\n%s", err, config.MaskURL(cfg.Database), noDatabaseHint)
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", config.MaskURL(cfg.Database), err)
	}
	return db, nil
}

// noDatabaseHint follows the error of a command that found no database.
const noDatabaseHint = "Only 'aiccd serve' and 'aiccd migrate' create a database. Point this command at yours with\n" +
	"--database PATH_OR_URL, the AICCD_DATABASE variable, or 'database:' in the configuration file\n" +
	"(--config FILE or AICCD_CONFIG); a relative path is taken from the current directory."

// loadMasterKey returns the configured master key, or the key file's,
// creating the file on first start.
func loadMasterKey(cfg config.Config, logger *slog.Logger) (*masterkey.Key, error) {
	if cfg.MasterKey != "" {
		return masterkey.Parse(cfg.MasterKey)
	}
	path := cfg.MasterKeyPath()
	key, created, err := masterkey.LoadOrCreate(path)
	if err != nil {
		return nil, fmt.Errorf("master key file: %w", err)
	}
	if created {
		logger.Warn("created a new master key file; back it up: secrets sealed with it cannot be recovered without it", "path", path)
	}
	return key, nil
}

// redisPing reports whether Redis answers; nil without Redis.
func (a *app) redisPing() func(context.Context) error {
	if a.redis == nil {
		return nil
	}
	return func(ctx context.Context) error { return a.redis.Ping(ctx).Err() }
}

func (a *app) Close() error {
	if a.redis != nil {
		a.redis.Close()
	}
	return a.db.Close()
}
