package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

// AccessCodeStore implements accesscode.Store.
type AccessCodeStore struct {
	db *DB

	batchOnce sync.Once
	batchStmt *sql.Stmt // a multi-row insert of batchRows access codes
	batchErr  error
}

// NewAccessCodeStore returns the access code store of db.
func NewAccessCodeStore(db *DB) *AccessCodeStore { return &AccessCodeStore{db: db} }

var _ accesscode.Store = (*AccessCodeStore)(nil)

var (
	codeIndex = trigramIndex{table: "access_code_fts", column: "code",
		sampleQuery: `SELECT access_code FROM access_codes WHERE tenant_id = ?1 ORDER BY access_code LIMIT ?2`}
	descriptionIndex = trigramIndex{table: "access_code_description_fts", column: "description",
		sampleQuery: `SELECT description_key FROM access_codes WHERE tenant_id = ?1 AND description_key IS NOT NULL ORDER BY access_code LIMIT ?2`}
)

const accessCodeColumns = `a.id, a.tenant_id, a.access_code, a.media_type, a.n400_number, a.description, a.call_attr, a.created_at, a.updated_at`

const insertAccessCode = `INSERT INTO access_codes (id, tenant_id, access_code, media_type, n400_number, description, description_key, call_attr, created_at, updated_at) VALUES `

const accessCodeParams = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// batchRows access codes go into one INSERT statement: 10 parameters a row
// stay below SQLite's limit of 32766.
const batchRows = 3000

func accessCodeArgs(args []any, a accesscode.AccessCode) []any {
	return append(args, a.ID, a.TenantID, a.Code, int64(a.MediaType), nullable(a.N400Number),
		nullable(a.Description), nullable(accesscode.FoldOptional(a.Description)), int64(a.CallAttr), a.CreatedAt.UnixMilli(), a.UpdatedAt.UnixMilli())
}

// nullable is an optional text as a query argument: NULL for none.
func nullable(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// Create inserts a.
func (s *AccessCodeStore) Create(ctx context.Context, a accesscode.AccessCode) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, insertAccessCode+accessCodeParams, accessCodeArgs(nil, a)...); err != nil {
			return err
		}
		if err := codeIndex.add(ctx, tx, a.ID, a.Code); err != nil {
			return err
		}
		if err := descriptionIndex.replace(ctx, tx, a.ID, nil, accesscode.FoldOptional(a.Description)); err != nil {
			return err
		}
		return addCounts(ctx, tx, a.TenantID, map[accesscode.MediaType]int{a.MediaType: 1})
	})
}

// CreateBatch inserts acs in one transaction, batchRows to a statement.
func (s *AccessCodeStore) CreateBatch(ctx context.Context, tenantID string, acs []accesscode.AccessCode) error {
	s.batchOnce.Do(func() {
		s.batchStmt, s.batchErr = s.db.write.PrepareContext(context.WithoutCancel(ctx),
			insertAccessCode+strings.Repeat(accessCodeParams+",", batchRows-1)+accessCodeParams)
	})
	if s.batchErr != nil {
		return translate(s.batchErr)
	}
	counts := map[accesscode.MediaType]int{}
	for _, a := range acs {
		counts[a.MediaType]++
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		stmt := tx.StmtContext(ctx, s.batchStmt)
		args := make([]any, 0, 10*batchRows)
		rest := acs
		for len(rest) >= batchRows {
			args = args[:0]
			for _, a := range rest[:batchRows] {
				args = accessCodeArgs(args, a)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			rest = rest[batchRows:]
		}
		if len(rest) > 0 {
			args = args[:0]
			for _, a := range rest {
				args = accessCodeArgs(args, a)
			}
			q := insertAccessCode + strings.Repeat(accessCodeParams+",", len(rest)-1) + accessCodeParams
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		// Index the whole batch in one statement per index.
		ids := make([]byte, 0, 20*len(acs)+2)
		ids = append(ids, '[')
		for i, a := range acs {
			if i > 0 {
				ids = append(ids, ',')
			}
			ids = strconv.AppendInt(ids, a.ID, 10)
		}
		ids = append(ids, ']')
		const batch = `FROM json_each(?) j CROSS JOIN access_codes a ON a.id = j.value`
		if err := codeIndex.addFrom(ctx, tx, `SELECT a.id, a.access_code AS text `+batch, string(ids)); err != nil {
			return err
		}
		if err := descriptionIndex.addFrom(ctx, tx, `SELECT a.id, a.description_key AS text `+batch+` WHERE a.description_key IS NOT NULL`, string(ids)); err != nil {
			return err
		}
		return addCounts(ctx, tx, tenantID, counts)
	})
}

// addCounts adds delta to the tenant's access code counts by media type.
func addCounts(ctx context.Context, tx *sql.Tx, tenantID string, delta map[accesscode.MediaType]int) error {
	for m, n := range delta {
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO access_code_counts (tenant_id, media_type, n) VALUES (?, ?, ?)
			ON CONFLICT (tenant_id, media_type) DO UPDATE SET n = n + excluded.n`, tenantID, int64(m), n); err != nil {
			return err
		}
	}
	return nil
}

// Get returns the access code id of tenantID.
func (s *AccessCodeStore) Get(ctx context.Context, tenantID string, id int64) (accesscode.AccessCode, error) {
	return scanAccessCode(s.db.read.QueryRowContext(ctx,
		`SELECT `+accessCodeColumns+` FROM access_codes a WHERE a.tenant_id = ? AND a.id = ?`, tenantID, id))
}

// Update rewrites the access code id of tenantID with what change makes of
// it, in one write transaction.
func (s *AccessCodeStore) Update(ctx context.Context, tenantID string, id int64, change func(accesscode.AccessCode) (accesscode.AccessCode, error)) (accesscode.AccessCode, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (accesscode.AccessCode, error) {
		return scanAccessCode(tx.QueryRowContext(ctx,
			`SELECT `+accessCodeColumns+` FROM access_codes a WHERE a.tenant_id = ? AND a.id = ?`, tenantID, id))
	}, change, func(tx *sql.Tx, old, a accesscode.AccessCode) error {
		args := accessCodeArgs(nil, a)
		// id, tenant_id and created_at stay.
		if _, err := tx.ExecContext(ctx, `UPDATE access_codes SET access_code = ?, media_type = ?, n400_number = ?,
			description = ?, description_key = ?, call_attr = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			args[2], args[3], args[4], args[5], args[6], args[7], args[9], tenantID, id); err != nil {
			return err
		}
		if err := codeIndex.replace(ctx, tx, id, &old.Code, &a.Code); err != nil {
			return err
		}
		if err := descriptionIndex.replace(ctx, tx, id, accesscode.FoldOptional(old.Description), accesscode.FoldOptional(a.Description)); err != nil {
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
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var media int64
		var code string
		var key sql.NullString
		var routes int
		err := tx.QueryRowContext(ctx, `SELECT media_type, access_code, description_key,
			(SELECT count(*) FROM called_routes r WHERE r.access_code_id = a.id)
			FROM access_codes a WHERE a.tenant_id = ? AND a.id = ?`, tenantID, id).Scan(&media, &code, &key, &routes)
		if err != nil {
			return err
		}
		if routes > 0 {
			return fmt.Errorf("%w: %w (%d)", aiccd.ErrConflict, accesscode.ErrRouted, routes)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM access_codes WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
			return err
		}
		if err := codeIndex.remove(ctx, tx, id, code); err != nil {
			return err
		}
		if err := descriptionIndex.replace(ctx, tx, id, stringPtr(key), nil); err != nil {
			return err
		}
		return addCounts(ctx, tx, tenantID, map[accesscode.MediaType]int{accesscode.MediaType(media): -1})
	})
}

func scanAccessCode(row interface{ Scan(...any) error }) (accesscode.AccessCode, error) {
	var a accesscode.AccessCode
	err := scanAccessCodeInto(row, &a)
	return a, err
}

// scanAccessCodeInto scans the access code columns into a, and the
// columns after them into extra.
func scanAccessCodeInto(row interface{ Scan(...any) error }, a *accesscode.AccessCode, extra ...any) error {
	var media, attr, created, updated int64
	var n400, desc sql.NullString
	dest := append([]any{&a.ID, &a.TenantID, &a.Code, &media, &n400, &desc, &attr, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return translate(err)
	}
	a.MediaType, a.CallAttr = accesscode.MediaType(media), accesscode.CallAttr(attr)
	a.N400Number, a.Description = stringPtr(n400), stringPtr(desc)
	a.CreatedAt, a.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return nil
}

func stringPtr(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// Maintain has nothing to do on SQLite. FTS5 merges an index's segments
// as it writes them (automerge), and an import writes a segment per batch
// of 100,000 rows: a full 'optimize' afterwards costs 1.7 s per million
// rows and made searches no measurably faster (docs/benchmarks.md).
func (s *AccessCodeStore) Maintain(context.Context) error { return nil }
