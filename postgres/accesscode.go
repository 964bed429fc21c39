package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/database/planhint"
	"github.com/jackc/pgx/v5"
)

// smallTenant is the size up to which a tenant's rows are read rather than
// a trigram index: a few milliseconds at most, whatever other tenants hold.
const smallTenant = 5000

// AccessCodeStore implements accesscode.Store.
type AccessCodeStore struct {
	db      *DB
	samples *planhint.Cache[[]string] // tenants' descriptions: pick what multi-word terms are looked up by
	sizes   *planhint.Cache[int64]    // tenants' sizes: pick between the trigram indexes and a tenant's rows
}

// NewAccessCodeStore returns the access code store of db.
func NewAccessCodeStore(db *DB) *AccessCodeStore {
	return &AccessCodeStore{db: db, samples: planhint.New[[]string](time.Now, sampleAge, maxSamples),
		sizes: planhint.New[int64](time.Now, 5*time.Second, 1<<14)}
}

var _ accesscode.Store = (*AccessCodeStore)(nil)

const accessCodeColumns = `a.id, a.tenant_id, a.access_code, a.media_type, a.n400_number, a.description, a.call_attr, a.created_at, a.updated_at`

var accessCodeCopyColumns = []string{"id", "tenant_id", "access_code", "media_type", "n400_number",
	"description", "description_key", "call_attr", "created_at", "updated_at"}

func accessCodeRow(a accesscode.AccessCode) []any {
	return []any{a.ID, a.TenantID, a.Code, int16(a.MediaType), a.N400Number, a.Description, accesscode.FoldOptional(a.Description),
		int16(a.CallAttr), a.CreatedAt, a.UpdatedAt}
}

// Create inserts a.
func (s *AccessCodeStore) Create(ctx context.Context, a accesscode.AccessCode) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO access_codes (`+strings.Join(accessCodeCopyColumns, ", ")+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, accessCodeRow(a)...); err != nil {
			return err
		}
		return addCounts(ctx, tx, a.TenantID, map[accesscode.MediaType]int{a.MediaType: 1})
	})
}

// CreateBatch copies acs into the table in one transaction.
func (s *AccessCodeStore) CreateBatch(ctx context.Context, tenantID string, acs []accesscode.AccessCode) error {
	counts := map[accesscode.MediaType]int{}
	for _, a := range acs {
		counts[a.MediaType]++
	}
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"access_codes"}, accessCodeCopyColumns,
			pgx.CopyFromSlice(len(acs), func(i int) ([]any, error) { return accessCodeRow(acs[i]), nil }))
		if err != nil {
			return err
		}
		return addCounts(ctx, tx, tenantID, counts)
	})
}

// addCounts adds delta to the tenant's access code counts by media type.
func addCounts(ctx context.Context, tx pgx.Tx, tenantID string, delta map[accesscode.MediaType]int) error {
	for m, n := range delta {
		if n == 0 {
			continue
		}
		if _, err := tx.Exec(ctx, `INSERT INTO access_code_counts (tenant_id, media_type, n) VALUES ($1, $2, $3)
			ON CONFLICT (tenant_id, media_type) DO UPDATE SET n = access_code_counts.n + excluded.n`,
			tenantID, int16(m), n); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the access code id of tenantID.
func (s *AccessCodeStore) Get(ctx context.Context, tenantID string, id int64) (accesscode.AccessCode, error) {
	return scanAccessCode(s.db.pool.QueryRow(ctx,
		`SELECT `+accessCodeColumns+` FROM access_codes a WHERE a.tenant_id = $1 AND a.id = $2`, tenantID, id))
}

// Update rewrites the access code id of tenantID with what change makes of
// it, holding the row's lock in between.
func (s *AccessCodeStore) Update(ctx context.Context, tenantID string, id int64, change func(accesscode.AccessCode) (accesscode.AccessCode, error)) (accesscode.AccessCode, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (accesscode.AccessCode, error) {
		return scanAccessCode(tx.QueryRow(ctx,
			`SELECT `+accessCodeColumns+` FROM access_codes a WHERE a.tenant_id = $1 AND a.id = $2 FOR UPDATE`, tenantID, id))
	}, change, func(tx pgx.Tx, old, a accesscode.AccessCode) error {
		row := accessCodeRow(a)
		if _, err := tx.Exec(ctx, `UPDATE access_codes SET access_code = $1, media_type = $2, n400_number = $3,
			description = $4, description_key = $5, call_attr = $6, updated_at = $7 WHERE tenant_id = $8 AND id = $9`,
			row[2], row[3], row[4], row[5], row[6], row[7], row[9], tenantID, id); err != nil {
			return err
		}
		if a.MediaType != old.MediaType {
			if err := addCounts(ctx, tx, tenantID, map[accesscode.MediaType]int{old.MediaType: -1, a.MediaType: 1}); err != nil {
				return err
			}
		}
		return nil
	})
}

// Delete removes the access code id of tenantID unless routes use it.
func (s *AccessCodeStore) Delete(ctx context.Context, tenantID string, id int64) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		var media int16
		if err := tx.QueryRow(ctx, `SELECT media_type FROM access_codes WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
			tenantID, id).Scan(&media); err != nil {
			return err
		}
		var routes int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM called_routes WHERE access_code_id = $1`, id).Scan(&routes); err != nil {
			return err
		}
		if routes > 0 {
			return fmt.Errorf("%w: %w (%d)", aiccd.ErrConflict, accesscode.ErrRouted, routes)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM access_codes WHERE tenant_id = $1 AND id = $2`, tenantID, id); err != nil {
			return err
		}
		return addCounts(ctx, tx, tenantID, map[accesscode.MediaType]int{accesscode.MediaType(media): -1})
	})
}

// args numbers the parameters of a statement as they are added.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// containsPattern is the LIKE pattern matching text that contains term
// literally: the escape character and both wildcards are escaped.
func containsPattern(term string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(term) + "%"
}

func scanAccessCode(row pgx.Row) (accesscode.AccessCode, error) {
	var a accesscode.AccessCode
	var media, attr int16
	if err := row.Scan(&a.ID, &a.TenantID, &a.Code, &media, &a.N400Number, &a.Description, &attr, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return accesscode.AccessCode{}, translate(err)
	}
	a.MediaType, a.CallAttr = accesscode.MediaType(media), accesscode.CallAttr(attr)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// Maintain moves the trigram indexes' pending entries into the indexes
// proper and refreshes the planner's statistics and the description samples, after
// bulk changes.
func (s *AccessCodeStore) Maintain(ctx context.Context) error {
	defer s.samples.Clear()
	for _, ix := range []string{"access_codes_code_trgm", "access_codes_description_trgm", "called_routes_device_trgm"} {
		if _, err := s.db.pool.Exec(ctx, `SELECT gin_clean_pending_list($1::regclass)`, ix); err != nil {
			return translate(err)
		}
	}
	_, err := s.db.pool.Exec(ctx, `ANALYZE access_codes, access_code_counts, called_routes`)
	return translate(err)
}
