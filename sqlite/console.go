package sqlite

import (
	"context"
	"time"

	"github.com/aiccd/aiccd/admin"
)

// ConsoleStore implements admin.Store.
type ConsoleStore struct{ db *DB }

// NewConsoleStore returns the console store of db.
func NewConsoleStore(db *DB) *ConsoleStore { return &ConsoleStore{db: db} }

var _ admin.Store = (*ConsoleStore)(nil)

const consoleUserColumns = `name, role, password_hash, created_at`

func scanConsoleUser(row scanner) (admin.User, error) {
	var u admin.User
	var created int64
	err := row.Scan(&u.Name, &u.Role, &u.PasswordHash, &created)
	u.CreatedAt = fromMS(created)
	return u, translate(err)
}

// CreateUser implements admin.Store.
func (s *ConsoleStore) CreateUser(ctx context.Context, u admin.User) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO console_users (`+consoleUserColumns+`) VALUES (?, ?, ?, ?)`,
		u.Name, u.Role, u.PasswordHash, ms(u.CreatedAt))
	return translate(err)
}

// User implements admin.Store.
func (s *ConsoleStore) User(ctx context.Context, name string) (admin.User, error) {
	return scanConsoleUser(s.db.read.QueryRowContext(ctx, `SELECT `+consoleUserColumns+` FROM console_users WHERE name = ?`, name))
}

// Users implements admin.Store.
func (s *ConsoleStore) Users(ctx context.Context) ([]admin.User, error) {
	return queryAll(ctx, s.db, scanConsoleUser, `SELECT `+consoleUserColumns+` FROM console_users ORDER BY name`)
}

// DeleteUser implements admin.Store; the user's sessions go by cascade.
func (s *ConsoleStore) DeleteUser(ctx context.Context, name string) error {
	return s.db.execOne(ctx, `DELETE FROM console_users WHERE name = ?`, name)
}

// CreateSession implements admin.Store.
func (s *ConsoleStore) CreateSession(ctx context.Context, sess admin.Session) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO console_sessions (token_hash, user_name, role, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, sess.TokenHash, sess.UserName, sess.Role, ms(sess.CreatedAt), ms(sess.ExpiresAt))
	return translate(err)
}

// Session implements admin.Store.
func (s *ConsoleStore) Session(ctx context.Context, tokenHash string) (admin.Session, error) {
	var sess admin.Session
	var created, expires int64
	err := s.db.read.QueryRowContext(ctx, `SELECT token_hash, user_name, role, created_at, expires_at
		FROM console_sessions WHERE token_hash = ?`, tokenHash).Scan(&sess.TokenHash, &sess.UserName, &sess.Role, &created, &expires)
	sess.CreatedAt, sess.ExpiresAt = fromMS(created), fromMS(expires)
	return sess, translate(err)
}

// ExtendSession implements admin.Store.
func (s *ConsoleStore) ExtendSession(ctx context.Context, tokenHash string, expiresAt time.Time) error {
	return s.db.execOne(ctx, `UPDATE console_sessions SET expires_at = ? WHERE token_hash = ?`, ms(expiresAt), tokenHash)
}

// DeleteSession implements admin.Store.
func (s *ConsoleStore) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.db.execOne(ctx, `DELETE FROM console_sessions WHERE token_hash = ?`, tokenHash)
}

// DeleteExpiredSessions implements admin.Store.
func (s *ConsoleStore) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM console_sessions WHERE expires_at <= ?`, ms(now))
	return translate(err)
}

// AddAudit implements admin.Store.
func (s *ConsoleStore) AddAudit(ctx context.Context, e admin.AuditEntry) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO console_audit (id, at, actor, action, target, detail, source)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, ms(e.At), e.Actor, e.Action, e.Target, e.Detail, e.Source)
	return translate(err)
}

// Audit implements admin.Store.
func (s *ConsoleStore) Audit(ctx context.Context, q admin.AuditQuery) ([]admin.AuditEntry, error) {
	return queryAll(ctx, s.db, func(row scanner) (admin.AuditEntry, error) {
		var e admin.AuditEntry
		var at int64
		err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Source)
		e.At = fromMS(at)
		return e, translate(err)
	}, `SELECT id, at, actor, action, target, detail, source FROM console_audit
		WHERE (? = '' OR actor = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`,
		q.Actor, q.Actor, q.Before, q.Before, q.Limit)
}
