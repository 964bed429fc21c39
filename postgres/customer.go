package postgres

import (
	"context"
	"errors"

	"github.com/aiccd/aiccd/partner"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// CustomerStore implements partner.Store. Concurrent creations are kept
// apart by the unique indexes (names, e-mail addresses) and by the row
// lock on a mobile number's count, which the upsert that takes a place
// holds until the creation commits or rolls back.
type CustomerStore struct{ db *DB }

// NewCustomerStore returns the customer store of db.
func NewCustomerStore(db *DB) *CustomerStore { return &CustomerStore{db: db} }

var _ partner.Store = (*CustomerStore)(nil)

const customerColumns = `id, partner_id, name, name_key, email_key, sealed_email, mobile_key, sealed_mobile, password_hash, created_at`

const (
	insertCustomer = `INSERT INTO customers (` + customerColumns + `) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	// insertCustomerWithMobile takes a place on the mobile number and
	// inserts the customer in one statement; when the number has limit
	// accounts already, the upsert returns nothing and nothing is
	// inserted. A unique violation rolls the place back with the row.
	insertCustomerWithMobile = `WITH place AS (
		INSERT INTO customer_mobiles (mobile_key, accounts) VALUES ($7, 1)
		ON CONFLICT (mobile_key) DO UPDATE SET accounts = customer_mobiles.accounts + 1
		WHERE customer_mobiles.accounts < $11
		RETURNING 1
	)
	INSERT INTO customers (` + customerColumns + `)
	SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM place`
)

func customerArgs(r partner.Record, mobileLimit int) []any {
	args := []any{r.ID, r.PartnerID, r.Name, r.NameKey, r.EmailKey, r.SealedEmail, r.MobileKey, r.SealedMobile, r.PasswordHash, r.CreatedAt}
	if r.MobileKey != nil {
		args = append(args, mobileLimit)
	}
	return args
}

func customerInsert(r partner.Record) string {
	if r.MobileKey != nil {
		return insertCustomerWithMobile
	}
	return insertCustomer
}

// Create implements partner.Store.
func (s *CustomerStore) Create(ctx context.Context, r partner.Record, mobileLimit int) error {
	tag, err := s.db.pool.Exec(ctx, customerInsert(r), customerArgs(r, mobileLimit)...)
	if err != nil {
		return customerConflict(err)
	}
	if tag.RowsAffected() == 0 {
		return partner.ErrMobileLimit
	}
	return nil
}

// CreateBatch implements partner.Store: one round trip for the batch, in
// one transaction.
func (s *CustomerStore) CreateBatch(ctx context.Context, rs []partner.Record, mobileLimit int) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, r := range rs {
			b.Queue(customerInsert(r), customerArgs(r, mobileLimit)...)
		}
		br := tx.SendBatch(ctx, b)
		defer br.Close()
		for range rs {
			tag, err := br.Exec()
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return partner.ErrMobileLimit
			}
		}
		return br.Close()
	})
	return customerConflict(err)
}

// customerConflict tells which unique index refused a customer.
func customerConflict(err error) error {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok && pe.Code == "23505" {
		switch pe.ConstraintName {
		case "customers_name_key":
			return partner.ErrNameUsed
		case "customers_email_key":
			return partner.ErrEmailUsed
		}
	}
	if errors.Is(err, partner.ErrMobileLimit) {
		return err
	}
	return translate(err)
}

// NameUsed implements partner.Store.
func (s *CustomerStore) NameUsed(ctx context.Context, nameKey string) (bool, error) {
	return s.exists(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE name_key = $1)`, nameKey)
}

// EmailUsed implements partner.Store.
func (s *CustomerStore) EmailUsed(ctx context.Context, emailKey []byte) (bool, error) {
	return s.exists(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE email_key = $1)`, emailKey)
}

func (s *CustomerStore) exists(ctx context.Context, query string, arg any) (bool, error) {
	var used bool
	err := s.db.pool.QueryRow(ctx, query, arg).Scan(&used)
	return used, translate(err)
}

// MobileAccounts implements partner.Store.
func (s *CustomerStore) MobileAccounts(ctx context.Context, mobileKey []byte) (int, error) {
	var n int
	err := s.db.pool.QueryRow(ctx, `SELECT accounts FROM customer_mobiles WHERE mobile_key = $1`, mobileKey).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return n, translate(err)
}

func scanCustomer(row pgx.Row) (partner.Record, error) {
	var r partner.Record
	if err := row.Scan(&r.ID, &r.PartnerID, &r.Name, &r.NameKey, &r.EmailKey, &r.SealedEmail,
		&r.MobileKey, &r.SealedMobile, &r.PasswordHash, &r.CreatedAt); err != nil {
		return partner.Record{}, translate(err)
	}
	r.CreatedAt = r.CreatedAt.UTC()
	return r, nil
}

// Get implements partner.Store.
func (s *CustomerStore) Get(ctx context.Context, id string) (partner.Record, error) {
	return scanCustomer(s.db.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id))
}

// GetByName implements partner.Store.
func (s *CustomerStore) GetByName(ctx context.Context, nameKey string) (partner.Record, error) {
	return scanCustomer(s.db.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE name_key = $1`, nameKey))
}

// List implements partner.Store.
func (s *CustomerStore) List(ctx context.Context, partnerID, afterNameKey string, limit int) ([]partner.Record, error) {
	query := `SELECT ` + customerColumns + ` FROM customers WHERE partner_id = $1 AND name_key > $2 ORDER BY name_key LIMIT $3`
	args := []any{partnerID, afterNameKey, limit}
	if partnerID == "" {
		query = `SELECT ` + customerColumns + ` FROM customers WHERE name_key > $1 ORDER BY name_key LIMIT $2`
		args = args[1:]
	}
	rows, err := s.db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, translate(err)
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (partner.Record, error) { return scanCustomer(r) })
	return rs, translate(err)
}

// Delete implements partner.Store.
func (s *CustomerStore) Delete(ctx context.Context, id string) error {
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		var mobileKey []byte
		if err := tx.QueryRow(ctx, `DELETE FROM customers WHERE id = $1 RETURNING mobile_key`, id).Scan(&mobileKey); err != nil {
			return err
		}
		if mobileKey == nil {
			return nil
		}
		// The decrement locks the count's row until commit; the last
		// account of a number takes its count with it.
		var n int
		if err := tx.QueryRow(ctx, `UPDATE customer_mobiles SET accounts = accounts - 1 WHERE mobile_key = $1
			RETURNING accounts`, mobileKey).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM customer_mobiles WHERE mobile_key = $1 AND accounts = 0`, mobileKey)
		return err
	})
	return translate(err)
}
