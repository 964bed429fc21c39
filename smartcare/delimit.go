package smartcare

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiccd/aiccd"
)

// Delimitation is the asynchronous form of the correlation: a complaint
// system submits a subscriber and a fault time (submitquickdelimit) and
// gets a task ID at once; a worker runs the correlation; the client polls
// for the verdict (queryquickresult) and may fetch the per-record evidence
// behind it (querydeepresult). Tasks live in the database, so they survive
// restarts and any replica can answer a poll.

// TaskStatus is where a delimitation task stands.
type TaskStatus string

// The task statuses.
const (
	TaskQueued   TaskStatus = "queued"
	TaskRunning  TaskStatus = "running"
	TaskFinished TaskStatus = "finished"
	TaskFailed   TaskStatus = "failed"
)

// Task is one delimitation.
type Task struct {
	ID        int64
	TenantID  string
	MSISDN    string
	FaultTime time.Time
	SceneID   string
	From, To  time.Time // the record window, resolved when submitted
	SessionID string

	Status     TaskStatus
	Attempts   int
	Matches    []RuleMatch // when finished
	Error      string      // why it failed; logged, never answered
	CreatedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time
	LeaseUntil time.Time // while running
}

// Delimitation tuning.
const (
	// TaskLease is how long a worker owns a task; a task still running
	// after it (its worker died) is taken over by another.
	TaskLease = time.Minute
	// TaskAttempts is how often a task is tried before it fails.
	TaskAttempts = 3
	// TaskRetryBackoff times the attempts is how long a task that failed
	// waits before it is tried again.
	TaskRetryBackoff = 5 * time.Second
	// TaskRetention is how long finished tasks can be polled.
	TaskRetention = 7 * 24 * time.Hour
	// DefaultMaxQueuedTasks is how many tasks a tenant may have queued
	// or running at once unless configured otherwise.
	DefaultMaxQueuedTasks = 1000
)

// ErrTaskQuota refuses a task of a tenant whose earlier tasks fill its
// quota: answered as the gateway's throttling (docs/compatibility.md).
var ErrTaskQuota = &aiccd.Error{Kind: aiccd.KindRateLimited,
	Message: "the tenant has as many delimitation tasks queued or running as it may; submit again once some have finished"}

// SubmitQuickDelimit validates a request as queryfaultyuser does (same
// fields, same refusals) and queues a task for it.
func (s *Service) SubmitQuickDelimit(ctx context.Context, tenantID string, req FaultyUserRequest) (TaskView, error) {
	q, err := ParseFaultyUserRequest(req)
	if err != nil {
		return TaskView{}, err
	}
	snap, err := s.cache.snapshot(ctx, s.store, tenantID, false)
	if err != nil {
		return TaskView{}, err
	}
	_, from, to, err := s.resolve(snap.config, q)
	if err != nil {
		return TaskView{}, err
	}
	now := s.now()
	t := Task{
		ID: s.ids.NextID(), TenantID: tenantID, MSISDN: q.MSISDN, FaultTime: q.FaultTime, SceneID: q.SceneID,
		From: from, To: to, SessionID: q.SessionID, Status: TaskQueued, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateTask(ctx, t, s.maxQueuedTasks); err != nil {
		if errors.Is(err, ErrTaskQuota) {
			return TaskView{}, err
		}
		return TaskView{}, dacError(err)
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	v := s.view(t, snap.config.location)
	v.submitted = true
	return v, nil
}

// QueryQuickResult answers a poll for a task's verdict: the task as it
// stands, queued, running, finished (TaskView.Found tells whether faults
// explain the subscriber) or failed on the store. A missing task ID is
// aiccd.KindInvalid; an unknown or malformed one is CodeUnknownTask.
func (s *Service) QueryQuickResult(ctx context.Context, tenantID, taskID string) (TaskView, error) {
	return s.taskView(ctx, tenantID, taskID)
}

// QueryDeepResult is QueryQuickResult with the evidence: for each matched
// rule the subscriber's records it explains (TaskView.DeepData).
func (s *Service) QueryDeepResult(ctx context.Context, tenantID, taskID string) (TaskView, error) {
	return s.taskView(ctx, tenantID, taskID)
}

func (s *Service) taskView(ctx context.Context, tenantID, taskID string) (TaskView, error) {
	if taskID == "" {
		return TaskView{}, aiccd.Errorf(aiccd.KindInvalid, "taskId is mandatory and missing")
	}
	id, ok := ParseID(taskID)
	if !ok {
		return TaskView{}, unknownTask(taskID)
	}
	t, err := s.store.GetTask(ctx, tenantID, id)
	if errors.Is(err, aiccd.ErrNotFound) {
		return TaskView{}, unknownTask(taskID)
	}
	if err != nil {
		return TaskView{}, dacError(err)
	}
	snap, err := s.cache.snapshot(ctx, s.store, tenantID, false)
	if err != nil {
		return TaskView{}, err
	}
	return s.view(t, snap.config.location), nil
}

func unknownTask(id string) error {
	if len(id) > 64 {
		id = id[:64] + "…"
	}
	return &aiccd.Error{Kind: aiccd.KindNotFound, Code: CodeUnknownTask, Message: fmt.Sprintf("taskId %q does not exist", id)}
}
