package smartcare

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aiccd/aiccd"
)

// ProcessTasks claims and runs queued tasks until none is left, and
// returns how many it finished.
func (s *Service) ProcessTasks(ctx context.Context, logger *slog.Logger) (int, error) {
	n := 0
	for ctx.Err() == nil {
		claim := s.ids.NextID()
		now := s.now()
		t, err := s.store.ClaimTask(ctx, claim, now, now.Add(TaskLease))
		if errors.Is(err, aiccd.ErrNotFound) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		t = s.runTask(ctx, t, logger)
		if err := s.store.FinishTask(ctx, t, claim); err != nil && !errors.Is(err, aiccd.ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// runTask correlates a claimed task and returns it with its outcome.
func (s *Service) runTask(ctx context.Context, t Task, logger *slog.Logger) Task {
	t.UpdatedAt = s.now()
	matches, err := s.correlateTask(ctx, t)
	switch {
	case err == nil:
		t.Status, t.Matches, t.FinishedAt, t.Error, t.LeaseUntil = TaskFinished, matches, t.UpdatedAt, "", time.Time{}
	case t.Attempts >= TaskAttempts:
		logger.Error("delimitation task failed", "tenant", t.TenantID, "task", t.ID, "attempts", t.Attempts, "err", err)
		t.Status, t.FinishedAt, t.Error, t.LeaseUntil = TaskFailed, t.UpdatedAt, err.Error(), time.Time{}
	default:
		// Queued again, but not claimable before the back-off passed.
		logger.Warn("delimitation task will be retried", "tenant", t.TenantID, "task", t.ID, "attempts", t.Attempts, "err", err)
		t.Status, t.Error = TaskQueued, err.Error()
		t.LeaseUntil = t.UpdatedAt.Add(time.Duration(t.Attempts) * TaskRetryBackoff)
	}
	return t
}

func (s *Service) correlateTask(ctx context.Context, t Task) ([]RuleMatch, error) {
	snap, err := s.cache.snapshot(ctx, s.store, t.TenantID, true)
	if err != nil {
		return nil, err
	}
	scene, ok := snap.config.scenes[t.SceneID]
	if !ok {
		// The scene was deleted after the task was accepted: nothing
		// can explain the complaint any more.
		return nil, nil
	}
	from := t.From
	if h := snap.config.settings.Horizon(s.now()); from.Before(h) {
		from = h
	}
	recs, err := s.subscriberRecords(ctx, t.TenantID, t.MSISDN, from, t.To)
	if err != nil {
		return nil, err
	}
	return snap.rules.index.correlate(recs, scene, from, t.To), nil
}

// RunTaskWorker processes tasks until ctx ends: at once when this process
// queued one, and every poll for tasks queued by other replicas.
func (s *Service) RunTaskWorker(ctx context.Context, poll time.Duration, logger *slog.Logger) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := s.ProcessTasks(ctx, logger); err != nil && ctx.Err() == nil {
			logger.Error("delimitation worker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
	}
}
