package postgres

import (
	"context"
	"time"

	"github.com/aiccd/aiccd/credential"
	"github.com/jackc/pgx/v5"
)

// CredentialStore implements credential.Store.
type CredentialStore struct{ db *DB }

// NewCredentialStore returns the credential store of db.
func NewCredentialStore(db *DB) *CredentialStore { return &CredentialStore{db: db} }

var _ credential.Store = (*CredentialStore)(nil)

// execOne runs one write statement and requires it to touch a row.
func (db *DB) execOne(ctx context.Context, query string, args ...any) error {
	tag, err := db.pool.Exec(ctx, query, args...)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows)
	}
	return nil
}

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, db *DB, scan func(pgx.Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	return out, translate(err)
}

func utc(ts ...*time.Time) {
	for _, t := range ts {
		*t = t.UTC()
	}
}

// App keys.

const appKeyColumns = `app_key, tenant_id, name, secret_hash, enabled, created_at, updated_at`

// appKeyRead is what reads select: the columns and the ID the database
// gave the key.
const appKeyRead = appKeyColumns + `, id`

func scanAppKey(row pgx.Row) (credential.AppKey, error) {
	var k credential.AppKey
	if err := row.Scan(&k.Key, &k.TenantID, &k.Name, &k.SecretHash, &k.Enabled, &k.CreatedAt, &k.UpdatedAt, &k.ID); err != nil {
		return credential.AppKey{}, translate(err)
	}
	utc(&k.CreatedAt, &k.UpdatedAt)
	return k, nil
}

// CreateAppKey implements credential.Store.
func (s *CredentialStore) CreateAppKey(ctx context.Context, k credential.AppKey) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO app_keys (`+appKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.Key, k.TenantID, k.Name, k.SecretHash, k.Enabled, k.CreatedAt, k.UpdatedAt)
	return translate(err)
}

// AppKey implements credential.Store.
func (s *CredentialStore) AppKey(ctx context.Context, key string) (credential.AppKey, error) {
	return scanAppKey(s.db.pool.QueryRow(ctx, `SELECT `+appKeyRead+` FROM app_keys WHERE app_key = $1`, key))
}

// AppKeyByID implements credential.Store.
func (s *CredentialStore) AppKeyByID(ctx context.Context, id int64) (credential.AppKey, error) {
	return scanAppKey(s.db.pool.QueryRow(ctx, `SELECT `+appKeyRead+` FROM app_keys WHERE id = $1`, id))
}

// AppKeys implements credential.Store.
func (s *CredentialStore) AppKeys(ctx context.Context, tenantID string) ([]credential.AppKey, error) {
	return queryAll(ctx, s.db, scanAppKey, `SELECT `+appKeyRead+` FROM app_keys
		WHERE $1 = '' OR tenant_id = $1 ORDER BY tenant_id, created_at, app_key`, tenantID)
}

// UpdateAppKey implements credential.Store.
func (s *CredentialStore) UpdateAppKey(ctx context.Context, key string, change func(credential.AppKey) (credential.AppKey, error)) (credential.AppKey, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (credential.AppKey, error) {
		return scanAppKey(tx.QueryRow(ctx, `SELECT `+appKeyRead+` FROM app_keys WHERE app_key = $1 FOR UPDATE`, key))
	}, change, func(tx pgx.Tx, _, k credential.AppKey) error {
		_, err := tx.Exec(ctx, `UPDATE app_keys SET name = $1, secret_hash = $2, enabled = $3, updated_at = $4 WHERE app_key = $5`,
			k.Name, k.SecretHash, k.Enabled, k.UpdatedAt, key)
		return err
	})
}

// Tokens.

const tokenColumns = `hash, kind, COALESCE(tenant_id, ''), subject, created_at, expires_at, revoked_at`

func scanToken(row pgx.Row) (credential.Token, error) {
	var t credential.Token
	if err := row.Scan(&t.Hash, &t.Kind, &t.TenantID, &t.Subject, &t.CreatedAt, &t.ExpiresAt, &t.RevokedAt); err != nil {
		return credential.Token{}, translate(err)
	}
	utc(&t.CreatedAt, &t.ExpiresAt)
	if t.RevokedAt != nil {
		utc(t.RevokedAt)
	}
	return t, nil
}

// CreateToken implements credential.Store.
func (s *CredentialStore) CreateToken(ctx context.Context, t credential.Token) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO tokens (hash, kind, tenant_id, subject, created_at, expires_at)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6)`,
		t.Hash, t.Kind, t.TenantID, t.Subject, t.CreatedAt, t.ExpiresAt)
	return translate(err)
}

// Token implements credential.Store.
func (s *CredentialStore) Token(ctx context.Context, hash []byte) (credential.Token, error) {
	return scanToken(s.db.pool.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = $1`, hash))
}

// Tokens implements credential.Store.
func (s *CredentialStore) Tokens(ctx context.Context, kind credential.TokenKind, tenantID string) ([]credential.Token, error) {
	return queryAll(ctx, s.db, scanToken, `SELECT `+tokenColumns+` FROM tokens
		WHERE kind = $1 AND ($2 = '' OR tenant_id = $2) ORDER BY created_at, hash`, kind, tenantID)
}

// RevokeTokens implements credential.Store.
func (s *CredentialStore) RevokeTokens(ctx context.Context, kind credential.TokenKind, subject, idPrefix string, at time.Time) ([][]byte, error) {
	rows, err := s.db.pool.Query(ctx, `UPDATE tokens SET revoked_at = $4
		WHERE kind = $1 AND subject = $2 AND revoked_at IS NULL AND encode(hash, 'hex') LIKE $3 || '%'
		RETURNING hash`, kind, subject, idPrefix, at)
	if err != nil {
		return nil, translate(err)
	}
	hashes, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	return hashes, translate(err)
}

// DeleteExpiredTokens implements credential.Store.
func (s *CredentialStore) DeleteExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := s.db.pool.Exec(ctx, `DELETE FROM tokens WHERE hash IN
		(SELECT hash FROM tokens WHERE expires_at < $1 LIMIT $2)`, before, limit)
	return int(tag.RowsAffected()), translate(err)
}

// Accounts.

const accountColumns = `id, name, is_partner, enabled, created_at, updated_at`

func scanAccount(row pgx.Row) (credential.Account, error) {
	var a credential.Account
	if err := row.Scan(&a.ID, &a.Name, &a.IsPartner, &a.Enabled, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return credential.Account{}, translate(err)
	}
	utc(&a.CreatedAt, &a.UpdatedAt)
	return a, nil
}

// CreateAccount implements credential.Store.
func (s *CredentialStore) CreateAccount(ctx context.Context, a credential.Account) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		a.ID, a.Name, a.IsPartner, a.Enabled, a.CreatedAt, a.UpdatedAt)
	return translate(err)
}

// Account implements credential.Store.
func (s *CredentialStore) Account(ctx context.Context, id string) (credential.Account, error) {
	return scanAccount(s.db.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
}

// AccountByName implements credential.Store.
func (s *CredentialStore) AccountByName(ctx context.Context, name string) (credential.Account, error) {
	return scanAccount(s.db.pool.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = $1`, name))
}

// Accounts implements credential.Store.
func (s *CredentialStore) Accounts(ctx context.Context) ([]credential.Account, error) {
	return queryAll(ctx, s.db, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY id`)
}

// UpdateAccount implements credential.Store.
func (s *CredentialStore) UpdateAccount(ctx context.Context, id string, change func(credential.Account) (credential.Account, error)) (credential.Account, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (credential.Account, error) {
		return scanAccount(tx.QueryRow(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1 FOR UPDATE`, id))
	}, change, func(tx pgx.Tx, _, a credential.Account) error {
		_, err := tx.Exec(ctx, `UPDATE accounts SET is_partner = $1, enabled = $2, updated_at = $3 WHERE id = $4`,
			a.IsPartner, a.Enabled, a.UpdatedAt, id)
		return err
	})
}

// TakenNames implements credential.Store.
func (s *CredentialStore) TakenNames(ctx context.Context, keys []string) ([]string, error) {
	scan := func(row pgx.Row) (name string, err error) { return name, row.Scan(&name) }
	return queryAll(ctx, s.db, scan, `SELECT lower(name COLLATE "C") FROM accounts WHERE lower(name COLLATE "C") = ANY($1)
		UNION SELECT lower(name COLLATE "C") FROM iam_users WHERE lower(name COLLATE "C") = ANY($1)`, keys)
}

// IAM users.

const iamUserColumns = `id, account_id, name, password_hash, enabled, created_at, updated_at`

func scanIAMUser(row pgx.Row) (credential.IAMUser, error) {
	var u credential.IAMUser
	if err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.PasswordHash, &u.Enabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return credential.IAMUser{}, translate(err)
	}
	utc(&u.CreatedAt, &u.UpdatedAt)
	return u, nil
}

// CreateIAMUser implements credential.Store.
func (s *CredentialStore) CreateIAMUser(ctx context.Context, u credential.IAMUser) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO iam_users (`+iamUserColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		u.ID, u.AccountID, u.Name, u.PasswordHash, u.Enabled, u.CreatedAt, u.UpdatedAt)
	return translate(err)
}

// IAMUser implements credential.Store.
func (s *CredentialStore) IAMUser(ctx context.Context, id string) (credential.IAMUser, error) {
	return scanIAMUser(s.db.pool.QueryRow(ctx, `SELECT `+iamUserColumns+` FROM iam_users WHERE id = $1`, id))
}

// IAMUserByName implements credential.Store.
func (s *CredentialStore) IAMUserByName(ctx context.Context, accountID, name string) (credential.IAMUser, error) {
	return scanIAMUser(s.db.pool.QueryRow(ctx, `SELECT `+iamUserColumns+` FROM iam_users WHERE account_id = $1 AND name = $2`, accountID, name))
}

// IAMUsers implements credential.Store.
func (s *CredentialStore) IAMUsers(ctx context.Context, accountID string) ([]credential.IAMUser, error) {
	return queryAll(ctx, s.db, scanIAMUser, `SELECT `+iamUserColumns+` FROM iam_users
		WHERE $1 = '' OR account_id = $1 ORDER BY account_id, name`, accountID)
}

// UpdateIAMUser implements credential.Store.
func (s *CredentialStore) UpdateIAMUser(ctx context.Context, id string, change func(credential.IAMUser) (credential.IAMUser, error)) (credential.IAMUser, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (credential.IAMUser, error) {
		return scanIAMUser(tx.QueryRow(ctx, `SELECT `+iamUserColumns+` FROM iam_users WHERE id = $1 FOR UPDATE`, id))
	}, change, func(tx pgx.Tx, _, u credential.IAMUser) error {
		_, err := tx.Exec(ctx, `UPDATE iam_users SET password_hash = $1, enabled = $2, updated_at = $3 WHERE id = $4`,
			u.PasswordHash, u.Enabled, u.UpdatedAt, id)
		return err
	})
}

// Access keys.

const accessKeyColumns = `ak, account_id, sealed_sk, description, enabled, created_at, updated_at`

func scanAccessKey(row pgx.Row) (credential.AccessKey, error) {
	var k credential.AccessKey
	if err := row.Scan(&k.AK, &k.AccountID, &k.SealedSK, &k.Description, &k.Enabled, &k.CreatedAt, &k.UpdatedAt); err != nil {
		return credential.AccessKey{}, translate(err)
	}
	utc(&k.CreatedAt, &k.UpdatedAt)
	return k, nil
}

// CreateAccessKey implements credential.Store.
func (s *CredentialStore) CreateAccessKey(ctx context.Context, k credential.AccessKey) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO access_keys (`+accessKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		k.AK, k.AccountID, k.SealedSK, k.Description, k.Enabled, k.CreatedAt, k.UpdatedAt)
	return translate(err)
}

// AccessKey implements credential.Store.
func (s *CredentialStore) AccessKey(ctx context.Context, ak string) (credential.AccessKey, error) {
	return scanAccessKey(s.db.pool.QueryRow(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE ak = $1`, ak))
}

// AccessKeys implements credential.Store.
func (s *CredentialStore) AccessKeys(ctx context.Context, accountID string) ([]credential.AccessKey, error) {
	return queryAll(ctx, s.db, scanAccessKey, `SELECT `+accessKeyColumns+` FROM access_keys
		WHERE $1 = '' OR account_id = $1 ORDER BY account_id, created_at, ak`, accountID)
}

// UpdateAccessKey implements credential.Store.
func (s *CredentialStore) UpdateAccessKey(ctx context.Context, ak string, change func(credential.AccessKey) (credential.AccessKey, error)) (credential.AccessKey, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (credential.AccessKey, error) {
		return scanAccessKey(tx.QueryRow(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE ak = $1 FOR UPDATE`, ak))
	}, change, func(tx pgx.Tx, _, k credential.AccessKey) error {
		_, err := tx.Exec(ctx, `UPDATE access_keys SET description = $1, enabled = $2, updated_at = $3 WHERE ak = $4`,
			k.Description, k.Enabled, k.UpdatedAt, ak)
		return err
	})
}

// Events and settings.

// Setting implements credential.Store.
func (s *CredentialStore) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	return v, translate(err)
}

// PutSettingIfAbsent implements credential.Store.
func (s *CredentialStore) PutSettingIfAbsent(ctx context.Context, key, value string) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value)
	return translate(err)
}
