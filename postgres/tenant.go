package postgres

import (
	"context"

	"github.com/aiccd/aiccd/tenant"
	"github.com/jackc/pgx/v5"
)

// TenantStore implements tenant.Store.
type TenantStore struct{ db *DB }

// NewTenantStore returns the tenant store of db.
func NewTenantStore(db *DB) *TenantStore { return &TenantStore{db: db} }

var _ tenant.Store = (*TenantStore)(nil)

// Create inserts t.
func (s *TenantStore) Create(ctx context.Context, t tenant.Tenant) error {
	_, err := s.db.pool.Exec(ctx,
		`INSERT INTO tenants (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)`,
		t.ID, t.Name, t.CreatedAt, t.UpdatedAt)
	return translate(err)
}

// CreateBatch inserts ts in one transaction.
func (s *TenantStore) CreateBatch(ctx context.Context, ts []tenant.Tenant) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, t := range ts {
			b.Queue(`INSERT INTO tenants (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)`,
				t.ID, t.Name, t.CreatedAt, t.UpdatedAt)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return translate(err)
}

// Get returns the tenant with id.
func (s *TenantStore) Get(ctx context.Context, id string) (tenant.Tenant, error) {
	return scanTenant(s.db.pool.QueryRow(ctx, `SELECT id, name, created_at, updated_at FROM tenants WHERE id = $1`, id))
}

// List returns every tenant by ID.
func (s *TenantStore) List(ctx context.Context) ([]tenant.Tenant, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT id, name, created_at, updated_at FROM tenants ORDER BY id`)
	if err != nil {
		return nil, translate(err)
	}
	ts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (tenant.Tenant, error) { return scanTenant(r) })
	return ts, translate(err)
}

func scanTenant(row pgx.Row) (tenant.Tenant, error) {
	var t tenant.Tenant
	if err := row.Scan(&t.ID, &t.Name, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return tenant.Tenant{}, translate(err)
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, nil
}
