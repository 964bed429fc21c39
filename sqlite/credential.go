package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/aiccd/aiccd/credential"
)

// CredentialStore implements credential.Store.
type CredentialStore struct{ db *DB }

// NewCredentialStore returns the credential store of db.
func NewCredentialStore(db *DB) *CredentialStore { return &CredentialStore{db: db} }

var _ credential.Store = (*CredentialStore)(nil)

type scanner interface{ Scan(...any) error }

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// exec runs one write statement and requires it to touch a row.
func (db *DB) execOne(ctx context.Context, query string, args ...any) error {
	res, err := db.write.ExecContext(ctx, query, args...)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return translate(sql.ErrNoRows)
	}
	return nil
}

// queryAll runs a read query and scans every row with scan.
func queryAll[T any](ctx context.Context, db *DB, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// App keys.

const appKeyColumns = `app_key, tenant_id, name, secret_hash, enabled, created_at, updated_at`

// appKeyRead is what reads select: the columns and the key's ID.
const appKeyRead = appKeyColumns + `, id`

func scanAppKey(row scanner) (credential.AppKey, error) {
	var k credential.AppKey
	var created, updated int64
	if err := row.Scan(&k.Key, &k.TenantID, &k.Name, &k.SecretHash, &k.Enabled, &created, &updated, &k.ID); err != nil {
		return credential.AppKey{}, translate(err)
	}
	k.CreatedAt, k.UpdatedAt = fromMS(created), fromMS(updated)
	return k, nil
}

// CreateAppKey implements credential.Store.
func (s *CredentialStore) CreateAppKey(ctx context.Context, k credential.AppKey) error {
	// The next ID: writers take turns, so no other can take it meanwhile.
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO app_keys (`+appKeyColumns+`, id)
		VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) + 1 FROM app_keys))`,
		k.Key, k.TenantID, k.Name, k.SecretHash, k.Enabled, ms(k.CreatedAt), ms(k.UpdatedAt))
	return translate(err)
}

// AppKey implements credential.Store.
func (s *CredentialStore) AppKey(ctx context.Context, key string) (credential.AppKey, error) {
	return scanAppKey(s.db.read.QueryRowContext(ctx, `SELECT `+appKeyRead+` FROM app_keys WHERE app_key = ?`, key))
}

// AppKeyByID implements credential.Store.
func (s *CredentialStore) AppKeyByID(ctx context.Context, id int64) (credential.AppKey, error) {
	return scanAppKey(s.db.read.QueryRowContext(ctx, `SELECT `+appKeyRead+` FROM app_keys WHERE id = ?`, id))
}

// AppKeys implements credential.Store.
func (s *CredentialStore) AppKeys(ctx context.Context, tenantID string) ([]credential.AppKey, error) {
	return queryAll(ctx, s.db, scanAppKey, `SELECT `+appKeyRead+` FROM app_keys
		WHERE ? = '' OR tenant_id = ? ORDER BY tenant_id, created_at, app_key`, tenantID, tenantID)
}

// UpdateAppKey implements credential.Store.
func (s *CredentialStore) UpdateAppKey(ctx context.Context, key string, change func(credential.AppKey) (credential.AppKey, error)) (credential.AppKey, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (credential.AppKey, error) {
		return scanAppKey(tx.QueryRowContext(ctx, `SELECT `+appKeyRead+` FROM app_keys WHERE app_key = ?`, key))
	}, change, func(tx *sql.Tx, _, k credential.AppKey) error {
		_, err := tx.ExecContext(ctx, `UPDATE app_keys SET name = ?, secret_hash = ?, enabled = ?, updated_at = ? WHERE app_key = ?`,
			k.Name, k.SecretHash, k.Enabled, ms(k.UpdatedAt), key)
		return err
	})
}

// Tokens.

const tokenColumns = `hash, kind, COALESCE(tenant_id, ''), subject, created_at, expires_at, revoked_at`

func scanToken(row scanner) (credential.Token, error) {
	var t credential.Token
	var created, expires int64
	var revoked sql.NullInt64
	if err := row.Scan(&t.Hash, &t.Kind, &t.TenantID, &t.Subject, &created, &expires, &revoked); err != nil {
		return credential.Token{}, translate(err)
	}
	t.CreatedAt, t.ExpiresAt = fromMS(created), fromMS(expires)
	if revoked.Valid {
		r := fromMS(revoked.Int64)
		t.RevokedAt = &r
	}
	return t, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// CreateToken implements credential.Store.
func (s *CredentialStore) CreateToken(ctx context.Context, t credential.Token) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO tokens (hash, kind, tenant_id, subject, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Hash, t.Kind, nullString(t.TenantID), t.Subject, ms(t.CreatedAt), ms(t.ExpiresAt))
	return translate(err)
}

// Token implements credential.Store.
func (s *CredentialStore) Token(ctx context.Context, hash []byte) (credential.Token, error) {
	return scanToken(s.db.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash))
}

// Tokens implements credential.Store.
func (s *CredentialStore) Tokens(ctx context.Context, kind credential.TokenKind, tenantID string) ([]credential.Token, error) {
	return queryAll(ctx, s.db, scanToken, `SELECT `+tokenColumns+` FROM tokens
		WHERE kind = ? AND (? = '' OR tenant_id = ?) ORDER BY created_at, hash`, kind, tenantID, tenantID)
}

// RevokeTokens implements credential.Store.
func (s *CredentialStore) RevokeTokens(ctx context.Context, kind credential.TokenKind, subject, idPrefix string, at time.Time) ([][]byte, error) {
	var hashes [][]byte
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT hash FROM tokens WHERE kind = ? AND subject = ? AND revoked_at IS NULL`, kind, subject)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h []byte
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return err
			}
			if strings.HasPrefix(hex.EncodeToString(h), idPrefix) {
				hashes = append(hashes, h)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE hash = ?`, ms(at), h); err != nil {
				return err
			}
		}
		return nil
	})
	return hashes, err
}

// DeleteExpiredTokens implements credential.Store.
func (s *CredentialStore) DeleteExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error) {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM tokens WHERE hash IN
		(SELECT hash FROM tokens WHERE expires_at < ? LIMIT ?)`, ms(before), limit)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Accounts.

const accountColumns = `id, name, is_partner, enabled, created_at, updated_at`

func scanAccount(row scanner) (credential.Account, error) {
	var a credential.Account
	var created, updated int64
	if err := row.Scan(&a.ID, &a.Name, &a.IsPartner, &a.Enabled, &created, &updated); err != nil {
		return credential.Account{}, translate(err)
	}
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, nil
}

// CreateAccount implements credential.Store.
func (s *CredentialStore) CreateAccount(ctx context.Context, a credential.Account) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.IsPartner, a.Enabled, ms(a.CreatedAt), ms(a.UpdatedAt))
	return translate(err)
}

// Account implements credential.Store.
func (s *CredentialStore) Account(ctx context.Context, id string) (credential.Account, error) {
	return scanAccount(s.db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
}

// AccountByName implements credential.Store.
func (s *CredentialStore) AccountByName(ctx context.Context, name string) (credential.Account, error) {
	return scanAccount(s.db.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE name = ?`, name))
}

// Accounts implements credential.Store.
func (s *CredentialStore) Accounts(ctx context.Context) ([]credential.Account, error) {
	return queryAll(ctx, s.db, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY id`)
}

// UpdateAccount implements credential.Store.
func (s *CredentialStore) UpdateAccount(ctx context.Context, id string, change func(credential.Account) (credential.Account, error)) (credential.Account, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (credential.Account, error) {
		return scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	}, change, func(tx *sql.Tx, _, a credential.Account) error {
		_, err := tx.ExecContext(ctx, `UPDATE accounts SET is_partner = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			a.IsPartner, a.Enabled, ms(a.UpdatedAt), id)
		return err
	})
}

// TakenNames implements credential.Store.
func (s *CredentialStore) TakenNames(ctx context.Context, keys []string) ([]string, error) {
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	scan := func(row scanner) (name string, err error) { return name, translate(row.Scan(&name)) }
	return queryAll(ctx, s.db, scan, `SELECT lower(name) FROM accounts WHERE lower(name) IN (SELECT value FROM json_each(?1))
		UNION SELECT lower(name) FROM iam_users WHERE lower(name) IN (SELECT value FROM json_each(?1))`, string(list))
}

// IAM users.

const iamUserColumns = `id, account_id, name, password_hash, enabled, created_at, updated_at`

func scanIAMUser(row scanner) (credential.IAMUser, error) {
	var u credential.IAMUser
	var created, updated int64
	if err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.PasswordHash, &u.Enabled, &created, &updated); err != nil {
		return credential.IAMUser{}, translate(err)
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

// CreateIAMUser implements credential.Store.
func (s *CredentialStore) CreateIAMUser(ctx context.Context, u credential.IAMUser) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO iam_users (`+iamUserColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.AccountID, u.Name, u.PasswordHash, u.Enabled, ms(u.CreatedAt), ms(u.UpdatedAt))
	return translate(err)
}

// IAMUser implements credential.Store.
func (s *CredentialStore) IAMUser(ctx context.Context, id string) (credential.IAMUser, error) {
	return scanIAMUser(s.db.read.QueryRowContext(ctx, `SELECT `+iamUserColumns+` FROM iam_users WHERE id = ?`, id))
}

// IAMUserByName implements credential.Store.
func (s *CredentialStore) IAMUserByName(ctx context.Context, accountID, name string) (credential.IAMUser, error) {
	return scanIAMUser(s.db.read.QueryRowContext(ctx, `SELECT `+iamUserColumns+` FROM iam_users WHERE account_id = ? AND name = ?`, accountID, name))
}

// IAMUsers implements credential.Store.
func (s *CredentialStore) IAMUsers(ctx context.Context, accountID string) ([]credential.IAMUser, error) {
	return queryAll(ctx, s.db, scanIAMUser, `SELECT `+iamUserColumns+` FROM iam_users
		WHERE ? = '' OR account_id = ? ORDER BY account_id, name`, accountID, accountID)
}

// UpdateIAMUser implements credential.Store.
func (s *CredentialStore) UpdateIAMUser(ctx context.Context, id string, change func(credential.IAMUser) (credential.IAMUser, error)) (credential.IAMUser, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (credential.IAMUser, error) {
		return scanIAMUser(tx.QueryRowContext(ctx, `SELECT `+iamUserColumns+` FROM iam_users WHERE id = ?`, id))
	}, change, func(tx *sql.Tx, _, u credential.IAMUser) error {
		_, err := tx.ExecContext(ctx, `UPDATE iam_users SET password_hash = ?, enabled = ?, updated_at = ? WHERE id = ?`,
			u.PasswordHash, u.Enabled, ms(u.UpdatedAt), id)
		return err
	})
}

// Access keys.

const accessKeyColumns = `ak, account_id, sealed_sk, description, enabled, created_at, updated_at`

func scanAccessKey(row scanner) (credential.AccessKey, error) {
	var k credential.AccessKey
	var created, updated int64
	if err := row.Scan(&k.AK, &k.AccountID, &k.SealedSK, &k.Description, &k.Enabled, &created, &updated); err != nil {
		return credential.AccessKey{}, translate(err)
	}
	k.CreatedAt, k.UpdatedAt = fromMS(created), fromMS(updated)
	return k, nil
}

// CreateAccessKey implements credential.Store.
func (s *CredentialStore) CreateAccessKey(ctx context.Context, k credential.AccessKey) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO access_keys (`+accessKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		k.AK, k.AccountID, k.SealedSK, k.Description, k.Enabled, ms(k.CreatedAt), ms(k.UpdatedAt))
	return translate(err)
}

// AccessKey implements credential.Store.
func (s *CredentialStore) AccessKey(ctx context.Context, ak string) (credential.AccessKey, error) {
	return scanAccessKey(s.db.read.QueryRowContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE ak = ?`, ak))
}

// AccessKeys implements credential.Store.
func (s *CredentialStore) AccessKeys(ctx context.Context, accountID string) ([]credential.AccessKey, error) {
	return queryAll(ctx, s.db, scanAccessKey, `SELECT `+accessKeyColumns+` FROM access_keys
		WHERE ? = '' OR account_id = ? ORDER BY account_id, created_at, ak`, accountID, accountID)
}

// UpdateAccessKey implements credential.Store.
func (s *CredentialStore) UpdateAccessKey(ctx context.Context, ak string, change func(credential.AccessKey) (credential.AccessKey, error)) (credential.AccessKey, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (credential.AccessKey, error) {
		return scanAccessKey(tx.QueryRowContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE ak = ?`, ak))
	}, change, func(tx *sql.Tx, _, k credential.AccessKey) error {
		_, err := tx.ExecContext(ctx, `UPDATE access_keys SET description = ?, enabled = ?, updated_at = ? WHERE ak = ?`,
			k.Description, k.Enabled, ms(k.UpdatedAt), ak)
		return err
	})
}

// Settings.

// Setting implements credential.Store.
func (s *CredentialStore) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	return v, translate(err)
}

// PutSettingIfAbsent implements credential.Store.
func (s *CredentialStore) PutSettingIfAbsent(ctx context.Context, key, value string) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value)
	return translate(err)
}
