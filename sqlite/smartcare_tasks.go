package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/aiccd/aiccd/smartcare"
)

const taskColumns = `id, tenant_id, msisdn, fault_time, scene_id, window_from, window_to, session_id, status, attempts,
	lease_until, matches, error, created_at, updated_at, finished_at`

func scanTask(row interface{ Scan(...any) error }) (smartcare.Task, error) {
	var t smartcare.Task
	var fault, from, to, created, updated int64
	var lease, finished sql.NullInt64
	var status, matches string
	if err := row.Scan(&t.ID, &t.TenantID, &t.MSISDN, &fault, &t.SceneID, &from, &to, &t.SessionID, &status, &t.Attempts,
		&lease, &matches, &t.Error, &created, &updated, &finished); err != nil {
		return smartcare.Task{}, err
	}
	ms, err := smartcare.DecodeMatches(matches, t.MSISDN)
	if err != nil {
		return smartcare.Task{}, err
	}
	t.Status, t.Matches = smartcare.TaskStatus(status), ms
	t.FaultTime, t.From, t.To = fromMS(fault), fromMS(from), fromMS(to)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	t.LeaseUntil, t.FinishedAt = fromNullMS(lease), fromNullMS(finished)
	return t, nil
}

// CreateTask inserts a queued task.
func (s *SmartCareStore) CreateTask(ctx context.Context, t smartcare.Task) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO smartcare_tasks (id, tenant_id, msisdn, fault_time, scene_id, window_from, window_to,
		session_id, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		t.ID, t.TenantID, t.MSISDN, ms(t.FaultTime), t.SceneID, ms(t.From), ms(t.To), t.SessionID, string(t.Status),
		ms(t.CreatedAt), ms(t.UpdatedAt))
	return translate(err)
}

// GetTask returns one task.
func (s *SmartCareStore) GetTask(ctx context.Context, tenantID string, id int64) (smartcare.Task, error) {
	t, err := scanTask(s.db.read.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM smartcare_tasks WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return t, translate(err)
}

// ClaimTask takes the oldest claimable task. SQLite has one writer, and the
// write transaction is taken up front (BEGIN IMMEDIATE), so no two workers,
// in this process or another, can claim the same task.
func (s *SmartCareStore) ClaimTask(ctx context.Context, claim int64, now, leaseUntil time.Time) (smartcare.Task, error) {
	var t smartcare.Task
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanTask(tx.QueryRowContext(ctx, `UPDATE smartcare_tasks
			SET status = 'running', claim = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
			WHERE id = (SELECT id FROM smartcare_tasks
				WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until <= ?)
				ORDER BY id LIMIT 1)
			RETURNING `+taskColumns, claim, ms(leaseUntil), ms(now), ms(now)))
		return err
	})
	return t, err
}

// FinishTask stores a task's outcome if claim still owns it.
func (s *SmartCareStore) FinishTask(ctx context.Context, t smartcare.Task, claim int64) error {
	matches, err := smartcare.EncodeMatches(t.Matches)
	if err != nil {
		return err
	}
	res, err := s.db.write.ExecContext(ctx, `UPDATE smartcare_tasks SET status = ?, matches = ?, error = ?, updated_at = ?,
		finished_at = ?, lease_until = ?, claim = NULL WHERE id = ? AND claim = ?`,
		string(t.Status), matches, t.Error, ms(t.UpdatedAt), nullMS(t.FinishedAt), nullMS(t.LeaseUntil), t.ID, claim)
	if err := affected(res, err); err != nil {
		return translate(err)
	}
	return nil
}

// DeleteTasksBefore deletes tasks that finished before t.
func (s *SmartCareStore) DeleteTasksBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM smartcare_tasks WHERE finished_at IS NOT NULL AND finished_at < ?`, ms(t))
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}
