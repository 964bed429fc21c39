package smartcare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
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
)

// SubmitQuickDelimit validates a request as queryfaultyuser does (same
// fields, same return codes 2, 3, 4 and 101) and queues a task for it.
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
	if err := s.store.CreateTask(ctx, t); err != nil {
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

// QueryQuickResult answers a poll for a task's verdict: return code 0 or
// 1 when it finished, 6 while it is queued or running, 5 when it failed
// on the store; an unknown or malformed task ID is an error (7, 101).
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
		return TaskView{}, fieldError(ReturnParamInvalid, "taskId is mandatory and missing")
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

func (s *Service) view(t Task, loc *time.Location) TaskView {
	return TaskView{Task: t, location: loc}
}

// TaskView is a task as the delimitation endpoints answer it.
type TaskView struct {
	Task      Task
	location  *time.Location
	submitted bool // the answer to submitquickdelimit
}

// ReturnCode is 0 for an accepted submission; for a poll 0 (finished,
// faults found), 1 (finished, none found), 6 (queued or running) or 5
// (failed: the store kept failing).
func (v TaskView) ReturnCode() int {
	if v.submitted {
		return ReturnFound
	}
	switch v.Task.Status {
	case TaskFinished:
		if len(v.Task.Matches) > 0 {
			return ReturnFound
		}
		return ReturnNoData
	case TaskFailed:
		return ReturnDACError
	default:
		return ReturnTaskPending
	}
}

// Description is the description of ReturnCode.
func (v TaskView) Description() string {
	if v.submitted {
		return "The delimitation task is accepted."
	}
	return Description(v.ReturnCode())
}

// TaskData is the data element of submitquickdelimit and
// queryquickresult.
type TaskData struct {
	TaskID         string        `json:"taskId"`
	Status         TaskStatus    `json:"status"`
	MSISDN         string        `json:"msisdn"`
	FaultTime      string        `json:"faultTime"`
	ComplaintScene string        `json:"complaintScene"`
	SessionID      string        `json:"sessionID,omitempty"`
	TTID           string        `json:"ttid,omitempty"`
	Rules          []MatchedRule `json:"rules"`
}

// Data is the data array of submitquickdelimit and queryquickresult: the
// task, with its rules once finished.
func (v TaskView) Data() []TaskData {
	t := v.Task
	d := TaskData{
		TaskID: FormatID(t.ID), Status: t.Status, MSISDN: t.MSISDN,
		FaultTime: strconv.FormatInt(t.FaultTime.UnixMilli(), 10), ComplaintScene: t.SceneID, SessionID: t.SessionID,
		Rules: matchedRules(t.Matches, v.location),
	}
	if len(t.Matches) > 0 {
		d.TTID = formatTTID(t.Matches[0].FirstSeen, v.location)
	}
	return []TaskData{d}
}

// DeepData is the data element of querydeepresult.
type DeepData struct {
	TaskID         string     `json:"taskId"`
	Status         TaskStatus `json:"status"`
	MSISDN         string     `json:"msisdn"`
	FaultTime      string     `json:"faultTime"`
	ComplaintScene string     `json:"complaintScene"`
	SessionID      string     `json:"sessionID,omitempty"`
	TTID           string     `json:"ttid,omitempty"`
	Rules          []DeepRule `json:"rules"`
}

// DeepRule is a matched rule with its evidence.
type DeepRule struct {
	ReflectionRule string           `json:"reflectionRule"`
	CCMSceneCode   string           `json:"ccmSceneCode"`
	TTID           string           `json:"ttid"`
	RuleIDs        []string         `json:"ruleIds"`
	Records        []EvidenceRecord `json:"records"`
}

// EvidenceRecord is a subscriber record a rule explains.
type EvidenceRecord struct {
	EventTime    string            `json:"eventTime"` // yyyy-MM-dd HH:mm:ss in the tenant's zone
	CCMSceneCode string            `json:"ccmSceneCode"`
	Dimensions   map[string]string `json:"dimensions"`
}

// DeepData is the data array of querydeepresult.
func (v TaskView) DeepData() []DeepData {
	t := v.Task
	d := DeepData{
		TaskID: FormatID(t.ID), Status: t.Status, MSISDN: t.MSISDN,
		FaultTime: strconv.FormatInt(t.FaultTime.UnixMilli(), 10), ComplaintScene: t.SceneID, SessionID: t.SessionID,
		Rules: make([]DeepRule, len(t.Matches)),
	}
	for i, m := range t.Matches {
		dr := DeepRule{
			ReflectionRule: m.ReflectionRule, CCMSceneCode: m.SceneCode, TTID: formatTTID(m.FirstSeen, v.location),
			RuleIDs: make([]string, len(m.RuleIDs)), Records: make([]EvidenceRecord, len(m.Records)),
		}
		for j, id := range m.RuleIDs {
			dr.RuleIDs[j] = FormatID(id)
		}
		for j, r := range m.Records {
			dims := make(map[string]string, len(r.Dimensions))
			for _, x := range r.Dimensions {
				dims[x.Key] = x.Value
			}
			dr.Records[j] = EvidenceRecord{EventTime: formatTTID(r.EventTime, v.location), CCMSceneCode: r.SceneCode, Dimensions: dims}
		}
		d.Rules[i] = dr
	}
	if len(t.Matches) > 0 {
		d.TTID = formatTTID(t.Matches[0].FirstSeen, v.location)
	}
	return []DeepData{d}
}

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

// EncodeMatches and DecodeMatches are the stored form of a finished
// task's matches, the same on every engine.
func EncodeMatches(ms []RuleMatch) (string, error) {
	out := make([]matchJSON, len(ms))
	for i, m := range ms {
		out[i] = matchJSON{Scene: m.SceneCode, Rule: m.ReflectionRule, First: m.FirstSeen.UnixMilli(), RuleIDs: m.RuleIDs}
		for _, r := range m.Records {
			out[i].Records = append(out[i].Records, recordOut{T: r.EventTime.UnixMilli(), Scene: r.SceneCode, Dims: r.Dimensions.Encode()})
		}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// DecodeMatches reads what EncodeMatches wrote for a task of msisdn.
func DecodeMatches(s, msisdn string) ([]RuleMatch, error) {
	if s == "" {
		return nil, nil
	}
	var in []matchJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	ms := make([]RuleMatch, len(in))
	for i, m := range in {
		ms[i] = RuleMatch{SceneCode: m.Scene, ReflectionRule: m.Rule, FirstSeen: time.UnixMilli(m.First).UTC(), RuleIDs: m.RuleIDs}
		for _, r := range m.Records {
			ms[i].Records = append(ms[i].Records, Record{MSISDN: msisdn, EventTime: time.UnixMilli(r.T).UTC(), SceneCode: r.Scene, Dimensions: DecodeDimensions(r.Dims)})
		}
	}
	return ms, nil
}

type matchJSON struct {
	Scene   string      `json:"scene"`
	Rule    string      `json:"rule"`
	First   int64       `json:"first"`
	RuleIDs []int64     `json:"ruleIds"`
	Records []recordOut `json:"records"`
}

type recordOut struct {
	T     int64  `json:"t"`
	Scene string `json:"scene"`
	Dims  string `json:"dims"`
}
