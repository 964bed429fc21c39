package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
)

// A trigramIndex is an FTS5 trigram index over the folded text of one
// column (see migrations/0002_access_codes.sql): rowid is the row's ID,
// and the indexed text ends in two U+0001 characters so that every
// substring of one or two characters begins some trigram. It only finds
// candidates; the caller checks each against the row (instr on the stored
// text), so matching is exact and user input is never a pattern.
type trigramIndex struct {
	table  string // the FTS5 table
	column string // its one column
	terms  string // its fts5vocab table of type row
}

// add indexes text (folded) as row id's. Stores call it, and remove, in the
// transactions that change the rows.
func (ix trigramIndex) add(ctx context.Context, tx *sql.Tx, id int64, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+ix.table+` (rowid, `+ix.column+`) VALUES (?, ? || char(1, 1))`, id, text)
	return err
}

// remove takes row id's text out of the index: the text must be the one
// indexed, as a contentless FTS5 table keeps no copy of its own.
func (ix trigramIndex) remove(ctx context.Context, tx *sql.Tx, id int64, text string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+ix.table+` (`+ix.table+`, rowid, `+ix.column+`) VALUES ('delete', ?, ? || char(1, 1))`, id, text)
	return err
}

// replace moves row id from the old text to the new one; nil is no text.
func (ix trigramIndex) replace(ctx context.Context, tx *sql.Tx, id int64, old, new *string) error {
	if equalText(old, new) {
		return nil
	}
	if old != nil {
		if err := ix.remove(ctx, tx, id, *old); err != nil {
			return err
		}
	}
	if new != nil {
		return ix.add(ctx, tx, id, *new)
	}
	return nil
}

func equalText(a, b *string) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// addFrom indexes, in one statement, the text that query selects as
// (id, text) rows.
func (ix trigramIndex) addFrom(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+ix.table+` (rowid, `+ix.column+`) SELECT id, text || char(1, 1) FROM (`+query+`)`, args...)
	return err
}

const (
	// maxTrigrams bounds the trigrams a long term is looked up by: more
	// narrow the candidates little and cost a doclist each.
	maxTrigrams = 8
	// maxExpansion bounds the trigrams a term of one or two characters may
	// expand to before a scan of the tenant is cheaper.
	maxExpansion = 512
)

// candidates is how a search finds the rows that may contain a term.
type candidates struct {
	none     bool   // no row contains the term
	scan     bool   // the term is too common: read the tenant's rows instead
	match    string // FTS5 query for a superset of the rows containing the term
	estimate int    // how many rows match selects, at most
}

// plan decides how to find the rows containing term, given that a scan of
// the tenant costs about budget rows: through the index while it yields no
// more than budget candidates, by a scan otherwise. Its own cost is bounded
// by budget too.
func (ix trigramIndex) plan(ctx context.Context, tx *sql.Tx, term string, budget int) (candidates, error) {
	runes := []rune(term)
	if len(runes) >= 3 {
		grams, rarest, err := ix.rarest(ctx, tx, trigrams(runes))
		if err != nil {
			return candidates{}, err
		}
		match := strings.Join(quoteAll(grams), " AND ")
		n := rarest // the rarest trigram's rows bound the candidates
		if n >= probeLimit {
			counts, err := ix.count(ctx, tx, []string{match}, budget+1)
			if err != nil {
				return candidates{}, err
			}
			n = counts[0]
		}
		return candidates{none: n == 0, scan: n > budget, match: match, estimate: n}, nil
	}
	// One or two characters: the trigrams that begin with them, from the
	// index's vocabulary. Every trigram is at most the term followed by
	// U+10FFFF twice.
	rows, err := tx.QueryContext(ctx,
		`SELECT term, doc FROM `+ix.terms+` WHERE term >= ? AND term <= ?`,
		term, term+"\U0010FFFF\U0010FFFF")
	if err != nil {
		return candidates{}, err
	}
	defer rows.Close()
	var grams []string
	docs := 0
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return candidates{}, err
		}
		if !strings.HasPrefix(g, term) {
			continue
		}
		grams = append(grams, g)
		docs += n
		if docs > budget || len(grams) > maxExpansion {
			return candidates{scan: true}, nil
		}
	}
	if err := rows.Err(); err != nil {
		return candidates{}, err
	}
	if len(grams) == 0 {
		return candidates{none: true}, nil
	}
	return candidates{match: strings.Join(quoteAll(grams), " OR "), estimate: docs}, nil
}

// count returns how many rows each of matches selects, counting no
// further than limit, in one statement.
func (ix trigramIndex) count(ctx context.Context, tx *sql.Tx, matches []string, limit int) ([]int, error) {
	cols := make([]string, len(matches))
	args := make([]any, 0, len(matches)+1)
	args = append(args, limit)
	for i, m := range matches {
		cols[i] = `(SELECT count(*) FROM (SELECT 1 FROM ` + ix.table + ` WHERE ` + ix.table + ` MATCH ?` +
			strconv.Itoa(i+2) + ` LIMIT ?1))`
		args = append(args, m)
	}
	counts := make([]int, len(matches))
	dest := make([]any, len(matches))
	for i := range counts {
		dest[i] = &counts[i]
	}
	err := tx.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ", "), args...).Scan(dest...)
	return counts, err
}

// rarest returns the few trigrams of grams that fewest rows contain, and
// how many rows contain the rarest (up to probeLimit). FTS5 intersects
// trigrams by reading every one's whole list of rows, so a term made of
// common trigrams ("store 4217": "sto", "tor", "ore" are in half the
// descriptions) costs as much as its most common one. Counting each
// trigram's rows up to probeLimit, and intersecting only the rarest,
// bounds that cost by the rarest; the candidates are checked against the
// row anyway. When every trigram is common, they are all intersected.
func (ix trigramIndex) rarest(ctx context.Context, tx *sql.Tx, grams []string) ([]string, int, error) {
	counts, err := ix.count(ctx, tx, quoteAll(grams), probeLimit)
	if err != nil {
		return nil, 0, err
	}
	byCount := make([]int, len(grams))
	for i := range byCount {
		byCount[i] = i
	}
	slices.SortStableFunc(byCount, func(a, b int) int { return counts[a] - counts[b] })
	if counts[byCount[0]] >= probeLimit {
		return grams, probeLimit, nil
	}
	var rare []string
	for _, i := range byCount[:min(3, len(byCount))] {
		if counts[i] < probeLimit {
			rare = append(rare, grams[i])
		}
	}
	return rare, counts[byCount[0]], nil
}

// probeLimit is how far rarest counts a trigram's rows: beyond it, a
// trigram is common.
const probeLimit = 2048

// trigrams returns up to maxTrigrams distinct trigrams of runes, spread
// over the whole term.
func trigrams(runes []rune) []string {
	var all []string
	seen := map[string]bool{}
	for i := 0; i+3 <= len(runes); i++ {
		g := string(runes[i : i+3])
		if !seen[g] {
			seen[g] = true
			all = append(all, g)
		}
	}
	if len(all) <= maxTrigrams {
		return all
	}
	picked := make([]string, 0, maxTrigrams)
	for i := range maxTrigrams {
		picked = append(picked, all[i*(len(all)-1)/(maxTrigrams-1)])
	}
	return picked
}

// quoteAll makes each string an FTS5 string literal, so that nothing in it
// is read as query syntax.
func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return out
}
