package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/partner"
	"modernc.org/sqlite"
)

// CustomerStore implements partner.Store. SQLite's single writer
// serialises creations, so a mobile number's count cannot be raced.
type CustomerStore struct{ db *DB }

// NewCustomerStore returns the customer store of db.
func NewCustomerStore(db *DB) *CustomerStore { return &CustomerStore{db: db} }

var _ partner.Store = (*CustomerStore)(nil)

const customerColumns = `id, partner_id, name, name_key, email_key, sealed_email, mobile_key, sealed_mobile, password_hash, created_at`

const (
	insertCustomer = `INSERT INTO customers (` + customerColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// takeMobilePlace counts one more account on a mobile number, unless
	// it has limit already: then no row comes back.
	takeMobilePlace = `INSERT INTO customer_mobiles (mobile_key, accounts) VALUES (?, 1)
		ON CONFLICT (mobile_key) DO UPDATE SET accounts = accounts + 1 WHERE accounts < ?
		RETURNING accounts`
)

// nullBytes stores a nil slice as NULL rather than an empty blob.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// Create implements partner.Store.
func (s *CustomerStore) Create(ctx context.Context, r partner.Record, mobileLimit int) error {
	return s.CreateBatch(ctx, []partner.Record{r}, mobileLimit)
}

// CreateBatch implements partner.Store.
func (s *CustomerStore) CreateBatch(ctx context.Context, rs []partner.Record, mobileLimit int) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		insert, err := tx.PrepareContext(ctx, insertCustomer)
		if err != nil {
			return err
		}
		defer insert.Close()
		take, err := tx.PrepareContext(ctx, takeMobilePlace)
		if err != nil {
			return err
		}
		defer take.Close()
		for _, r := range rs {
			if r.MobileKey != nil {
				var n int
				err := take.QueryRowContext(ctx, r.MobileKey, mobileLimit).Scan(&n)
				if errors.Is(err, sql.ErrNoRows) {
					return partner.ErrMobileLimit
				}
				if err != nil {
					return err
				}
			}
			if _, err := insert.ExecContext(ctx, r.ID, r.PartnerID, r.Name, r.NameKey, nullBytes(r.EmailKey), nullBytes(r.SealedEmail),
				nullBytes(r.MobileKey), nullBytes(r.SealedMobile), r.PasswordHash, ms(r.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
	return customerConflict(err)
}

// customerConflict tells which unique index refused a customer.
func customerConflict(err error) error {
	var se *sqlite.Error
	if !errors.Is(err, aiccd.ErrConflict) || !errors.As(err, &se) {
		return err
	}
	switch msg := se.Error(); {
	case strings.Contains(msg, "customers.name_key"):
		return partner.ErrNameUsed
	case strings.Contains(msg, "customers.email_key"):
		return partner.ErrEmailUsed
	}
	return err
}

// NameUsed implements partner.Store.
func (s *CustomerStore) NameUsed(ctx context.Context, nameKey string) (bool, error) {
	return s.exists(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE name_key = ?)`, nameKey)
}

// EmailUsed implements partner.Store.
func (s *CustomerStore) EmailUsed(ctx context.Context, emailKey []byte) (bool, error) {
	return s.exists(ctx, `SELECT EXISTS (SELECT 1 FROM customers WHERE email_key = ?)`, emailKey)
}

func (s *CustomerStore) exists(ctx context.Context, query string, arg any) (bool, error) {
	var used bool
	err := s.db.read.QueryRowContext(ctx, query, arg).Scan(&used)
	return used, translate(err)
}

// MobileAccounts implements partner.Store.
func (s *CustomerStore) MobileAccounts(ctx context.Context, mobileKey []byte) (int, error) {
	var n int
	err := s.db.read.QueryRowContext(ctx, `SELECT accounts FROM customer_mobiles WHERE mobile_key = ?`, mobileKey).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, translate(err)
}

func scanCustomer(row scanner) (partner.Record, error) {
	var r partner.Record
	var created int64
	if err := row.Scan(&r.ID, &r.PartnerID, &r.Name, &r.NameKey, &r.EmailKey, &r.SealedEmail,
		&r.MobileKey, &r.SealedMobile, &r.PasswordHash, &created); err != nil {
		return partner.Record{}, translate(err)
	}
	r.CreatedAt = fromMS(created)
	return r, nil
}

// Get implements partner.Store.
func (s *CustomerStore) Get(ctx context.Context, id string) (partner.Record, error) {
	return scanCustomer(s.db.read.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = ?`, id))
}

// GetByName implements partner.Store.
func (s *CustomerStore) GetByName(ctx context.Context, nameKey string) (partner.Record, error) {
	return scanCustomer(s.db.read.QueryRowContext(ctx, `SELECT `+customerColumns+` FROM customers WHERE name_key = ?`, nameKey))
}

// List implements partner.Store.
func (s *CustomerStore) List(ctx context.Context, partnerID, afterNameKey string, limit int) ([]partner.Record, error) {
	if partnerID == "" {
		return queryAll(ctx, s.db, scanCustomer, `SELECT `+customerColumns+` FROM customers
			WHERE name_key > ? ORDER BY name_key LIMIT ?`, afterNameKey, limit)
	}
	return queryAll(ctx, s.db, scanCustomer, `SELECT `+customerColumns+` FROM customers
		WHERE partner_id = ? AND name_key > ? ORDER BY name_key LIMIT ?`, partnerID, afterNameKey, limit)
}

// Delete implements partner.Store.
func (s *CustomerStore) Delete(ctx context.Context, id string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var mobileKey []byte
		if err := tx.QueryRowContext(ctx, `DELETE FROM customers WHERE id = ? RETURNING mobile_key`, id).Scan(&mobileKey); err != nil {
			return err
		}
		if mobileKey == nil {
			return nil
		}
		// The last account of a number takes its count with it.
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE customer_mobiles SET accounts = accounts - 1 WHERE mobile_key = ?
			RETURNING accounts`, mobileKey).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM customer_mobiles WHERE mobile_key = ? AND accounts = 0`, mobileKey)
		return err
	})
}
