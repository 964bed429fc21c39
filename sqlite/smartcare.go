package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
)

// SmartCareStore implements smartcare.Store.
type SmartCareStore struct {
	db *DB

	mu          sync.Mutex
	recordStmts map[int]*sql.Stmt // the look-up of records, by number of hours
	tenantsSeen sync.Map          // tenants known to be in smartcare_record_tenants
}

// NewSmartCareStore returns the SmartCare store of db.
func NewSmartCareStore(db *DB) *SmartCareStore {
	return &SmartCareStore{db: db, recordStmts: map[int]*sql.Stmt{}}
}

var _ smartcare.Store = (*SmartCareStore)(nil)

func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// bumpConfig and bumpRules advance a tenant's change counters inside the
// transaction that changes what they count.
func bumpConfig(ctx context.Context, tx *sql.Tx, tenantID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO smartcare_versions (tenant_id, config_version) VALUES (?, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET config_version = config_version + 1`, tenantID)
	return err
}

func bumpRules(ctx context.Context, tx *sql.Tx, tenantID string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO smartcare_versions (tenant_id, rules_version) VALUES (?, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET rules_version = rules_version + 1`, tenantID)
	return err
}

// Versions returns the tenant's change counters.
func (s *SmartCareStore) Versions(ctx context.Context, tenantID string) (smartcare.Versions, error) {
	v, err := versionsIn(ctx, s.db.read, tenantID)
	return v, translate(err)
}

// readTx runs fn in one read transaction: one snapshot of the database.
func (s *SmartCareStore) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	return translate(fn(tx))
}

// versionsIn reads the tenant's change counters through q, zeros for a
// tenant that never wrote any.
func versionsIn(ctx context.Context, q queryRower, tenantID string) (smartcare.Versions, error) {
	var v smartcare.Versions
	err := q.QueryRowContext(ctx, `SELECT config_version, rules_version FROM smartcare_versions WHERE tenant_id = ?`,
		tenantID).Scan(&v.Config, &v.Rules)
	if err == sql.ErrNoRows {
		return smartcare.Versions{}, nil
	}
	return v, err
}

// LoadConfig reads the tenant's settings and scenes in one snapshot.
func (s *SmartCareStore) LoadConfig(ctx context.Context, tenantID string) (smartcare.Config, error) {
	var c smartcare.Config
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		v, err := versionsIn(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		c.Version = v.Config
		st, err := getSettings(ctx, tx, tenantID)
		switch {
		case err == nil:
			c.Settings = &st
		case err != sql.ErrNoRows:
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
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		v, err := versionsIn(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		version = v.Rules
		rows, err := tx.QueryContext(ctx, `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = ? ORDER BY id`, tenantID)
		if err != nil {
			return err
		}
		rules, err = scanRules(rows)
		return err
	})
	return version, rules, err
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getSettings(ctx context.Context, q queryRower, tenantID string) (smartcare.Settings, error) {
	var st smartcare.Settings
	var backtrace int64
	err := q.QueryRowContext(ctx, `SELECT default_backtrace_s, time_zone, retention_days FROM smartcare_settings WHERE tenant_id = ?`,
		tenantID).Scan(&backtrace, &st.TimeZone, &st.RetentionDays)
	st.DefaultBacktrace = time.Duration(backtrace) * time.Second
	return st, err
}

// GetSettings returns the tenant's settings, ErrNotFound when never set.
func (s *SmartCareStore) GetSettings(ctx context.Context, tenantID string) (smartcare.Settings, error) {
	st, err := getSettings(ctx, s.db.read, tenantID)
	return st, translate(err)
}

// UpdateSettings changes the tenant's settings, the defaults until set.
func (s *SmartCareStore) UpdateSettings(ctx context.Context, tenantID string, now time.Time, change func(smartcare.Settings) (smartcare.Settings, error)) (smartcare.Settings, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (smartcare.Settings, error) {
		st, err := getSettings(ctx, tx, tenantID)
		if err == sql.ErrNoRows {
			return smartcare.DefaultSettings(), nil
		}
		return st, err
	}, change, func(tx *sql.Tx, _, st smartcare.Settings) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO smartcare_settings (tenant_id, default_backtrace_s, time_zone, retention_days, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id) DO UPDATE SET default_backtrace_s = excluded.default_backtrace_s,
				time_zone = excluded.time_zone, retention_days = excluded.retention_days, updated_at = excluded.updated_at`,
			tenantID, int64(st.DefaultBacktrace/time.Second), st.TimeZone, st.RetentionDays, ms(now))
		if err != nil {
			return err
		}
		return bumpConfig(ctx, tx, tenantID)
	})
}

const sceneColumns = `tenant_id, id, name, scene_codes, created_at, updated_at`

func scanScene(row interface{ Scan(...any) error }) (smartcare.Scene, error) {
	var sc smartcare.Scene
	var codes string
	var created, updated int64
	if err := row.Scan(&sc.TenantID, &sc.ID, &sc.Name, &codes, &created, &updated); err != nil {
		return smartcare.Scene{}, err
	}
	sc.SceneCodes = strings.Split(codes, ",")
	sc.CreatedAt, sc.UpdatedAt = fromMS(created), fromMS(updated)
	return sc, nil
}

func listScenes(ctx context.Context, tx *sql.Tx, tenantID string) ([]smartcare.Scene, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+sceneColumns+` FROM smartcare_scenes WHERE tenant_id = ? ORDER BY id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []smartcare.Scene
	for rows.Next() {
		sc, err := scanScene(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// CreateScene inserts a scene.
func (s *SmartCareStore) CreateScene(ctx context.Context, sc smartcare.Scene) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO smartcare_scenes (`+sceneColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			sc.TenantID, sc.ID, sc.Name, strings.Join(sc.SceneCodes, ","), ms(sc.CreatedAt), ms(sc.UpdatedAt))
		if err != nil {
			return err
		}
		return bumpConfig(ctx, tx, sc.TenantID)
	})
}

// UpdateScene changes a scene's name and codes.
func (s *SmartCareStore) UpdateScene(ctx context.Context, tenantID, id string, change func(smartcare.Scene) (smartcare.Scene, error)) (smartcare.Scene, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (smartcare.Scene, error) {
		return scanScene(tx.QueryRowContext(ctx, `SELECT `+sceneColumns+` FROM smartcare_scenes WHERE tenant_id = ? AND id = ?`, tenantID, id))
	}, change, func(tx *sql.Tx, _, sc smartcare.Scene) error {
		if _, err := tx.ExecContext(ctx, `UPDATE smartcare_scenes SET name = ?, scene_codes = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			sc.Name, strings.Join(sc.SceneCodes, ","), ms(sc.UpdatedAt), tenantID, id); err != nil {
			return err
		}
		return bumpConfig(ctx, tx, tenantID)
	})
}

// DeleteScene removes a scene.
func (s *SmartCareStore) DeleteScene(ctx context.Context, tenantID, id string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM smartcare_scenes WHERE tenant_id = ? AND id = ?`, tenantID, id)
		if err := affected(res, err); err != nil {
			return err
		}
		return bumpConfig(ctx, tx, tenantID)
	})
}

// affected turns an update or delete of no row into ErrNotFound.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return aiccd.ErrNotFound
	}
	return nil
}

// GetScene returns one scene.
func (s *SmartCareStore) GetScene(ctx context.Context, tenantID, id string) (smartcare.Scene, error) {
	sc, err := scanScene(s.db.read.QueryRowContext(ctx, `SELECT `+sceneColumns+` FROM smartcare_scenes WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return sc, translate(err)
}

// ListScenes returns the tenant's scenes by ID.
func (s *SmartCareStore) ListScenes(ctx context.Context, tenantID string) ([]smartcare.Scene, error) {
	var out []smartcare.Scene
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = listScenes(ctx, tx, tenantID)
		return err
	})
	return out, err
}

const ruleColumns = `id, tenant_id, scene_code, reflection_rule, active_from, active_until, description, created_at, updated_at`

func scanRule(row interface{ Scan(...any) error }) (smartcare.FaultRule, error) {
	var r smartcare.FaultRule
	var text string
	var from, created, updated int64
	var until sql.NullInt64
	if err := row.Scan(&r.ID, &r.TenantID, &r.SceneCode, &text, &from, &until, &r.Description, &created, &updated); err != nil {
		return smartcare.FaultRule{}, err
	}
	refl, err := smartcare.ParseReflectionRule(text)
	if err != nil {
		return smartcare.FaultRule{}, err
	}
	r.Rule = refl
	r.ActiveFrom, r.ActiveUntil = fromMS(from), fromNullMS(until)
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return r, nil
}

func scanRules(rows *sql.Rows) ([]smartcare.FaultRule, error) {
	defer rows.Close()
	var out []smartcare.FaultRule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateRules inserts rules in one transaction.
func (s *SmartCareStore) CreateRules(ctx context.Context, rules []smartcare.FaultRule) error {
	if len(rules) == 0 {
		return nil
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO smartcare_rules (`+ruleColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		tenants := map[string]bool{}
		for _, r := range rules {
			if _, err := stmt.ExecContext(ctx, r.ID, r.TenantID, r.SceneCode, r.Rule.String(), ms(r.ActiveFrom), nullMS(r.ActiveUntil),
				r.Description, ms(r.CreatedAt), ms(r.UpdatedAt)); err != nil {
				return err
			}
			tenants[r.TenantID] = true
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
	return update(ctx, s.db, func(tx *sql.Tx) (smartcare.FaultRule, error) {
		return scanRule(tx.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = ? AND id = ?`, tenantID, id))
	}, change, func(tx *sql.Tx, _, r smartcare.FaultRule) error {
		if _, err := tx.ExecContext(ctx, `UPDATE smartcare_rules SET scene_code = ?, reflection_rule = ?, active_from = ?, active_until = ?,
			description = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			r.SceneCode, r.Rule.String(), ms(r.ActiveFrom), nullMS(r.ActiveUntil), r.Description, ms(r.UpdatedAt), tenantID, id); err != nil {
			return err
		}
		return bumpRules(ctx, tx, tenantID)
	})
}

// DeleteRule removes a rule.
func (s *SmartCareStore) DeleteRule(ctx context.Context, tenantID string, id int64) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM smartcare_rules WHERE tenant_id = ? AND id = ?`, tenantID, id)
		if err := affected(res, err); err != nil {
			return err
		}
		return bumpRules(ctx, tx, tenantID)
	})
}

// GetRule returns one rule.
func (s *SmartCareStore) GetRule(ctx context.Context, tenantID string, id int64) (smartcare.FaultRule, error) {
	r, err := scanRule(s.db.read.QueryRowContext(ctx, `SELECT `+ruleColumns+` FROM smartcare_rules WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return r, translate(err)
}

// ListRules returns a page of rules by ID.
func (s *SmartCareStore) ListRules(ctx context.Context, tenantID string, f smartcare.RuleFilter) ([]smartcare.FaultRule, error) {
	q := `SELECT ` + ruleColumns + ` FROM smartcare_rules WHERE tenant_id = ? AND id > ?`
	args := []any{tenantID, f.AfterID}
	if f.SceneCode != "" {
		q += ` AND scene_code = ?`
		args = append(args, f.SceneCode)
	}
	q += ` ORDER BY id LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	rules, err := scanRules(rows)
	return rules, translate(err)
}
