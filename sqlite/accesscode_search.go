package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/database/planhint"
)

// Search counts the tenant's access codes matching f and returns page p of
// them. Count and page are read in one transaction, so they agree.
//
// A substring filter is served by its trigram index while the index yields
// fewer candidates than the tenant has rows, and by a scan of the tenant's
// own rows otherwise; either way each row is checked with instr against
// its stored text. The page of a common term is read in access code order
// from the tenant's index, stopping at the page's end. searchQuery holds
// the plan.
func (s *AccessCodeStore) Search(ctx context.Context, tenantID string, f accesscode.Filter, p accesscode.Paging) (accesscode.Page, error) {
	tx, err := s.db.read.beginRead(ctx)
	if err != nil {
		return accesscode.Page{}, translate(err)
	}
	defer tx.Rollback()
	page, err := s.search(ctx, tx, tenantID, f, p)
	return page, translate(err)
}

func (s *AccessCodeStore) search(ctx context.Context, tx querier, tenantID string, f accesscode.Filter, p accesscode.Paging) (accesscode.Page, error) {
	size, err := tenantSize(ctx, tx, tenantID, f.MediaType)
	if err != nil {
		return accesscode.Page{}, err
	}
	if size == 0 {
		return accesscode.Page{Items: []accesscode.AccessCode{}}, nil
	}
	q := newSearchQuery(tenantID, f, p, size)
	if err := q.pickIndex(ctx, tx, s.db.samples, tenantID); err != nil {
		return accesscode.Page{}, err
	}
	if q.pageCountsTotal() {
		query, args := q.pageSQL(q.source(), "count(*) OVER ()")
		page, err := readPage(ctx, tx, query, args)
		if err != nil || len(page.Items) > 0 {
			return page, err
		}
	}
	total, err := q.count(ctx, tx)
	if err != nil {
		return accesscode.Page{}, err
	}
	if p.Limit == 0 || p.Offset >= total {
		return accesscode.Page{Total: total, Items: []accesscode.AccessCode{}}, nil
	}
	query, args := q.pageSQL(q.pageSource(total), "NULL")
	page, err := readPage(ctx, tx, query, args)
	page.Total = total
	return page, err
}

// tenantSize is how many rows the tenant has of the media type asked for
// (of every type for 0), from the counts table.
func tenantSize(ctx context.Context, tx querier, tenantID string, media accesscode.MediaType) (int, error) {
	query, args := `SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = ?`, []any{tenantID}
	if media != 0 {
		query, args = query+` AND media_type = ?`, append(args, int64(media))
	}
	var size int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&size)
	return size, err
}

// searchQuery is the plan of one access code search of a tenant with
// size rows of the media type asked for.
type searchQuery struct {
	f    accesscode.Filter
	p    accesscode.Paging
	size int
	w    where // the filter's conditions on access_codes a

	// drive is the trigram index that yields the fewest candidates, nil
	// when reading the tenant's rows costs less.
	drive      *candidates
	driveIndex trigramIndex
}

func newSearchQuery(tenantID string, f accesscode.Filter, p accesscode.Paging, size int) *searchQuery {
	q := &searchQuery{f: f, p: p, size: size}
	q.w.add("a.tenant_id = ?", tenantID)
	if f.MediaType != 0 {
		q.w.add("a.media_type = ?", int64(f.MediaType))
	}
	if q.exactCode() {
		q.w.add("a.access_code = ?", f.AccessCode)
	} else if f.AccessCode != "" {
		q.w.add("instr(a.access_code, ?) > 0", f.AccessCode)
	}
	if f.Description != "" {
		q.w.add("instr(a.description_key, ?) > 0", f.Description)
	}
	return q
}

// exactCode tells whether the code filter is a whole code. A term as long
// as the longest code a tenant may hold is contained only in a code
// equal to it: the tenant's unique index finds that one row, and FTS5
// has nothing to set up. A shorter term may sit anywhere in a longer
// code, which no B-tree order finds.
func (q *searchQuery) exactCode() bool { return len(q.f.AccessCode) == accesscode.MaxCodeLen }

// filtered tells whether the search has a substring filter.
func (q *searchQuery) filtered() bool { return q.f.AccessCode != "" || q.f.Description != "" }

// pickIndex picks the most selective trigram index among the substring
// filters, if any yields fewer candidates than the tenant has rows.
func (q *searchQuery) pickIndex(ctx context.Context, tx querier, samples *planhint.Cache[*sample], tenantID string) error {
	for _, t := range []struct {
		ix   trigramIndex
		term string
	}{{codeIndex, q.f.AccessCode}, {descriptionIndex, q.f.Description}} {
		if t.term == "" || t.ix == codeIndex && q.exactCode() {
			continue
		}
		c, err := t.ix.plan(ctx, tx, samples, tenantID, t.term, q.size)
		if err != nil {
			return err
		}
		if !c.scan && (q.drive == nil || c.estimate < q.drive.estimate) {
			q.drive, q.driveIndex = &c, t.ix
		}
	}
	return nil
}

// rowSource is where a statement reads access codes from: its FROM
// clause, its WHERE clause and their arguments.
type rowSource struct {
	from, cond string
	args       []any
}

// tenantRows reads the tenant's rows, checking each against the filter.
func (q *searchQuery) tenantRows() rowSource {
	return rowSource{"access_codes a", q.w.sql(), q.w.args}
}

// source reads the candidates of the picked index, or the tenant's rows
// without one. CROSS JOIN keeps the index as the outer loop: SQLite would
// otherwise prefer walking the tenant's rows.
func (q *searchQuery) source() rowSource {
	if q.drive == nil {
		return q.tenantRows()
	}
	t := q.driveIndex.table
	return rowSource{t + " CROSS JOIN access_codes a ON a.id = " + t + ".rowid", t + " MATCH ? AND " + q.w.sql(),
		append([]any{q.drive.match}, q.w.args...)}
}

// pageCountsTotal tells whether the page is read through the index with
// the total counted alongside it: it counts the candidates it reads
// anyway, one statement instead of a count and a page, each looking the
// terms up in the index. (Only when the page is empty is the count run
// alone.) The page goes through the index (pageSource) when
// (offset+limit)*size/total reaches the estimate; total is at most the
// estimate, so testing with the estimate in its place is enough.
func (q *searchQuery) pageCountsTotal() bool {
	d, p := q.drive, q.p
	return d != nil && d.estimate > 0 && p.Limit > 0 && p.After == "" && (p.Offset+p.Limit)*q.size/d.estimate >= d.estimate
}

// pageSource is where the page is read from once the total is known.
// Reading the tenant's rows in order finds the page after about
// (offset+limit)*size/total rows; the index reads every candidate.
func (q *searchQuery) pageSource(total int) rowSource {
	if q.drive != nil && (q.p.Offset+q.p.Limit)*q.size/total < q.drive.estimate {
		return q.tenantRows()
	}
	return q.source()
}

// count is the total: the counts table's without a substring filter, and
// with CountUpTo (for the console) a count that stops at the bound.
func (q *searchQuery) count(ctx context.Context, tx querier) (int, error) {
	if !q.filtered() {
		return q.size, nil
	}
	src := q.source()
	query, args := `SELECT count(*) FROM `+src.from+` WHERE `+src.cond, src.args
	if q.p.CountUpTo > 0 {
		query, args = `SELECT count(*) FROM (SELECT 1 FROM `+src.from+` WHERE `+src.cond+` LIMIT ?)`,
			append(slices.Clip(args), q.p.CountUpTo)
	}
	var total int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&total)
	return total, err
}

// pageSQL reads the page from src, each row followed by the column
// countColumn. The page starts after the cursor; the total counts the
// whole filter.
func (q *searchQuery) pageSQL(src rowSource, countColumn string) (string, []any) {
	cond, args := src.cond, slices.Clip(src.args)
	if q.p.After != "" {
		cond, args = cond+" AND a.access_code > ?", append(args, q.p.After)
	}
	return `SELECT ` + accessCodeColumns + `, ` + countColumn + ` FROM ` + src.from + ` WHERE ` + cond +
		` ORDER BY a.access_code, a.id LIMIT ? OFFSET ?`, append(slices.Clip(args), q.p.Limit, q.p.Offset)
}

// readPage reads the access codes query selects, each followed by the
// count of the whole filter or NULL.
func readPage(ctx context.Context, tx querier, query string, args []any) (accesscode.Page, error) {
	page := accesscode.Page{Items: []accesscode.AccessCode{}}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return page, err
	}
	defer rows.Close()
	for rows.Next() {
		var a accesscode.AccessCode
		var total sql.NullInt64
		if err := scanAccessCodeInto(rows, &a, &total); err != nil {
			return page, err
		}
		page.Items = append(page.Items, a)
		page.Total = int(total.Int64)
	}
	return page, rows.Err()
}

// where collects the conditions of a query and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, arg)
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }
