package smartcare

import (
	"context"
	"time"
)

// Store persists SmartCare data. Every write of settings or scenes bumps
// the tenant's config version, every write of rules its rules version, in
// the same transaction: that is how each aiccd replica knows, with one
// cheap read, whether its in-memory copy is still current.
//
// Lookups of a missing object return aiccd.ErrNotFound; creating an
// existing one aiccd.ErrConflict. Update methods read the object, pass it
// to change and store what change returns, in one transaction that keeps
// concurrent updates of the object out; they return what they stored, or
// change's error with nothing stored.
type Store interface {
	// Versions returns the tenant's current versions (zeros for a tenant
	// that never wrote any).
	Versions(ctx context.Context, tenantID string) (Versions, error)
	// VersionedRecords is Versions and Records together, in one round
	// trip where the engine can: a query checks that its cached rules are
	// current while it reads the records.
	VersionedRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time, limit int) (Versions, []Record, error)
	// LoadConfig returns the tenant's settings (nil when it never set
	// any), scenes and config version, read in one snapshot.
	LoadConfig(ctx context.Context, tenantID string) (Config, error)
	// LoadRules returns every rule of the tenant and the rules version,
	// read in one snapshot.
	LoadRules(ctx context.Context, tenantID string) (int64, []FaultRule, error)

	GetSettings(ctx context.Context, tenantID string) (Settings, error)
	// UpdateSettings passes change the tenant's settings, DefaultSettings
	// when it never set any, and stores the result as changed at now.
	UpdateSettings(ctx context.Context, tenantID string, now time.Time, change func(Settings) (Settings, error)) (Settings, error)

	CreateScene(ctx context.Context, s Scene) error
	// UpdateScene stores the Name, SceneCodes and UpdatedAt change
	// returns.
	UpdateScene(ctx context.Context, tenantID, id string, change func(Scene) (Scene, error)) (Scene, error)
	DeleteScene(ctx context.Context, tenantID, id string) error
	GetScene(ctx context.Context, tenantID, id string) (Scene, error)
	ListScenes(ctx context.Context, tenantID string) ([]Scene, error)

	// CreateRules inserts rules, all or none. A rule with the same scene
	// code, reflection rule and activeFrom as an existing one of the
	// tenant is a conflict.
	CreateRules(ctx context.Context, rules []FaultRule) error
	// UpdateRule stores every field change returns but the ID, tenant and
	// creation time.
	UpdateRule(ctx context.Context, tenantID string, id int64, change func(FaultRule) (FaultRule, error)) (FaultRule, error)
	DeleteRule(ctx context.Context, tenantID string, id int64) error
	GetRule(ctx context.Context, tenantID string, id int64) (FaultRule, error)
	ListRules(ctx context.Context, tenantID string, f RuleFilter) ([]FaultRule, error)

	RecordStore
	TaskStore
}

// RecordStore holds the subscriber records.
type RecordStore interface {
	// AppendRecords adds records of one tenant, all or none.
	AppendRecords(ctx context.Context, tenantID string, recs []Record) error
	// Records returns the tenant's records of msisdn whose event time is
	// in [from, to], earliest first, at most limit of them.
	Records(ctx context.Context, tenantID, msisdn string, from, to time.Time, limit int) ([]Record, error)
	// DeleteRecordsBefore deletes a bounded amount of the tenant's records
	// older than horizon and returns how many it deleted; 0 means nothing
	// is left to delete. It deletes at least every record of a UTC day
	// that ends at or before horizon and never one at or after horizon;
	// records in between may stay until a later call (the queries ignore
	// them).
	DeleteRecordsBefore(ctx context.Context, tenantID string, horizon time.Time, limit int) (int64, error)
	// RecordTenants lists the tenants that have records.
	RecordTenants(ctx context.Context) ([]string, error)
}

// TaskStore holds the delimitation tasks.
type TaskStore interface {
	// CreateTask inserts a queued task, unless its tenant has
	// maxUnfinished tasks queued or running already: then it returns
	// ErrTaskQuota. The count and the insert are atomic.
	CreateTask(ctx context.Context, t Task, maxUnfinished int) error
	GetTask(ctx context.Context, tenantID string, id int64) (Task, error)
	// ClaimTask marks a claimable task (queued, or running with an
	// expired lease) as running by claim until leaseUntil, and returns
	// it; aiccd.ErrNotFound when there is none. Tenants take turns: the
	// task is the oldest of the tenant whose task was claimed longest
	// ago (never, for a tenant's first), so a tenant's one task waits for
	// at most one claim per other tenant with tasks, however many those
	// have queued. Two callers never claim the same task at once. Claim
	// IDs grow with time.
	ClaimTask(ctx context.Context, claim int64, now, leaseUntil time.Time) (Task, error)
	// FinishTask records the outcome of a task claimed by claim: queued
	// again, finished or failed, the latter two taking it off its
	// tenant's quota. It returns aiccd.ErrNotFound when the claim is no
	// longer the task's (its lease expired and another worker took it
	// over).
	FinishTask(ctx context.Context, t Task, claim int64) error
	// DeleteTasksBefore deletes finished tasks that finished before t.
	DeleteTasksBefore(ctx context.Context, t time.Time) (int64, error)
}

// Versions are a tenant's change counters.
type Versions struct {
	Config int64 // settings and scenes
	Rules  int64 // fault rules
}

// Config is a tenant's settings and scenes at one config version.
type Config struct {
	Version  int64
	Settings *Settings // nil: the defaults
	Scenes   []Scene
}
