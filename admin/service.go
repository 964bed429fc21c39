package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/password"
)

// The default session times: a session ends after SessionIdle without
// use, and SessionLifetime after sign-in however much it is used, so that
// a stolen cookie is worth a working day at most.
const (
	SessionIdle     = 30 * time.Minute
	SessionLifetime = 12 * time.Hour
)

// extendStep is how far a session's expiry must move before use extends
// it in the store: one write a minute at most per session, not one per
// page, at the cost of an idle timeout up to a minute early.
const extendStep = time.Minute

// PasswordChecker checks a password under the limits every password login
// of the process shares (credential.Service): the bound on concurrent
// checks, the attempt limits and the lockouts. kind and name name the
// principal; hash is "" for one that does not exist.
type PasswordChecker interface {
	CheckPassword(ctx context.Context, kind, name, hash, password string) error
}

// Service manages users, sessions and the audit log.
type Service struct {
	store     Store
	clock     aiccd.Clock
	ids       aiccd.IDGenerator
	passwords PasswordChecker
	idle      time.Duration
	lifetime  time.Duration
}

// Options are what a Service is built from.
type Options struct {
	Store     Store
	Clock     aiccd.Clock // nil: the system clock
	IDs       aiccd.IDGenerator
	Passwords PasswordChecker
	// SessionIdle is how long a session lasts without use, and
	// SessionLifetime how long at most from sign-in; zero keeps
	// SessionIdle's and SessionLifetime's defaults.
	SessionIdle, SessionLifetime time.Duration
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = SessionIdle
	}
	if o.SessionLifetime <= 0 {
		o.SessionLifetime = SessionLifetime
	}
	return &Service{store: o.Store, clock: o.Clock, ids: o.IDs, passwords: o.Passwords, idle: o.SessionIdle, lifetime: o.SessionLifetime}
}

// Lifetime is the longest a session lasts.
func (s *Service) Lifetime() time.Duration { return s.lifetime }

// expiry is when a session created at created and used at now expires:
// after the idle time, and never after its lifetime.
func (s *Service) expiry(created, now time.Time) time.Time {
	end := created.Add(s.lifetime)
	if next := now.Add(s.idle); next.Before(end) {
		return next
	}
	return end
}

func (s *Service) now() time.Time { return aiccd.Millis(s.clock.Now()) }

// CreateUser adds a user with a password that meets the cloud's policy.
func (s *Service) CreateUser(ctx context.Context, name string, role Role, pw string) (User, error) {
	if err := ValidateName(name); err != nil {
		return User{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, err
	}
	if err := password.Validate(pw); err != nil {
		return User{}, err
	}
	u := User{Name: name, Role: role, PasswordHash: password.Hash(pw), CreatedAt: s.now()}
	if err := s.store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, aiccd.ErrConflict) {
			return User{}, aiccd.Errorf(aiccd.KindConflict, "user %q already exists", name)
		}
		return User{}, err
	}
	return u, nil
}

// Users lists every user by name.
func (s *Service) Users(ctx context.Context) ([]User, error) { return s.store.Users(ctx) }

// HasUsers reports whether any user exists.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	us, err := s.store.Users(ctx)
	return len(us) > 0, err
}

// DeleteUser removes a user, signing them out everywhere.
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	if err := s.store.DeleteUser(ctx, name); err != nil {
		if errors.Is(err, aiccd.ErrNotFound) {
			return aiccd.Errorf(aiccd.KindNotFound, "user %q does not exist", name)
		}
		return err
	}
	return nil
}

// loginKind names console users among the principals whose password
// attempts the PasswordChecker counts.
const loginKind = "console"

// SignIn checks a user's password and opens a session. It returns the
// session and its token, which only the browser keeps.
func (s *Service) SignIn(ctx context.Context, name, pw string) (Session, string, error) {
	var hash string
	u, err := s.store.User(ctx, name)
	switch {
	case err == nil:
		hash = u.PasswordHash
	case !errors.Is(err, aiccd.ErrNotFound):
		return Session{}, "", err
	}
	if err := s.passwords.CheckPassword(ctx, loginKind, name, hash, pw); err != nil {
		return Session{}, "", err
	}
	token := newToken()
	now := s.now()
	sess := Session{TokenHash: HashToken(token), UserName: u.Name, Role: u.Role, CreatedAt: now, ExpiresAt: s.expiry(now, now)}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return Session{}, "", err
	}
	return sess, token, nil
}

// ErrNoSession refuses a token that opens no session: unknown, expired,
// signed out, or of a user deleted since.
var ErrNoSession = aiccd.Errorf(aiccd.KindUnauthorized, "sign in to continue")

// Authenticate returns the session a token opens.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	sess, err := s.store.Session(ctx, HashToken(token))
	if errors.Is(err, aiccd.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	if !s.now().Before(sess.ExpiresAt) {
		return Session{}, ErrNoSession
	}
	return sess, nil
}

// Touch records a use of sess by its user, pushing its idle expiry back;
// it returns the session as it now is. A script's background requests
// (the live views' polls) are not uses: they would keep an open page's
// session alive for ever.
func (s *Service) Touch(ctx context.Context, sess Session) (Session, error) {
	next := s.expiry(sess.CreatedAt, s.now())
	if next.Sub(sess.ExpiresAt) < extendStep {
		return sess, nil
	}
	err := s.store.ExtendSession(ctx, sess.TokenHash, next)
	if errors.Is(err, aiccd.ErrNotFound) { // signed out meanwhile
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	sess.ExpiresAt = next
	return sess, nil
}

// SignOut ends the session a token opens.
func (s *Service) SignOut(ctx context.Context, token string) error {
	err := s.store.DeleteSession(ctx, HashToken(token))
	if errors.Is(err, aiccd.ErrNotFound) {
		return nil
	}
	return err
}

// DeleteExpiredSessions forgets sessions that have expired.
func (s *Service) DeleteExpiredSessions(ctx context.Context) error {
	return s.store.DeleteExpiredSessions(ctx, s.now())
}

// Record appends a change to the audit log, stamped with its ID and time.
func (s *Service) Record(ctx context.Context, e AuditEntry) error {
	e.ID, e.At = s.ids.NextID(), s.now()
	return s.store.AddAudit(ctx, e)
}

// MaxAuditPage is the most entries Audit returns at once.
const MaxAuditPage = 500

// Audit returns audit entries, newest first.
func (s *Service) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	if q.Limit <= 0 || q.Limit > MaxAuditPage {
		q.Limit = MaxAuditPage
	}
	return s.store.Audit(ctx, q)
}

// newToken returns a session token: 32 random bytes, URL-safe base64.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is the digest a session is stored under.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
