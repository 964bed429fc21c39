package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/aiccd/aiccd/tenant"
	"github.com/jackc/pgx/v5"
)

// TenantStore implements tenant.Store.
type TenantStore struct{ db *DB }

// NewTenantStore returns the tenant store of db.
func NewTenantStore(db *DB) *TenantStore { return &TenantStore{db: db} }

var _ tenant.Store = (*TenantStore)(nil)

const (
	tenantColumns = `id, name, kind, space_status, vdn, portal_url, trial_expires_at,
		sealed_profile, mobile_index, email_index, revision, created_at, updated_at`
	insertTenant = `INSERT INTO tenants (` + tenantColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
)

func tenantArgs(t tenant.Tenant) []any {
	return []any{t.ID, t.Name, string(t.Kind), string(t.Status), t.VDN, t.PortalURL, nullTime(t.TrialExpiresAt),
		t.SealedProfile, t.MobileIndex, t.EmailIndex, t.Revision, t.CreatedAt, t.UpdatedAt}
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fromNull reads what nullTime stored.
func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// Create inserts t.
func (s *TenantStore) Create(ctx context.Context, t tenant.Tenant) error {
	_, err := s.db.pool.Exec(ctx, insertTenant, tenantArgs(t)...)
	return translate(err)
}

// CreateBatch inserts ts in one transaction.
func (s *TenantStore) CreateBatch(ctx context.Context, ts []tenant.Tenant) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, t := range ts {
			b.Queue(insertTenant, tenantArgs(t)...)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return translate(err)
}

// contactsLock is the advisory lock key that serialises
// CreateWithUniqueContacts ("tenantco" in ASCII).
const contactsLock = 0x74656e616e74636f

// CreateWithUniqueContacts inserts t unless its mobile number or e-mail
// address is taken, holding a transaction-scoped advisory lock so that two
// applications with the same contacts cannot both pass the check.
func (s *TenantStore) CreateWithUniqueContacts(ctx context.Context, t tenant.Tenant) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(contactsLock)); err != nil {
			return err
		}
		var mobile, email bool
		if err := tx.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM tenants WHERE $1::bytea IS NOT NULL AND mobile_index = $1),
			EXISTS (SELECT 1 FROM tenants WHERE $2::bytea IS NOT NULL AND email_index = $2)`,
			t.MobileIndex, t.EmailIndex).Scan(&mobile, &email); err != nil {
			return err
		}
		switch {
		case mobile:
			return tenant.ErrMobileTaken
		case email:
			return tenant.ErrEmailTaken
		}
		_, err := tx.Exec(ctx, insertTenant, tenantArgs(t)...)
		return err
	})
	if errors.Is(err, tenant.ErrMobileTaken) || errors.Is(err, tenant.ErrEmailTaken) {
		return err
	}
	return translate(err)
}

// Get returns the tenant with id.
func (s *TenantStore) Get(ctx context.Context, id string) (tenant.Tenant, error) {
	return scanTenant(s.db.pool.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1`, id))
}

// List returns every tenant by ID, without its sealed profile.
func (s *TenantStore) List(ctx context.Context) ([]tenant.Tenant, error) {
	return queryAll(ctx, s.db, scanTenant, `SELECT id, name, kind, space_status, vdn, portal_url, trial_expires_at,
		NULL::bytea, NULL::bytea, NULL::bytea, revision, created_at, updated_at FROM tenants ORDER BY id`)
}

// Update changes the tenant id.
func (s *TenantStore) Update(ctx context.Context, id string, change func(tenant.Tenant) (tenant.Tenant, error)) (tenant.Tenant, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (tenant.Tenant, error) {
		return scanTenant(tx.QueryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = $1 FOR UPDATE`, id))
	}, func(old tenant.Tenant) (tenant.Tenant, error) {
		t, err := change(old)
		t.ID, t.Revision = id, old.Revision+1
		return t, err
	}, func(tx pgx.Tx, _, t tenant.Tenant) error {
		_, err := tx.Exec(ctx, `UPDATE tenants SET name = $1, kind = $2, space_status = $3, vdn = $4, portal_url = $5,
			trial_expires_at = $6, sealed_profile = $7, mobile_index = $8, email_index = $9, created_at = $10, updated_at = $11,
			revision = $12 WHERE id = $13`,
			t.Name, string(t.Kind), string(t.Status), t.VDN, t.PortalURL, nullTime(t.TrialExpiresAt),
			t.SealedProfile, t.MobileIndex, t.EmailIndex, t.CreatedAt, t.UpdatedAt, t.Revision, id)
		return err
	})
}

func scanTenant(row pgx.Row) (tenant.Tenant, error) {
	var t tenant.Tenant
	var kind, status string
	var expires *time.Time
	if err := row.Scan(&t.ID, &t.Name, &kind, &status, &t.VDN, &t.PortalURL, &expires,
		&t.SealedProfile, &t.MobileIndex, &t.EmailIndex, &t.Revision, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return tenant.Tenant{}, translate(err)
	}
	t.Kind, t.Status = tenant.Kind(kind), tenant.SpaceStatus(status)
	t.TrialExpiresAt = fromNull(expires)
	utc(&t.CreatedAt, &t.UpdatedAt)
	return t, nil
}

// Resources.

const resourceColumns = `id, tenant_id, type, spec, quantity, start_at, end_at, cancelled_at, created_at`

// CreateResource inserts r.
func (s *TenantStore) CreateResource(ctx context.Context, r tenant.Resource) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO tenant_resources (`+resourceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.ID, r.TenantID, r.Type, r.Spec, r.Quantity, r.StartAt, r.EndAt, nullTime(r.CancelledAt), r.CreatedAt)
	return translate(err)
}

// Resources returns a page of tenantID's resources whose period overlaps
// the query's, and how many there are.
func (s *TenantStore) Resources(ctx context.Context, tenantID string, q tenant.ResourceQuery) ([]tenant.Resource, int, error) {
	const where = `tenant_id = $1 AND ($2::timestamptz IS NULL OR end_at > $2) AND ($3::timestamptz IS NULL OR start_at <= $3)`
	args := []any{tenantID, nullTime(q.From), nullTime(q.To)}
	var total int
	if err := s.db.pool.QueryRow(ctx, `SELECT count(*) FROM tenant_resources WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, translate(err)
	}
	rs, err := queryAll(ctx, s.db, scanResource, `SELECT `+resourceColumns+` FROM tenant_resources WHERE `+where+`
		ORDER BY start_at, id LIMIT $4 OFFSET $5`, append(args, q.Limit, q.Offset)...)
	return rs, total, err
}

func scanResource(row pgx.Row) (tenant.Resource, error) {
	var r tenant.Resource
	var cancelled *time.Time
	if err := row.Scan(&r.ID, &r.TenantID, &r.Type, &r.Spec, &r.Quantity, &r.StartAt, &r.EndAt, &cancelled, &r.CreatedAt); err != nil {
		return tenant.Resource{}, translate(err)
	}
	utc(&r.StartAt, &r.EndAt, &r.CreatedAt)
	r.CancelledAt = fromNull(cancelled)
	return r, nil
}

// CancelResource marks tenantID's resource id cancelled at at.
func (s *TenantStore) CancelResource(ctx context.Context, tenantID, id string, at time.Time) error {
	return s.db.execOne(ctx, `UPDATE tenant_resources SET cancelled_at = $1
		WHERE tenant_id = $2 AND id = $3 AND cancelled_at IS NULL`, at, tenantID, id)
}

// Verification codes.

// PutVerificationCode stores c, replacing the phone's previous code.
func (s *TenantStore) PutVerificationCode(ctx context.Context, c tenant.VerificationCode) error {
	_, err := s.db.pool.Exec(ctx, `INSERT INTO phone_verification_codes (phone_index, code_hash, created_at, expires_at, attempts)
		VALUES ($1, $2, $3, $4, 0) ON CONFLICT (phone_index) DO UPDATE SET
		code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0`,
		c.PhoneIndex, c.CodeHash, c.CreatedAt, c.ExpiresAt)
	return translate(err)
}

// AttemptVerificationCode counts an attempt at an unexpired code below the
// limit and returns its hash, in one statement: concurrent attempts queue
// on the row's lock, and each tests the limit against the count the one
// before it left.
func (s *TenantStore) AttemptVerificationCode(ctx context.Context, phoneIndex []byte, now time.Time, maxAttempts int) ([]byte, error) {
	var hash []byte
	err := s.db.pool.QueryRow(ctx, `UPDATE phone_verification_codes SET attempts = attempts + 1
		WHERE phone_index = $1 AND expires_at > $2 AND attempts < $3 RETURNING code_hash`,
		phoneIndex, now, maxAttempts).Scan(&hash)
	return hash, translate(err)
}

// UseVerificationCode deletes the code if it is still codeHash.
func (s *TenantStore) UseVerificationCode(ctx context.Context, phoneIndex, codeHash []byte) (bool, error) {
	tag, err := s.db.pool.Exec(ctx, `DELETE FROM phone_verification_codes WHERE phone_index = $1 AND code_hash = $2`, phoneIndex, codeHash)
	if err != nil {
		return false, translate(err)
	}
	return tag.RowsAffected() == 1, nil
}
