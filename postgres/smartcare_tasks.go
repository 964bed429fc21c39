package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/jackc/pgx/v5"
)

const taskColumns = `id, tenant_id, msisdn, fault_time, scene_id, window_from, window_to, session_id, status, attempts,
	lease_until, matches, error, created_at, updated_at, finished_at`

func scanTask(row pgx.Row) (smartcare.Task, error) {
	var t smartcare.Task
	var lease, finished *time.Time
	var status, matches string
	if err := row.Scan(&t.ID, &t.TenantID, &t.MSISDN, &t.FaultTime, &t.SceneID, &t.From, &t.To, &t.SessionID, &status, &t.Attempts,
		&lease, &matches, &t.Error, &t.CreatedAt, &t.UpdatedAt, &finished); err != nil {
		return smartcare.Task{}, err
	}
	ms, err := smartcare.DecodeMatches(matches, t.MSISDN)
	if err != nil {
		return smartcare.Task{}, err
	}
	t.Status, t.Matches = smartcare.TaskStatus(status), ms
	t.FaultTime, t.From, t.To = t.FaultTime.UTC(), t.From.UTC(), t.To.UTC()
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.LeaseUntil, t.FinishedAt = fromNullTime(lease), fromNullTime(finished)
	return t, nil
}

// CreateTask inserts a queued task within its tenant's quota. The
// tenant's row of smartcare_task_queues is locked by the increment, so
// concurrent submissions count one after the other.
func (s *SmartCareStore) CreateTask(ctx context.Context, t smartcare.Task, maxUnfinished int) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO smartcare_task_queues (tenant_id, unfinished) VALUES ($1, 1)
			ON CONFLICT (tenant_id) DO UPDATE SET unfinished = smartcare_task_queues.unfinished + 1
			WHERE smartcare_task_queues.unfinished < $2`, t.TenantID, maxUnfinished)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return smartcare.ErrTaskQuota
		}
		_, err = tx.Exec(ctx, `INSERT INTO smartcare_tasks (id, tenant_id, msisdn, fault_time, scene_id, window_from, window_to,
			session_id, status, attempts, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11)`,
			t.ID, t.TenantID, t.MSISDN, t.FaultTime, t.SceneID, t.From, t.To, t.SessionID, string(t.Status), t.CreatedAt, t.UpdatedAt)
		return err
	})
}

// GetTask returns one task.
func (s *SmartCareStore) GetTask(ctx context.Context, tenantID string, id int64) (smartcare.Task, error) {
	t, err := scanTask(s.db.pool.QueryRow(ctx, `SELECT `+taskColumns+` FROM smartcare_tasks WHERE tenant_id = $1 AND id = $2`, tenantID, id))
	return t, translate(err)
}

// ClaimTask takes the oldest claimable task of the tenant served longest
// ago, trying the tenants in that order. FOR UPDATE SKIP LOCKED makes
// replicas that claim at once take different tasks instead of waiting for
// each other or taking the same one.
func (s *SmartCareStore) ClaimTask(ctx context.Context, claim int64, now, leaseUntil time.Time) (smartcare.Task, error) {
	var t smartcare.Task
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT tenant_id FROM smartcare_task_queues WHERE unfinished > 0 ORDER BY served, tenant_id`)
		if err != nil {
			return err
		}
		tenants, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, tenantID := range tenants {
			t, err = scanTask(tx.QueryRow(ctx, `UPDATE smartcare_tasks
				SET status = 'running', claim = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3
				WHERE id = (SELECT id FROM smartcare_tasks
					WHERE tenant_id = $4 AND status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until <= $3)
					ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
				RETURNING `+taskColumns, claim, leaseUntil, now, tenantID))
			if errors.Is(err, pgx.ErrNoRows) {
				continue // its tasks are all running, waiting for a retry or being claimed
			}
			if err != nil {
				return err
			}
			// GREATEST: a replica's claim that lands after a later one
			// must not move the tenant back to the front.
			_, err = tx.Exec(ctx, `UPDATE smartcare_task_queues SET served = GREATEST(served, $1) WHERE tenant_id = $2`, claim, tenantID)
			return err
		}
		return pgx.ErrNoRows
	})
	return t, err
}

// FinishTask stores a task's outcome if claim still owns it; a finished
// or failed task leaves its tenant's quota.
func (s *SmartCareStore) FinishTask(ctx context.Context, t smartcare.Task, claim int64) error {
	matches, err := smartcare.EncodeMatches(t.Matches)
	if err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE smartcare_tasks SET status = $1, matches = $2, error = $3, updated_at = $4,
			finished_at = $5, lease_until = $6, claim = NULL WHERE id = $7 AND claim = $8`,
			string(t.Status), matches, t.Error, t.UpdatedAt, nullTime(t.FinishedAt), nullTime(t.LeaseUntil), t.ID, claim)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return aiccd.ErrNotFound
		}
		if t.Status == smartcare.TaskQueued || t.Status == smartcare.TaskRunning {
			return nil
		}
		_, err = tx.Exec(ctx, `UPDATE smartcare_task_queues SET unfinished = unfinished - 1 WHERE tenant_id = $1`, t.TenantID)
		return err
	})
}

// DeleteTasksBefore deletes tasks that finished before t.
func (s *SmartCareStore) DeleteTasksBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.db.pool.Exec(ctx, `DELETE FROM smartcare_tasks WHERE finished_at < $1`, t)
	if err != nil {
		return 0, translate(err)
	}
	return tag.RowsAffected(), nil
}
