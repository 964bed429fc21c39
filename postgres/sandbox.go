package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
	"github.com/jackc/pgx/v5"
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
	_, err = s.db.pool.Exec(ctx, `INSERT INTO faults (`+faultColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		f.ID, f.TenantID, f.AppKey, f.Endpoint, f.LatencyMS, f.Status, f.Code, f.Reset, f.Remaining, f.Percent, f.CreatedAt,
		string(f.Body), headers, f.FreeForm, bodyMatch)
	return translate(err)
}

// Faults implements fault.Store.
func (s *SandboxStore) Faults(ctx context.Context) ([]fault.Fault, error) {
	return queryAll(ctx, s.db, func(row pgx.Row) (fault.Fault, error) {
		var f fault.Fault
		var body, headers, bodyMatch string
		err := row.Scan(&f.ID, &f.TenantID, &f.AppKey, &f.Endpoint, &f.LatencyMS, &f.Status, &f.Code, &f.Reset, &f.Remaining, &f.Percent, &f.CreatedAt,
			&body, &headers, &f.FreeForm, &bodyMatch)
		if err != nil {
			return f, translate(err)
		}
		f.CreatedAt = f.CreatedAt.UTC()
		return f, f.DecodeOverride(body, headers, bodyMatch)
	}, `SELECT `+faultColumns+` FROM faults ORDER BY id`)
}

// DeleteFault implements fault.Store.
func (s *SandboxStore) DeleteFault(ctx context.Context, id int64) error {
	return s.db.execOne(ctx, `DELETE FROM faults WHERE id = $1`, id)
}

// ClaimFault implements fault.Store.
func (s *SandboxStore) ClaimFault(ctx context.Context, id int64) (bool, error) {
	tag, err := s.db.pool.Exec(ctx, `UPDATE faults SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0`, id)
	return tag.RowsAffected() == 1, translate(err)
}

// AddEntries implements journal.Store with one COPY.
func (s *SandboxStore) AddEntries(ctx context.Context, es []journal.Entry) error {
	_, err := s.db.pool.CopyFrom(ctx, pgx.Identifier{"request_journal"},
		[]string{"tenant_id", "at", "request_id", "method", "path", "route", "status", "outcome", "duration_ms", "code", "caller",
			"detail", "ignored_keys", "request_body", "response_body", "match_keys"},
		pgx.CopyFromSlice(len(es), func(i int) ([]any, error) {
			e := es[i]
			ignored, keys := e.IgnoredKeys, e.MatchKeys
			if ignored == nil {
				ignored = []string{} // the column is NOT NULL
			}
			if keys == nil {
				keys = []string{}
			}
			return []any{e.TenantID, e.At, e.RequestID, e.Method, e.Path, e.Route, e.Status, e.Outcome, e.DurationMS, e.Code, e.Caller,
				e.Detail, ignored, e.RequestBody, e.ResponseBody, keys}, nil
		}))
	return translate(err)
}

// journalWhere is the WHERE clause of q and its arguments.
func journalWhere(q journal.Query) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	if q.TenantID != "" {
		add("tenant_id = $%d", q.TenantID)
	}
	if q.Route != "" {
		add("route = $%d", q.Route)
	}
	if q.Status != nil {
		add("status = $%d", *q.Status)
	}
	if q.Code != nil {
		add("code = $%d", *q.Code)
	}
	if q.Outcome != nil {
		add("outcome = $%d", *q.Outcome)
	}
	if !q.From.IsZero() {
		add("at >= $%d", q.From)
	}
	if !q.To.IsZero() {
		add("at < $%d", q.To)
	}
	if q.Before > 0 {
		add("id < $%d", q.Before)
	}
	if len(q.Keys) > 0 {
		add("match_keys @> $%d", q.Keys)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Entries implements journal.Store.
func (s *SandboxStore) Entries(ctx context.Context, q journal.Query) ([]journal.Entry, error) {
	where, args := journalWhere(q)
	args = append(args, q.Limit)
	return queryAll(ctx, s.db, func(row pgx.Row) (journal.Entry, error) {
		var e journal.Entry
		err := row.Scan(&e.ID, &e.TenantID, &e.At, &e.RequestID, &e.Method, &e.Path, &e.Route, &e.Status, &e.Outcome, &e.DurationMS,
			&e.Code, &e.Caller, &e.Detail, &e.IgnoredKeys, &e.RequestBody, &e.ResponseBody)
		e.At = e.At.UTC()
		if len(e.IgnoredKeys) == 0 {
			e.IgnoredKeys = nil // as an entry without ignored keys is built
		}
		return e, translate(err)
	}, `SELECT id, tenant_id, at, request_id, method, path, route, status, outcome, duration_ms, code, caller, detail, ignored_keys,
		request_body, response_body FROM request_journal`+where+fmt.Sprintf(` ORDER BY id DESC LIMIT $%d`, len(args)), args...)
}

// CountEntries implements journal.Store.
func (s *SandboxStore) CountEntries(ctx context.Context, q journal.Query) (int, error) {
	where, args := journalWhere(q)
	var n int
	err := s.db.pool.QueryRow(ctx, `SELECT count(*) FROM request_journal`+where, args...).Scan(&n)
	return n, translate(err)
}

// DeleteEntries implements journal.Store.
func (s *SandboxStore) DeleteEntries(ctx context.Context, tenantID string) (int, error) {
	tag, err := s.db.pool.Exec(ctx, `DELETE FROM request_journal WHERE tenant_id = $1`, tenantID)
	return int(tag.RowsAffected()), translate(err)
}

// TrimEntries implements journal.Store.
func (s *SandboxStore) TrimEntries(ctx context.Context, keep int) error {
	_, err := s.db.pool.Exec(ctx, `DELETE FROM request_journal WHERE id IN (
		SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id DESC) AS n FROM request_journal) ranked
		WHERE n > $1)`, keep)
	return translate(err)
}
