package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/jackc/pgx/v5"
)

// SmartCareStore implements smartcare.Store.
type SmartCareStore struct {
	db *DB
	// partitions remembers the (tenant, day) partitions of
	// smartcare_records known to exist, so that ingest checks the
	// registry once per day, not once per batch.
	partitions sync.Map
}

// NewSmartCareStore returns the SmartCare store of db.
func NewSmartCareStore(db *DB) *SmartCareStore { return &SmartCareStore{db: db} }

var _ smartcare.Store = (*SmartCareStore)(nil)

func fromNullTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// bumpConfig and bumpRules advance a tenant's change counters inside the
// transaction that changes what they count.
func bumpConfig(ctx context.Context, tx pgx.Tx, tenantID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO smartcare_versions (tenant_id, config_version) VALUES ($1, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET config_version = smartcare_versions.config_version + 1`, tenantID)
	return err
}

func bumpRules(ctx context.Context, tx pgx.Tx, tenantID string) error {
	_, err := tx.Exec(ctx, `INSERT INTO smartcare_versions (tenant_id, rules_version) VALUES ($1, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET rules_version = smartcare_versions.rules_version + 1`, tenantID)
	return err
}

// snapshotTx runs fn in a read-only repeatable-read transaction: one
// snapshot of the database.
func (s *SmartCareStore) snapshotTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return translate(pgx.BeginTxFunc(ctx, s.db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn))
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const versionsQuery = `SELECT config_version, rules_version FROM smartcare_versions WHERE tenant_id = $1`

func versions(ctx context.Context, q queryRower, tenantID string) (smartcare.Versions, error) {
	return scanVersions(q.QueryRow(ctx, versionsQuery, tenantID))
}

// scanVersions reads the row of versionsQuery: zeros for a tenant that
// never wrote any.
func scanVersions(row pgx.Row) (smartcare.Versions, error) {
	var v smartcare.Versions
	err := row.Scan(&v.Config, &v.Rules)
	if errors.Is(err, pgx.ErrNoRows) {
		return smartcare.Versions{}, nil
	}
	return v, err
}

// Versions returns the tenant's change counters.
func (s *SmartCareStore) Versions(ctx context.Context, tenantID string) (smartcare.Versions, error) {
	v, err := versions(ctx, s.db.pool, tenantID)
	return v, translate(err)
}

// LoadConfig reads the tenant's settings and scenes in one snapshot.
func (s *SmartCareStore) LoadConfig(ctx context.Context, tenantID string) (smartcare.Config, error) {
	var c smartcare.Config
	err := s.snapshotTx(ctx, func(tx pgx.Tx) error {
		v, err := versions(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		c.Version = v.Config
		st, err := getSettings(ctx, tx, tenantID)
		switch {
		case err == nil:
			c.Settings = &st
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		c.Scenes, err = listScenes(ctx, tx, tenantID)
		return err
	})
	return c, err
}

// LoadRules reads every rule of the tenant in one snapshot.
func (s *SmartCareStore) LoadRules(ctx context.Context, tenantID string) (int64, []smartcare.FaultRule, error) {
	var version int64
	var rules []smartcare.FaultRule
	err := s.snapshotTx(ctx, func(tx pgx.Tx) error {
		v, err := versions(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		version = v.Rules
		rows, err := tx.Query(ctx, `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = $1 ORDER BY id`, tenantID)
		if err != nil {
			return err
		}
		rules, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (smartcare.FaultRule, error) { return scanRule(r) })
		return err
	})
	return version, rules, err
}

func getSettings(ctx context.Context, q queryRower, tenantID string) (smartcare.Settings, error) {
	var st smartcare.Settings
	var backtrace int64
	err := q.QueryRow(ctx, `SELECT default_backtrace_s, time_zone, retention_days FROM smartcare_settings WHERE tenant_id = $1`,
		tenantID).Scan(&backtrace, &st.TimeZone, &st.RetentionDays)
	st.DefaultBacktrace = time.Duration(backtrace) * time.Second
	return st, err
}

// GetSettings returns the tenant's settings, ErrNotFound when never set.
func (s *SmartCareStore) GetSettings(ctx context.Context, tenantID string) (smartcare.Settings, error) {
	st, err := getSettings(ctx, s.db.pool, tenantID)
	return st, translate(err)
}

// UpdateSettings changes the tenant's settings, the defaults until set.
// The tenant's row of smartcare_versions, locked first, keeps two first
// writes of the settings from both reading the defaults.
func (s *SmartCareStore) UpdateSettings(ctx context.Context, tenantID string, now time.Time, change func(smartcare.Settings) (smartcare.Settings, error)) (smartcare.Settings, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (smartcare.Settings, error) {
		if err := bumpConfig(ctx, tx, tenantID); err != nil {
			return smartcare.Settings{}, err
		}
		st, err := getSettings(ctx, tx, tenantID)
		if errors.Is(err, pgx.ErrNoRows) {
			return smartcare.DefaultSettings(), nil
		}
		return st, err
	}, change, func(tx pgx.Tx, _, st smartcare.Settings) error {
		_, err := tx.Exec(ctx, `INSERT INTO smartcare_settings (tenant_id, default_backtrace_s, time_zone, retention_days, updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (tenant_id) DO UPDATE SET default_backtrace_s = excluded.default_backtrace_s,
				time_zone = excluded.time_zone, retention_days = excluded.retention_days, updated_at = excluded.updated_at`,
			tenantID, int64(st.DefaultBacktrace/time.Second), st.TimeZone, st.RetentionDays, now)
		return err
	})
}

const sceneColumns = `tenant_id, id, name, scene_codes, created_at, updated_at`

func scanScene(row pgx.Row) (smartcare.Scene, error) {
	var sc smartcare.Scene
	if err := row.Scan(&sc.TenantID, &sc.ID, &sc.Name, &sc.SceneCodes, &sc.CreatedAt, &sc.UpdatedAt); err != nil {
		return smartcare.Scene{}, err
	}
	sc.CreatedAt, sc.UpdatedAt = sc.CreatedAt.UTC(), sc.UpdatedAt.UTC()
	return sc, nil
}

func listScenes(ctx context.Context, tx pgx.Tx, tenantID string) ([]smartcare.Scene, error) {
	rows, err := tx.Query(ctx, `SELECT `+sceneColumns+` FROM smartcare_scenes WHERE tenant_id = $1 ORDER BY id`, tenantID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (smartcare.Scene, error) { return scanScene(r) })
}

// CreateScene inserts a scene.
func (s *SmartCareStore) CreateScene(ctx context.Context, sc smartcare.Scene) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO smartcare_scenes (`+sceneColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
			sc.TenantID, sc.ID, sc.Name, sc.SceneCodes, sc.CreatedAt, sc.UpdatedAt)
		if err != nil {
			return err
		}
		return bumpConfig(ctx, tx, sc.TenantID)
	})
}

// UpdateScene changes a scene's name and codes.
func (s *SmartCareStore) UpdateScene(ctx context.Context, tenantID, id string, change func(smartcare.Scene) (smartcare.Scene, error)) (smartcare.Scene, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (smartcare.Scene, error) {
		return scanScene(tx.QueryRow(ctx, `SELECT `+sceneColumns+` FROM smartcare_scenes WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, id))
	}, change, func(tx pgx.Tx, _, sc smartcare.Scene) error {
		if _, err := tx.Exec(ctx, `UPDATE smartcare_scenes SET name = $1, scene_codes = $2, updated_at = $3 WHERE tenant_id = $4 AND id = $5`,
			sc.Name, sc.SceneCodes, sc.UpdatedAt, tenantID, id); err != nil {
			return err
		}
		return bumpConfig(ctx, tx, tenantID)
	})
}

// DeleteScene removes a scene.
func (s *SmartCareStore) DeleteScene(ctx context.Context, tenantID, id string) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM smartcare_scenes WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return aiccd.ErrNotFound
		}
		return bumpConfig(ctx, tx, tenantID)
	})
}

// GetScene returns one scene.
func (s *SmartCareStore) GetScene(ctx context.Context, tenantID, id string) (smartcare.Scene, error) {
	sc, err := scanScene(s.db.pool.QueryRow(ctx, `SELECT `+sceneColumns+` FROM smartcare_scenes WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	return sc, translate(err)
}

// ListScenes returns the tenant's scenes by ID.
func (s *SmartCareStore) ListScenes(ctx context.Context, tenantID string) ([]smartcare.Scene, error) {
	var out []smartcare.Scene
	err := s.snapshotTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = listScenes(ctx, tx, tenantID)
		return err
	})
	return out, err
}

const ruleColumns = `id, tenant_id, scene_code, reflection_rule, active_from, active_until, description, created_at, updated_at`

func scanRule(row pgx.Row) (smartcare.FaultRule, error) {
	var r smartcare.FaultRule
	var text string
	var until *time.Time
	if err := row.Scan(&r.ID, &r.TenantID, &r.SceneCode, &text, &r.ActiveFrom, &until, &r.Description, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return smartcare.FaultRule{}, err
	}
	refl, err := smartcare.ParseReflectionRule(text)
	if err != nil {
		return smartcare.FaultRule{}, err
	}
	r.Rule = refl
	r.ActiveFrom, r.ActiveUntil = r.ActiveFrom.UTC(), fromNullTime(until)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// CreateRules inserts rules in one transaction, by COPY.
func (s *SmartCareStore) CreateRules(ctx context.Context, rules []smartcare.FaultRule) error {
	if len(rules) == 0 {
		return nil
	}
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		tenants := map[string]bool{}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"smartcare_rules"},
			[]string{"id", "tenant_id", "scene_code", "reflection_rule", "active_from", "active_until", "description", "created_at", "updated_at"},
			pgx.CopyFromSlice(len(rules), func(i int) ([]any, error) {
				r := rules[i]
				tenants[r.TenantID] = true
				return []any{r.ID, r.TenantID, r.SceneCode, r.Rule.String(), r.ActiveFrom, nullTime(r.ActiveUntil), r.Description,
					r.CreatedAt, r.UpdatedAt}, nil
			}))
		if err != nil {
			return err
		}
		for t := range tenants {
			if err := bumpRules(ctx, tx, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// UpdateRule changes a rule's fields.
func (s *SmartCareStore) UpdateRule(ctx context.Context, tenantID string, id int64, change func(smartcare.FaultRule) (smartcare.FaultRule, error)) (smartcare.FaultRule, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (smartcare.FaultRule, error) {
		return scanRule(tx.QueryRow(ctx, `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, id))
	}, change, func(tx pgx.Tx, _, r smartcare.FaultRule) error {
		if _, err := tx.Exec(ctx, `UPDATE smartcare_rules SET scene_code = $1, reflection_rule = $2, active_from = $3, active_until = $4,
			description = $5, updated_at = $6 WHERE tenant_id = $7 AND id = $8`,
			r.SceneCode, r.Rule.String(), r.ActiveFrom, nullTime(r.ActiveUntil), r.Description, r.UpdatedAt, tenantID, id); err != nil {
			return err
		}
		return bumpRules(ctx, tx, tenantID)
	})
}

// DeleteRule removes a rule.
func (s *SmartCareStore) DeleteRule(ctx context.Context, tenantID string, id int64) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM smartcare_rules WHERE tenant_id = $1 AND id = $2`, tenantID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return aiccd.ErrNotFound
		}
		return bumpRules(ctx, tx, tenantID)
	})
}

// GetRule returns one rule.
func (s *SmartCareStore) GetRule(ctx context.Context, tenantID string, id int64) (smartcare.FaultRule, error) {
	r, err := scanRule(s.db.pool.QueryRow(ctx, `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	return r, translate(err)
}

// ListRules returns a page of rules by ID.
func (s *SmartCareStore) ListRules(ctx context.Context, tenantID string, f smartcare.RuleFilter) ([]smartcare.FaultRule, error) {
	// One statement per shape: a prepared "($3 = '' OR scene_code = $3)"
	// gets a generic plan that walks the tenant's rules by ID whatever
	// the scene code, reading most of 100,000 rules for a rare one.
	q, args := `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		[]any{tenantID, f.AfterID, f.Limit}
	if f.SceneCode != "" {
		q = `SELECT ` + ruleColumns + ` FROM smartcare_rules WHERE tenant_id = $1 AND id > $2 AND scene_code = $4 ORDER BY id LIMIT $3`
		args = append(args, f.SceneCode)
	}
	rows, err := s.db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	rules, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (smartcare.FaultRule, error) { return scanRule(r) })
	return rules, translate(err)
}
