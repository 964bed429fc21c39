package postgres

import (
	"context"
	"time"

	"github.com/aiccd/aiccd/admin"
	"github.com/jackc/pgx/v5"
)

// ConsoleStore implements admin.Store.
type ConsoleStore struct{ db *DB }

// NewConsoleStore returns the console store of db.
func NewConsoleStore(db *DB) *ConsoleStore { return &ConsoleStore{db: db} }

var _ admin.Store = (*ConsoleStore)(nil)

const consoleUserColumns = `name, role, password_hash, created_at`

func scanConsoleUser(row pgx.Row) (admin.User, error) {
	var u admin.User
	err := row.Scan(&u.Name, &u.Role, &u.PasswordHash, &u.CreatedAt)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, translate(err)
}

// CreateUser implements admin.Store.
func (s *ConsoleStore) CreateUser(ctx context.Context, u admin.User) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO console_users (`+consoleUserColumns+`) VALUES ($1, $2, $3, $4)`,
		u.Name, u.Role, u.PasswordHash, u.CreatedAt)
	return translate(err)
}

// User implements admin.Store.
func (s *ConsoleStore) User(ctx context.Context, name string) (admin.User, error) {
	return scanConsoleUser(s.db.pool.QueryRow(ctx, `SELECT `+consoleUserColumns+` FROM console_users WHERE name = $1`, name))
}

// Users implements admin.Store.
func (s *ConsoleStore) Users(ctx context.Context) ([]admin.User, error) {
	return queryAll(ctx, s.db, scanConsoleUser, `SELECT `+consoleUserColumns+` FROM console_users ORDER BY name COLLATE "C"`)
}

// DeleteUser implements admin.Store; the user's sessions go by cascade.
func (s *ConsoleStore) DeleteUser(ctx context.Context, name string) error {
	return s.db.execOne(ctx, `DELETE FROM console_users WHERE name = $1`, name)
}

// CreateSession implements admin.Store.
func (s *ConsoleStore) CreateSession(ctx context.Context, sess admin.Session) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO console_sessions (token_hash, user_name, role, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, sess.TokenHash, sess.UserName, sess.Role, sess.CreatedAt, sess.ExpiresAt)
	return translate(err)
}

// Session implements admin.Store.
func (s *ConsoleStore) Session(ctx context.Context, tokenHash string) (admin.Session, error) {
	var sess admin.Session
	err := s.db.pool.QueryRow(ctx, `SELECT token_hash, user_name, role, created_at, expires_at
		FROM console_sessions WHERE token_hash = $1`, tokenHash).Scan(&sess.TokenHash, &sess.UserName, &sess.Role, &sess.CreatedAt, &sess.ExpiresAt)
	sess.CreatedAt, sess.ExpiresAt = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC()
	return sess, translate(err)
}

// ExtendSession implements admin.Store.
func (s *ConsoleStore) ExtendSession(ctx context.Context, tokenHash string, expiresAt time.Time) error {
	return s.db.execOne(ctx, `UPDATE console_sessions SET expires_at = $1 WHERE token_hash = $2`, expiresAt, tokenHash)
}

// DeleteSession implements admin.Store.
func (s *ConsoleStore) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.db.execOne(ctx, `DELETE FROM console_sessions WHERE token_hash = $1`, tokenHash)
}

// DeleteExpiredSessions implements admin.Store.
func (s *ConsoleStore) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.db.pool.Exec(ctx, `DELETE FROM console_sessions WHERE expires_at <= $1`, now)
	return translate(err)
}

// AddAudit implements admin.Store.
func (s *ConsoleStore) AddAudit(ctx context.Context, e admin.AuditEntry) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO console_audit (id, at, actor, action, target, detail, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, e.ID, e.At, e.Actor, e.Action, e.Target, e.Detail, e.Source)
	return translate(err)
}

// Audit implements admin.Store.
func (s *ConsoleStore) Audit(ctx context.Context, q admin.AuditQuery) ([]admin.AuditEntry, error) {
	return queryAll(ctx, s.db, func(row pgx.Row) (admin.AuditEntry, error) {
		var e admin.AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Source)
		e.At = e.At.UTC()
		return e, translate(err)
	}, `SELECT id, at, actor, action, target, detail, source FROM console_audit
		WHERE ($1 = '' OR actor = $1) AND ($2 = 0 OR id < $2) ORDER BY id DESC LIMIT $3`,
		q.Actor, q.Before, q.Limit)
}
