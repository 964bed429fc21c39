package smartcare

import "time"

// view is t as answered to its tenant, whose zone is loc.
func (s *Service) view(t Task, loc *time.Location) TaskView {
	return TaskView{Task: t, location: loc}
}

// TaskView is a task as the delimitation endpoints answer it: the task,
// its return code, and the tenant's zone. Its JSON form is httpapi's.
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

// Submitted tells the answer to submitquickdelimit from a poll.
func (v TaskView) Submitted() bool { return v.submitted }

// Location is the tenant's time zone, in which ttid and the evidence's
// event times are written.
func (v TaskView) Location() *time.Location {
	if v.location == nil {
		return time.UTC
	}
	return v.location
}
