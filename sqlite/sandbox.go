package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
)

// SandboxStore implements fault.Store and journal.Store.
type SandboxStore struct{ db *DB }

// NewSandboxStore returns the sandbox store of db.
func NewSandboxStore(db *DB) *SandboxStore { return &SandboxStore{db: db} }

var (
	_ fault.Store   = (*SandboxStore)(nil)
	_ journal.Store = (*SandboxStore)(nil)
)

const faultColumns = `id, tenant_id, app_key, endpoint, latency_ms, status, code, reset, remaining, percent, created_at, body, headers, free_form, body_match`

// CreateFault implements fault.Store.
func (s *SandboxStore) CreateFault(ctx context.Context, f fault.Fault) error {
	headers, bodyMatch, err := f.EncodeOverride()
	if err != nil {
		return err
	}
	_, err = s.db.write.ExecContext(ctx, `INSERT INTO faults (`+faultColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.TenantID, f.AppKey, f.Endpoint, f.LatencyMS, f.Status, f.Code, f.Reset, f.Remaining, f.Percent, ms(f.CreatedAt),
		string(f.Body), headers, f.FreeForm, bodyMatch)
	return translate(err)
}

// Faults implements fault.Store.
func (s *SandboxStore) Faults(ctx context.Context) ([]fault.Fault, error) {
	return queryAll(ctx, s.db, func(row scanner) (fault.Fault, error) {
		var f fault.Fault
		var created int64
		var body, headers, bodyMatch string
		err := row.Scan(&f.ID, &f.TenantID, &f.AppKey, &f.Endpoint, &f.LatencyMS, &f.Status, &f.Code, &f.Reset, &f.Remaining, &f.Percent, &created,
			&body, &headers, &f.FreeForm, &bodyMatch)
		if err != nil {
			return f, translate(err)
		}
		f.CreatedAt = fromMS(created)
		return f, f.DecodeOverride(body, headers, bodyMatch)
	}, `SELECT `+faultColumns+` FROM faults ORDER BY id`)
}

// DeleteFault implements fault.Store.
func (s *SandboxStore) DeleteFault(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, `DELETE FROM faults WHERE id = ?`, id)
}

// ClaimFault implements fault.Store.
func (s *SandboxStore) ClaimFault(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.write.ExecContext(ctx, `UPDATE faults SET remaining = remaining - 1 WHERE id = ? AND remaining > 0`, id)
	if err != nil {
		return false, translate(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AddEntries implements journal.Store.
func (s *SandboxStore) AddEntries(ctx context.Context, es []journal.Entry) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO request_journal (tenant_id, at, request_id, method, path, route,
			status, outcome, duration_ms, code, caller, detail, ignored_keys, request_body, response_body, match_keys)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range es {
			if _, err := stmt.ExecContext(ctx, e.TenantID, ms(e.At), e.RequestID, e.Method, e.Path, e.Route,
				e.Status, e.Outcome, e.DurationMS, e.Code, e.Caller, e.Detail, ignoredKeysText(e.IgnoredKeys), e.RequestBody, e.ResponseBody,
				matchKeysText(e.MatchKeys)); err != nil {
				return err
			}
		}
		return nil
	})
}

// matchKeysText is how request_journal.match_keys holds digests: each
// between spaces, so that instr finds a whole one.
func matchKeysText(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return " " + strings.Join(keys, " ") + " "
}

// journalWhere is the WHERE clause of q and its arguments.
func journalWhere(q journal.Query) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, cond)
		args = append(args, arg)
	}
	if q.TenantID != "" {
		add("tenant_id = ?", q.TenantID)
	}
	if q.Route != "" {
		add("route = ?", q.Route)
	}
	if q.Status != nil {
		add("status = ?", *q.Status)
	}
	if q.Code != nil {
		add("code = ?", *q.Code)
	}
	if q.Outcome != nil {
		add("outcome = ?", *q.Outcome)
	}
	if !q.From.IsZero() {
		add("at >= ?", ms(q.From))
	}
	if !q.To.IsZero() {
		add("at < ?", ms(q.To))
	}
	if q.Before > 0 {
		add("id < ?", q.Before)
	}
	for _, k := range q.Keys {
		add("instr(match_keys, ?) > 0", " "+k+" ")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Entries implements journal.Store.
func (s *SandboxStore) Entries(ctx context.Context, q journal.Query) ([]journal.Entry, error) {
	where, args := journalWhere(q)
	return queryAll(ctx, s.db, func(row scanner) (journal.Entry, error) {
		var e journal.Entry
		var at int64
		var ignored string
		err := row.Scan(&e.ID, &e.TenantID, &at, &e.RequestID, &e.Method, &e.Path, &e.Route, &e.Status, &e.Outcome, &e.DurationMS,
			&e.Code, &e.Caller, &e.Detail, &ignored, &e.RequestBody, &e.ResponseBody)
		if err != nil {
			return e, translate(err)
		}
		e.At = fromMS(at)
		if ignored != "" {
			if err := json.Unmarshal([]byte(ignored), &e.IgnoredKeys); err != nil {
				return e, fmt.Errorf("request_journal.ignored_keys: %w", err)
			}
		}
		return e, nil
	}, `SELECT id, tenant_id, at, request_id, method, path, route, status, outcome, duration_ms, code, caller, detail, ignored_keys,
		request_body, response_body FROM request_journal`+where+` ORDER BY id DESC LIMIT ?`, append(args, q.Limit)...)
}

// CountEntries implements journal.Store.
func (s *SandboxStore) CountEntries(ctx context.Context, q journal.Query) (int, error) {
	where, args := journalWhere(q)
	var n int
	err := s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM request_journal`+where, args...).Scan(&n)
	return n, translate(err)
}

// DeleteEntries implements journal.Store.
func (s *SandboxStore) DeleteEntries(ctx context.Context, tenantID string) (int, error) {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM request_journal WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ignoredKeysText is how request_journal.ignored_keys holds a list: a
// JSON array, or the empty string for none.
func ignoredKeysText(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	b, _ := json.Marshal(keys) // strings always marshal
	return string(b)
}

// TrimEntries implements journal.Store.
func (s *SandboxStore) TrimEntries(ctx context.Context, keep int) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM request_journal WHERE id IN (
		SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id DESC) AS n FROM request_journal)
		WHERE n > ?)`, keep)
	return translate(err)
}
