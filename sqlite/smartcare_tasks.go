package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/aiccd/aiccd"
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

// CreateTask inserts a queued task within its tenant's quota.
func (s *SmartCareStore) CreateTask(ctx context.Context, t smartcare.Task, maxUnfinished int) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := takeQuota(ctx, tx, t.TenantID, maxUnfinished); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO smartcare_tasks (id, tenant_id, msisdn, fault_time, scene_id, window_from, window_to,
			session_id, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
			t.ID, t.TenantID, t.MSISDN, ms(t.FaultTime), t.SceneID, ms(t.From), ms(t.To), t.SessionID, string(t.Status),
			ms(t.CreatedAt), ms(t.UpdatedAt))
		return err
	})
}

// takeQuota counts one more unfinished task of the tenant, or returns
// ErrTaskQuota when it has max already.
func takeQuota(ctx context.Context, tx *sql.Tx, tenantID string, max int) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO smartcare_task_queues (tenant_id, unfinished) VALUES (?, 1)
		ON CONFLICT (tenant_id) DO UPDATE SET unfinished = unfinished + 1 WHERE unfinished < ?`, tenantID, max)
	if err := affected(res, err); err != aiccd.ErrNotFound {
		return err
	}
	return smartcare.ErrTaskQuota
}

// GetTask returns one task.
func (s *SmartCareStore) GetTask(ctx context.Context, tenantID string, id int64) (smartcare.Task, error) {
	t, err := scanTask(s.db.read.QueryRowContext(ctx, `SELECT `+taskColumns+` FROM smartcare_tasks WHERE tenant_id = ? AND id = ?`, tenantID, id))
	return t, translate(err)
}

// ClaimTask takes the oldest claimable task of the tenant served longest
// ago. SQLite has one writer, and the write transaction is taken up front
// (BEGIN IMMEDIATE), so no two workers, in this process or another, can
// claim the same task.
func (s *SmartCareStore) ClaimTask(ctx context.Context, claim int64, now, leaseUntil time.Time) (smartcare.Task, error) {
	var t smartcare.Task
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		tenants, err := waitingTenants(ctx, tx)
		if err != nil {
			return err
		}
		for _, tenantID := range tenants {
			t, err = scanTask(tx.QueryRowContext(ctx, `UPDATE smartcare_tasks
				SET status = 'running', claim = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
				WHERE id = (SELECT id FROM smartcare_tasks
					WHERE tenant_id = ? AND status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until <= ?)
					ORDER BY id LIMIT 1)
				RETURNING `+taskColumns, claim, ms(leaseUntil), ms(now), tenantID, ms(now)))
			if err == sql.ErrNoRows {
				continue // its tasks are all running or waiting for a retry
			}
			if err != nil {
				return err
			}
			// max: a replica's claim that lands after a later one must
			// not move the tenant back to the front.
			_, err = tx.ExecContext(ctx, `UPDATE smartcare_task_queues SET served = max(served, ?) WHERE tenant_id = ?`, claim, tenantID)
			return err
		}
		return sql.ErrNoRows
	})
	return t, err
}

// waitingTenants lists the tenants with unfinished tasks, the one whose
// task was claimed longest ago first.
func waitingTenants(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT tenant_id FROM smartcare_task_queues WHERE unfinished > 0 ORDER BY served, tenant_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// FinishTask stores a task's outcome if claim still owns it; a finished
// or failed task leaves its tenant's quota.
func (s *SmartCareStore) FinishTask(ctx context.Context, t smartcare.Task, claim int64) error {
	matches, err := smartcare.EncodeMatches(t.Matches)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE smartcare_tasks SET status = ?, matches = ?, error = ?, updated_at = ?,
			finished_at = ?, lease_until = ?, claim = NULL WHERE id = ? AND claim = ?`,
			string(t.Status), matches, t.Error, ms(t.UpdatedAt), nullMS(t.FinishedAt), nullMS(t.LeaseUntil), t.ID, claim)
		if err := affected(res, err); err != nil {
			return err
		}
		if t.Status == smartcare.TaskQueued || t.Status == smartcare.TaskRunning {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE smartcare_task_queues SET unfinished = unfinished - 1 WHERE tenant_id = ?`, t.TenantID)
		return err
	})
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
