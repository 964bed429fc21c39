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

// Create inserts t.
func (s *TenantStore) Create(ctx context.Context, t tenant.Tenant) error {
	_, err := s.db.write.ExecContext(ctx,
		`INSERT INTO tenants (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		t.ID, t.Name, t.CreatedAt.UnixMilli(), t.UpdatedAt.UnixMilli())
	return translate(err)
}

// CreateBatch inserts ts in one transaction.
func (s *TenantStore) CreateBatch(ctx context.Context, ts []tenant.Tenant) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO tenants (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range ts {
			if _, err := stmt.ExecContext(ctx, t.ID, t.Name, t.CreatedAt.UnixMilli(), t.UpdatedAt.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get returns the tenant with id.
func (s *TenantStore) Get(ctx context.Context, id string) (tenant.Tenant, error) {
	row := s.db.read.QueryRowContext(ctx, `SELECT id, name, created_at, updated_at FROM tenants WHERE id = ?`, id)
	return scanTenant(row)
}

// List returns every tenant by ID.
func (s *TenantStore) List(ctx context.Context) ([]tenant.Tenant, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT id, name, created_at, updated_at FROM tenants ORDER BY id`)
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

func scanTenant(row interface{ Scan(...any) error }) (tenant.Tenant, error) {
	var t tenant.Tenant
	var created, updated int64
	if err := row.Scan(&t.ID, &t.Name, &created, &updated); err != nil {
		return tenant.Tenant{}, translate(err)
	}
	t.CreatedAt, t.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return t, nil
}
