package smartcare

import "time"

// view is t as answered to its tenant, whose zone is loc.
func (s *Service) view(t Task, loc *time.Location) TaskView {
	return TaskView{Task: t, location: loc}
}

// TaskView is a task as the delimitation endpoints answer it: the task,
// whether it was just submitted, and the tenant's zone. Its JSON form
// and its return code are httpapi's.
type TaskView struct {
	Task      Task
	location  *time.Location
	submitted bool // the answer to submitquickdelimit
}

// Found tells a task that finished and found at least one mass fault
// explaining the subscriber's records.
func (v TaskView) Found() bool {
	return v.Task.Status == TaskFinished && len(v.Task.Matches) > 0
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
