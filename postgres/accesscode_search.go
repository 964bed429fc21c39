package postgres

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aiccd/aiccd/accesscode"
	"github.com/jackc/pgx/v5"
)

// Search counts the tenant's access codes matching f and returns page p of
// them, in one statement (so count and page see the same snapshot).
// Substring filters are LIKE patterns with every %, _ and \ of the term
// escaped, served by the trigram indexes (a multi-word description by its
// rarest word, then checked whole: see wordsample.go), or strpos over the
// tenant's rows for small tenants and short terms; totals without them
// come from the counts table. searchQuery writes the statement.
func (s *AccessCodeStore) Search(ctx context.Context, tenantID string, f accesscode.Filter, p accesscode.Paging) (accesscode.Page, error) {
	q := searchQuery{f: f, p: p, lookup: f.Description}
	if q.filtered() {
		size, err := s.tenantSize(ctx, tenantID)
		if err != nil {
			return accesscode.Page{}, err
		}
		if size == 0 {
			return accesscode.Page{Items: []accesscode.AccessCode{}}, nil
		}
		q.scanTenant = size <= smallTenant
		if f.Description != "" && !q.scanTenant {
			sample, err := s.descriptionSample(ctx, tenantID)
			if err != nil {
				return accesscode.Page{}, err
			}
			q.lookup = lookupTerm(f.Description, sample)
		}
	}
	stmt := q.statement(tenantID)
	rows, err := s.db.pool.Query(ctx, stmt, append([]any{q.execMode()}, q.args...)...)
	if err != nil {
		return accesscode.Page{}, translate(err)
	}
	return readSearchRows(rows, p.Limit > 0)
}

// tenantSize is how many access codes the tenant holds, remembered for a
// few seconds. A tenant without any is not remembered: its first rows
// must not be missed.
func (s *AccessCodeStore) tenantSize(ctx context.Context, tenantID string) (int64, error) {
	if size, ok := s.sizes.Get(tenantID, "access codes"); ok {
		return size, nil
	}
	var size int64
	if err := s.db.pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = $1`,
		tenantID).Scan(&size); err != nil {
		return 0, translate(err)
	}
	if size > 0 {
		s.sizes.Put(tenantID, "access codes", size)
	}
	return size, nil
}

// searchQuery writes the statement of one access code search: its
// parameters are numbered in the order they are added, which statement
// fixes. Each plan choice is one method.
type searchQuery struct {
	f accesscode.Filter
	p accesscode.Paging
	// scanTenant reads the tenant's own rows rather than a trigram index:
	// the tenant is small, and a term common in other tenants cannot
	// slow its search down.
	scanTenant bool
	// lookup is what the description is looked up by: the description
	// itself, or its rarest word (lookupTerm).
	lookup string

	args  args
	media string // the media type's parameter, "" without one
}

// filtered tells whether the search has a substring filter.
func (q *searchQuery) filtered() bool { return q.f.AccessCode != "" || q.f.Description != "" }

// statement is the search's one statement: the total in its first column,
// then the page's columns (NULL in the one row of an empty page) when
// the search asks for a page.
func (q *searchQuery) statement(tenantID string) string {
	where := q.conditions(tenantID)
	if q.readsMatchesOnce() {
		return q.matchesSQL(where)
	}
	stmt := `SELECT (` + q.countSQL(where) + `)::bigint`
	if q.p.Limit > 0 {
		stmt += q.pageSQL(where)
	}
	return stmt
}

// conditions is the filter's WHERE clause on access_codes a.
func (q *searchQuery) conditions(tenantID string) string {
	conds := []string{"a.tenant_id = " + q.args.add(tenantID)}
	if q.f.MediaType != 0 {
		q.media = q.args.add(int16(q.f.MediaType))
		conds = append(conds, "a.media_type = "+q.media)
	}
	if q.f.AccessCode != "" {
		conds = append(conds, q.codeCondition())
	}
	if q.f.Description != "" {
		conds = append(conds, q.contains("a.description_key", q.lookup))
		if q.lookup != q.f.Description {
			// The index found the rarest word; the rows must hold the
			// whole description.
			conds = append(conds, `strpos(a.description_key, `+q.args.add(q.f.Description)+`) > 0`)
		}
	}
	return strings.Join(conds, " AND ")
}

// codeCondition matches the access code filter. A term as long as the
// longest code a tenant may hold is contained only in a code equal to
// it: the tenant's unique index finds that one row without the trigram
// index. A shorter term may sit anywhere in a longer code, which no
// B-tree order finds.
func (q *searchQuery) codeCondition() string {
	if len(q.f.AccessCode) == accesscode.MaxCodeLen {
		return "a.access_code = " + q.args.add(q.f.AccessCode)
	}
	return q.contains("a.access_code", q.f.AccessCode)
}

// contains matches column containing term. It goes through the column's
// trigram index unless the tenant is small or the term too short for
// trigrams: then the tenant's own rows are read. strpos, unlike LIKE,
// keeps the planner off the trigram index.
func (q *searchQuery) contains(column, term string) string {
	if q.scanTenant || utf8.RuneCountInString(term) < 3 {
		return `strpos(` + column + `, ` + q.args.add(term) + `) > 0`
	}
	return column + ` LIKE ` + q.args.add(containsPattern(term)) + ` ESCAPE '\'`
}

// countSQL is the statement of the total. Without a substring filter it
// is the counts table's; a count bounded by CountUpTo (for the console)
// stops at the bound.
func (q *searchQuery) countSQL(where string) string {
	switch {
	case !q.filtered():
		counts := "SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = $1"
		if q.media != "" {
			counts += " AND media_type = " + q.media
		}
		return counts
	case q.p.CountUpTo > 0:
		return "SELECT count(*) FROM (SELECT 1 FROM access_codes a WHERE " + where + " LIMIT " + q.args.add(q.p.CountUpTo) + ") c"
	default:
		return "SELECT count(*) FROM access_codes a WHERE " + where
	}
}

// pageSQL is the page's part of the statement, joined to the total's one
// row so that an empty page still returns the total. The page starts
// after the cursor; the total counts the whole filter.
func (q *searchQuery) pageSQL(where string) string {
	if q.p.After != "" {
		where += " AND a.access_code > " + q.args.add(q.p.After)
	}
	return `, p.* FROM (SELECT 1) one LEFT JOIN (SELECT ` + accessCodeColumns + ` FROM access_codes a WHERE ` + where + `
			ORDER BY a.access_code, a.id LIMIT ` + q.args.add(q.p.Limit) + ` OFFSET ` + q.args.add(q.p.Offset) + `) p ON true
			ORDER BY p.access_code, p.id`
}

// readsMatchesOnce tells whether the search is by access code alone with
// an unbounded count. Such a search reads its matches once: the count
// and the page both come from them, where a count and a page each
// looking the term up in the trigram index read it twice. (A count
// bounded by CountUpTo, for the console, stops early instead, and keeps
// the plain plan.)
func (q *searchQuery) readsMatchesOnce() bool {
	return q.f.AccessCode != "" && q.f.Description == "" && q.p.CountUpTo == 0
}

// matchesSQL is the statement of a search that reads its matches once.
// The matches are held as (id, code) pairs and the page's rows read by
// ID: a code term's matches are few (a three-digit term matches about
// one code in 200 of seven digits), and the count reads every one of
// them anyway.
func (q *searchQuery) matchesSQL(where string) string {
	stmt := `WITH m AS MATERIALIZED (SELECT a.id, a.access_code FROM access_codes a WHERE ` + where + `)
			SELECT (SELECT count(*) FROM m)::bigint`
	if q.p.Limit > 0 {
		after := ""
		if q.p.After != "" {
			after = " WHERE m.access_code > " + q.args.add(q.p.After)
		}
		stmt += `, p.* FROM (SELECT 1) one LEFT JOIN (SELECT ` + accessCodeColumns + ` FROM (SELECT m.id FROM m` + after + `
				ORDER BY m.access_code, m.id LIMIT ` + q.args.add(q.p.Limit) + ` OFFSET ` + q.args.add(q.p.Offset) + `) k
				JOIN access_codes a ON a.id = k.id) p ON true
				ORDER BY p.access_code, p.id`
	}
	return stmt
}

// execMode is how the statement is sent. A description search is planned
// for its own terms: a plan made for an unknown pattern cannot know
// whether the trigram index helps, and a common word's index look-up
// costs more than reading the tenant. Access codes are short digit
// strings, for which PostgreSQL picks the same plan whatever the digits
// (the trigram index, from a three-digit term in a tenth of the rows to
// a whole code), so their searches reuse a prepared statement: planning
// took three fifths of PostgreSQL's time.
func (q *searchQuery) execMode() pgx.QueryExecMode {
	if q.f.Description != "" {
		return pgx.QueryExecModeExec
	}
	return pgx.QueryExecModeCacheStatement
}

// readSearchRows reads a search statement's rows: the total, and with a
// page the page's columns, NULL in the one row of an empty page.
func readSearchRows(rows pgx.Rows, withPage bool) (accesscode.Page, error) {
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
		if withPage {
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
