package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/aiccd/aiccd/tenant"
)

// TenantStore implements tenant.Store.
type TenantStore struct{ db *DB }

// NewTenantStore returns the tenant store of db.
func NewTenantStore(db *DB) *TenantStore { return &TenantStore{db: db} }

var _ tenant.Store = (*TenantStore)(nil)

const (
	tenantColumns = `id, name, kind, space_status, vdn, portal_url, trial_expires_at,
		sealed_profile, mobile_index, email_index, revision, created_at, updated_at`
	insertTenant = `INSERT INTO tenants (` + tenantColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

func tenantArgs(t tenant.Tenant) []any {
	return []any{t.ID, t.Name, string(t.Kind), string(t.Status), t.VDN, t.PortalURL, nullMillis(t.TrialExpiresAt),
		t.SealedProfile, t.MobileIndex, t.EmailIndex, t.Revision, t.CreatedAt.UnixMilli(), t.UpdatedAt.UnixMilli()}
}

// nullMillis stores a zero time as NULL and others as epoch milliseconds.
func nullMillis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMillis reads what nullMillis stored.
func fromMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

// Create inserts t.
func (s *TenantStore) Create(ctx context.Context, t tenant.Tenant) error {
	_, err := s.db.write.ExecContext(ctx, insertTenant, tenantArgs(t)...)
	return translate(err)
}

// CreateBatch inserts ts in one transaction.
func (s *TenantStore) CreateBatch(ctx context.Context, ts []tenant.Tenant) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertTenant)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range ts {
			if _, err := stmt.ExecContext(ctx, tenantArgs(t)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateWithUniqueContacts inserts t unless its mobile number or e-mail
// address is taken. The write transaction (BEGIN IMMEDIATE) serialises it
// with every other writer.
func (s *TenantStore) CreateWithUniqueContacts(ctx context.Context, t tenant.Tenant) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range []struct {
			column string
			index  []byte
			taken  error
		}{{"mobile_index", t.MobileIndex, tenant.ErrMobileTaken}, {"email_index", t.EmailIndex, tenant.ErrEmailTaken}} {
			if c.index == nil {
				continue
			}
			var one int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM tenants WHERE `+c.column+` = ? LIMIT 1`, c.index).Scan(&one)
			if err == nil {
				return c.taken
			}
			if err != sql.ErrNoRows {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, insertTenant, tenantArgs(t)...)
		return err
	})
}

// Get returns the tenant with id.
func (s *TenantStore) Get(ctx context.Context, id string) (tenant.Tenant, error) {
	return scanTenant(s.db.read.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`, id))
}

// List returns every tenant by ID, without its sealed profile.
func (s *TenantStore) List(ctx context.Context) ([]tenant.Tenant, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, name, kind, space_status, vdn, portal_url, trial_expires_at,
		NULL, NULL, NULL, revision, created_at, updated_at FROM tenants ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var ts []tenant.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, translate(rows.Err())
}

// Update changes the tenant id.
func (s *TenantStore) Update(ctx context.Context, id string, change func(tenant.Tenant) (tenant.Tenant, error)) (tenant.Tenant, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (tenant.Tenant, error) {
		return scanTenant(tx.QueryRowContext(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`, id))
	}, func(old tenant.Tenant) (tenant.Tenant, error) {
		t, err := change(old)
		t.ID, t.Revision = id, old.Revision+1
		return t, err
	}, func(tx *sql.Tx, _, t tenant.Tenant) error {
		_, err := tx.ExecContext(ctx, `UPDATE tenants SET name = ?, kind = ?, space_status = ?, vdn = ?, portal_url = ?,
			trial_expires_at = ?, sealed_profile = ?, mobile_index = ?, email_index = ?, created_at = ?, updated_at = ?,
			revision = ? WHERE id = ?`,
			t.Name, string(t.Kind), string(t.Status), t.VDN, t.PortalURL, nullMillis(t.TrialExpiresAt),
			t.SealedProfile, t.MobileIndex, t.EmailIndex, t.CreatedAt.UnixMilli(), t.UpdatedAt.UnixMilli(), t.Revision, id)
		return err
	})
}

func scanTenant(row interface{ Scan(...any) error }) (tenant.Tenant, error) {
	var t tenant.Tenant
	var kind, status string
	var expires sql.NullInt64
	var created, updated int64
	if err := row.Scan(&t.ID, &t.Name, &kind, &status, &t.VDN, &t.PortalURL, &expires,
		&t.SealedProfile, &t.MobileIndex, &t.EmailIndex, &t.Revision, &created, &updated); err != nil {
		return tenant.Tenant{}, translate(err)
	}
	t.Kind, t.Status = tenant.Kind(kind), tenant.SpaceStatus(status)
	t.TrialExpiresAt = fromMillis(expires)
	t.CreatedAt, t.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return t, nil
}

// Resources.

const resourceColumns = `id, tenant_id, type, spec, quantity, start_at, end_at, cancelled_at, created_at`

// CreateResource inserts r.
func (s *TenantStore) CreateResource(ctx context.Context, r tenant.Resource) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO tenant_resources (`+resourceColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.TenantID, r.Type, r.Spec, r.Quantity, r.StartAt.UnixMilli(), r.EndAt.UnixMilli(),
		nullMillis(r.CancelledAt), r.CreatedAt.UnixMilli())
	return translate(err)
}

// Resources returns a page of tenantID's resources whose period overlaps
// the query's, and how many there are.
func (s *TenantStore) Resources(ctx context.Context, tenantID string, q tenant.ResourceQuery) ([]tenant.Resource, int, error) {
	where := `tenant_id = ? AND (? IS NULL OR end_at > ?) AND (? IS NULL OR start_at <= ?)`
	from, to := nullMillis(q.From), nullMillis(q.To)
	args := []any{tenantID, from, from, to, to}
	var total int
	if err := s.db.read.QueryRowContext(ctx, `SELECT count(*) FROM tenant_resources WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, translate(err)
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+resourceColumns+` FROM tenant_resources WHERE `+where+`
		ORDER BY start_at, id LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
	if err != nil {
		return nil, 0, translate(err)
	}
	defer rows.Close()
	var rs []tenant.Resource
	for rows.Next() {
		var r tenant.Resource
		var start, end, created int64
		var cancelled sql.NullInt64
		if err := rows.Scan(&r.ID, &r.TenantID, &r.Type, &r.Spec, &r.Quantity, &start, &end, &cancelled, &created); err != nil {
			return nil, 0, translate(err)
		}
		r.StartAt, r.EndAt, r.CreatedAt = time.UnixMilli(start).UTC(), time.UnixMilli(end).UTC(), time.UnixMilli(created).UTC()
		r.CancelledAt = fromMillis(cancelled)
		rs = append(rs, r)
	}
	return rs, total, translate(rows.Err())
}

// CancelResource marks tenantID's resource id cancelled at at.
func (s *TenantStore) CancelResource(ctx context.Context, tenantID, id string, at time.Time) error {
	res, err := s.db.write.ExecContext(ctx, `UPDATE tenant_resources SET cancelled_at = ?
		WHERE tenant_id = ? AND id = ? AND cancelled_at IS NULL`, at.UnixMilli(), tenantID, id)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return translate(sql.ErrNoRows)
	}
	return nil
}

// Verification codes.

// PutVerificationCode stores c, replacing the phone's previous code.
func (s *TenantStore) PutVerificationCode(ctx context.Context, c tenant.VerificationCode) error {
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO phone_verification_codes (phone_index, code_hash, created_at, expires_at, attempts)
		VALUES (?, ?, ?, ?, 0) ON CONFLICT (phone_index) DO UPDATE SET
		code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0`,
		c.PhoneIndex, c.CodeHash, c.CreatedAt.UnixMilli(), c.ExpiresAt.UnixMilli())
	return translate(err)
}

// AttemptVerificationCode counts an attempt at an unexpired code below the
// limit and returns its hash, in one statement.
func (s *TenantStore) AttemptVerificationCode(ctx context.Context, phoneIndex []byte, now time.Time, maxAttempts int) ([]byte, error) {
	var hash []byte
	err := s.db.write.QueryRowContext(ctx, `UPDATE phone_verification_codes SET attempts = attempts + 1
		WHERE phone_index = ? AND expires_at > ? AND attempts < ? RETURNING code_hash`,
		phoneIndex, now.UnixMilli(), maxAttempts).Scan(&hash)
	return hash, translate(err)
}

// UseVerificationCode deletes the code if it is still codeHash.
func (s *TenantStore) UseVerificationCode(ctx context.Context, phoneIndex, codeHash []byte) (bool, error) {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM phone_verification_codes WHERE phone_index = ? AND code_hash = ?`, phoneIndex, codeHash)
	if err != nil {
		return false, translate(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
