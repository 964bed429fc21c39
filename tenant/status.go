package tenant

import (
	"slices"

	"github.com/aiccd/aiccd"
)

// SpaceStatus is the tenant space status the mall pages report as
// tenantSpaceStatus, a one-digit string. The pages show "2" for a formal
// tenant in service and "5" for a trial; aiccd assigns the rest.
type SpaceStatus string

// The space statuses.
const (
	StatusCreating     SpaceStatus = "1" // formal: the space is being set up
	StatusActive       SpaceStatus = "2" // formal: in service
	StatusSuspended    SpaceStatus = "3" // formal: frozen (e.g. unpaid); data kept
	StatusReleased     SpaceStatus = "4" // formal or trial: closed for good
	StatusTrial        SpaceStatus = "5" // trial: in service until it expires
	StatusTrialExpired SpaceStatus = "6" // trial: past its expiry; data kept for conversion
)

var statusNames = map[SpaceStatus]string{
	StatusCreating:     "creating",
	StatusActive:       "active",
	StatusSuspended:    "suspended",
	StatusReleased:     "released",
	StatusTrial:        "trial",
	StatusTrialExpired: "trial expired",
}

// String names the status for people: "2 (active)".
func (s SpaceStatus) String() string {
	if name, ok := statusNames[s]; ok {
		return string(s) + " (" + name + ")"
	}
	return string(s)
}

// InService reports whether a tenant in status s may use the platform's
// APIs: a formal tenant in service (2) or a trial within its period (5).
// A space still being set up (1), suspended (3), released (4) or a trial
// past its expiry (6) is not in service: its credentials are refused with
// the pages' 401 (see Service.CheckInService).
func (s SpaceStatus) InService() bool { return s == StatusActive || s == StatusTrial }

// statusesOf lists the statuses a tenant of each kind can be in.
var statusesOf = map[Kind][]SpaceStatus{
	KindFormal: {StatusCreating, StatusActive, StatusSuspended, StatusReleased},
	KindTrial:  {StatusTrial, StatusTrialExpired, StatusReleased},
}

// transitions are the changes of status an administrator may make. Trial
// expiry (5 to 6) also happens by the clock, and conversion (5 or 6 to a
// formal 2) changes the kind too; see Service.Expire and Service.Convert.
var transitions = map[SpaceStatus][]SpaceStatus{
	StatusCreating:     {StatusActive, StatusReleased},
	StatusActive:       {StatusSuspended, StatusReleased},
	StatusSuspended:    {StatusActive, StatusReleased},
	StatusReleased:     {},
	StatusTrial:        {StatusTrialExpired, StatusReleased},
	StatusTrialExpired: {StatusTrial, StatusReleased},
}

// ParseStatus reads a status code or name ("2" or "active").
func ParseStatus(s string) (SpaceStatus, error) {
	if _, ok := statusNames[SpaceStatus(s)]; ok {
		return SpaceStatus(s), nil
	}
	for code, name := range statusNames {
		if name == s {
			return code, nil
		}
	}
	return "", aiccd.Errorf(aiccd.KindInvalid, "space status %q is not one of 1 (creating), 2 (active), 3 (suspended), 4 (released), 5 (trial), 6 (trial expired)", s)
}

// validStatus checks that a tenant of kind may be in status.
func validStatus(kind Kind, status SpaceStatus) error {
	if !slices.Contains(statusesOf[kind], status) {
		return aiccd.Errorf(aiccd.KindInvalid, "a %s tenant cannot be in space status %s", kind, status)
	}
	return nil
}

// transition checks that status may change from from to to.
func transition(from, to SpaceStatus) error {
	if from == to || slices.Contains(transitions[from], to) {
		return nil
	}
	return aiccd.Errorf(aiccd.KindConflict, "space status cannot change from %s to %s", from, to)
}

// defaultStatus is the status of a new tenant of kind.
func defaultStatus(kind Kind) SpaceStatus {
	if kind == KindTrial {
		return StatusTrial
	}
	return StatusActive
}

// CanChangeStatus reports whether an administrator may move t to status
// to: a status of its kind that its state machine allows from its own.
// (Update also refuses to reopen a trial whose expiry has passed.)
func CanChangeStatus(t Tenant, to SpaceStatus) bool {
	return validStatus(t.Kind, to) == nil && transition(t.Status, to) == nil
}
