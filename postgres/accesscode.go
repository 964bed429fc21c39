package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// Search counts the tenant's access codes matching f and returns page p of
// them, in one statement (so count and page see the same snapshot).
// Substring filters are LIKE patterns with every %, _ and \ of the term
// escaped, served by the trigram indexes (a multi-word description by its
// rarest word, then checked whole: see wordsample.go), or strpos over the
// tenant's rows for small tenants and short terms; totals without them
// come from the counts table.
func (s *AccessCodeStore) Search(ctx context.Context, tenantID string, f accesscode.Filter, p accesscode.Paging) (accesscode.Page, error) {
	var a args
	conds := []string{"a.tenant_id = " + a.add(tenantID)}
	counts := "SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = $1"
	if f.MediaType != 0 {
		m := a.add(int16(f.MediaType))
		conds = append(conds, "a.media_type = "+m)
		counts += " AND media_type = " + m
	}
	// A substring filter goes through its trigram index unless the tenant
	// is small or the term too short for trigrams: then the tenant's own
	// rows are read, which a term common in other tenants cannot slow
	// down. strpos, unlike LIKE, keeps the planner off the trigram index.
	scanTenant := false
	if f.AccessCode != "" || f.Description != "" {
		size, ok := s.sizes.Get(tenantID, "access codes")
		if !ok {
			if err := s.db.pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = $1`,
				tenantID).Scan(&size); err != nil {
				return accesscode.Page{}, translate(err)
			}
			if size == 0 {
				// Not remembered: the tenant's first rows must not be missed.
				return accesscode.Page{Items: []accesscode.AccessCode{}}, nil
			}
			s.sizes.Put(tenantID, "access codes", size)
		}
		scanTenant = size <= smallTenant
	}
	contains := func(column, term string) {
		if scanTenant || utf8.RuneCountInString(term) < 3 {
			conds = append(conds, `strpos(`+column+`, `+a.add(term)+`) > 0`)
		} else {
			conds = append(conds, column+` LIKE `+a.add(containsPattern(term))+` ESCAPE '\'`)
		}
	}
	// A term as long as the longest code a tenant may hold is contained
	// only in a code equal to it: the tenant's unique index finds that one
	// row without the trigram index. A shorter term may sit anywhere in a
	// longer code, which no B-tree order finds.
	if len(f.AccessCode) == accesscode.MaxCodeLen {
		conds = append(conds, "a.access_code = "+a.add(f.AccessCode))
	} else if f.AccessCode != "" {
		contains("a.access_code", f.AccessCode)
	}
	if f.Description != "" {
		lookup := f.Description
		if !scanTenant {
			sample, err := s.descriptionSample(ctx, tenantID)
			if err != nil {
				return accesscode.Page{}, err
			}
			lookup = lookupTerm(f.Description, sample)
		}
		contains("a.description_key", lookup)
		if lookup != f.Description {
			conds = append(conds, `strpos(a.description_key, `+a.add(f.Description)+`) > 0`)
		}
	}
	where := strings.Join(conds, " AND ")
	total := "SELECT count(*) FROM access_codes a WHERE " + where
	if f.AccessCode == "" && f.Description == "" {
		total = counts
	} else if p.CountUpTo > 0 {
		total = "SELECT count(*) FROM (SELECT 1 FROM access_codes a WHERE " + where + " LIMIT " + a.add(p.CountUpTo) + ") c"
	}
	q := `SELECT (` + total + `)::bigint`
	if f.AccessCode != "" && f.Description == "" && p.CountUpTo == 0 {
		// An access code search reads its matches once: the count and
		// the page both come from them, where a count and a page each
		// looking the term up in the trigram index read it twice. The
		// matches are held as (id, code) pairs and the page's rows read by
		// ID: a code term's matches are few (a three-digit term matches
		// about one code in 200 of seven digits), and the count reads
		// every one of them anyway. (A count bounded by CountUpTo, for
		// the console, stops early instead, and keeps the plain plan.)
		q = `WITH m AS MATERIALIZED (SELECT a.id, a.access_code FROM access_codes a WHERE ` + where + `)
			SELECT (SELECT count(*) FROM m)::bigint`
		if p.Limit > 0 {
			after := ""
			if p.After != "" {
				after = " WHERE m.access_code > " + a.add(p.After)
			}
			q += `, p.* FROM (SELECT 1) one LEFT JOIN (SELECT ` + accessCodeColumns + ` FROM (SELECT m.id FROM m` + after + `
				ORDER BY m.access_code, m.id LIMIT ` + a.add(p.Limit) + ` OFFSET ` + a.add(p.Offset) + `) k
				JOIN access_codes a ON a.id = k.id) p ON true
				ORDER BY p.access_code, p.id`
		}
	} else if p.Limit > 0 {
		pageWhere := where
		if p.After != "" {
			pageWhere += " AND a.access_code > " + a.add(p.After)
		}
		q += `, p.* FROM (SELECT 1) one LEFT JOIN (SELECT ` + accessCodeColumns + ` FROM access_codes a WHERE ` + pageWhere + `
			ORDER BY a.access_code, a.id LIMIT ` + a.add(p.Limit) + ` OFFSET ` + a.add(p.Offset) + `) p ON true
			ORDER BY p.access_code, p.id`
	}
	// A description search is planned for its own terms: a plan made for
	// an unknown pattern cannot know whether the trigram index helps, and
	// a common word's index look-up costs more than reading the tenant.
	// Access codes are short digit strings, for which PostgreSQL picks
	// the same plan whatever the digits (the trigram index, from a
	// three-digit term in a tenth of the rows to a whole code), so their
	// searches reuse a prepared statement: planning took three fifths of
	// PostgreSQL's time.
	mode := pgx.QueryExecModeCacheStatement
	if f.Description != "" {
		mode = pgx.QueryExecModeExec
	}
	rows, err := s.db.pool.Query(ctx, q, append([]any{mode}, a...)...)
	if err != nil {
		return accesscode.Page{}, translate(err)
	}
	defer rows.Close()
	page := accesscode.Page{Items: []accesscode.AccessCode{}}
	for rows.Next() {
		var total int64
		var id *int64
		var ac accesscode.AccessCode
		var media, attr *int16
		var tenant, code *string
		var created, updated *time.Time
		dest := []any{&total}
		if p.Limit > 0 {
			// The page's columns are NULL in the one row of an empty page.
			dest = append(dest, &id, &tenant, &code, &media, &ac.N400Number, &ac.Description, &attr, &created, &updated)
		}
		if err := rows.Scan(dest...); err != nil {
			return accesscode.Page{}, translate(err)
		}
		page.Total = int(total)
		if id == nil {
			continue // the page is empty
		}
		ac.ID, ac.TenantID, ac.Code = *id, *tenant, *code
		ac.MediaType, ac.CallAttr = accesscode.MediaType(*media), accesscode.CallAttr(*attr)
		ac.CreatedAt, ac.UpdatedAt = created.UTC(), updated.UTC()
		page.Items = append(page.Items, ac)
	}
	return page, translate(rows.Err())
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
