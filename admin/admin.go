// Package admin is who may operate aiccd from the web console, and what
// they did: named users with a role, their sign-in sessions, and the audit
// log of every change made through the console. The console (package
// console) is its adapter; `aiccd admin user` and `aiccd admin audit` are
// its command line.
package admin

import (
	"context"
	"regexp"
	"time"

	"github.com/aiccd/aiccd"
)

// Role is what a user may do.
type Role string

// The roles.
const (
	RoleViewer   Role = "viewer"   // reads everything the console shows
	RoleOperator Role = "operator" // reads, and changes
)

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	switch Role(s) {
	case RoleViewer, RoleOperator:
		return Role(s), nil
	}
	return "", aiccd.Errorf(aiccd.KindInvalid, "role %q is neither viewer nor operator", s)
}

// CanChange reports whether the role may change anything.
func (r Role) CanChange() bool { return r == RoleOperator }

// User is a named console user.
type User struct {
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// Session is a signed-in user's session. Only a digest of its token is
// stored, so that a copy of the database opens no session.
type Session struct {
	TokenHash string // hex SHA-256 of the token the browser holds
	UserName  string
	Role      Role // the user's role when the session began
	CreatedAt time.Time
	ExpiresAt time.Time // after an idle time, pushed back by use up to the lifetime
}

// AuditEntry is one change made through the console: who, what, when.
type AuditEntry struct {
	ID     int64     `json:"id,string"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // the user's name
	Action string    `json:"action"` // what was done: "tenant.create", "appkey.rotate", …
	Target string    `json:"target"` // what it was done to: a tenant ID, an app key, …
	Detail string    `json:"detail,omitempty"`
	Source string    `json:"source,omitempty"` // the address the change came from
}

// AuditQuery selects audit entries, newest first.
type AuditQuery struct {
	Actor  string // "" for every user
	Before int64  // only entries with a smaller ID; 0 for the newest
	Limit  int
}

// Store persists users, sessions and the audit log.
type Store interface {
	CreateUser(ctx context.Context, u User) error
	User(ctx context.Context, name string) (User, error)
	Users(ctx context.Context) ([]User, error)
	// DeleteUser removes a user and every session of theirs.
	DeleteUser(ctx context.Context, name string) error

	CreateSession(ctx context.Context, s Session) error
	// Session returns the session whose token has the digest tokenHash.
	Session(ctx context.Context, tokenHash string) (Session, error)
	// ExtendSession sets when a session expires.
	ExtendSession(ctx context.Context, tokenHash string, expiresAt time.Time) error
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	AddAudit(ctx context.Context, e AuditEntry) error
	Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error)
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ValidateName checks a user name: 1 to 64 letters, digits, '.', '_', '@'
// or '-', starting with a letter or digit.
func ValidateName(name string) error {
	if !namePattern.MatchString(name) {
		return aiccd.Errorf(aiccd.KindInvalid, "a user name has 1 to 64 letters, digits, '.', '_', '@' or '-', and starts with a letter or digit")
	}
	return nil
}
