package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// A trigramIndex is an FTS5 trigram index over the folded text of one
// column (see migrations/0002_access_codes.sql): rowid is the row's ID,
// and the indexed text ends in two U+0001 characters so that every
// substring of one or two characters begins some trigram. It only finds
// candidates; the caller checks each against the row (instr on the stored
// text), so matching is exact and user input is never a pattern.
type trigramIndex struct {
	table string // the FTS5 table
	terms string // its fts5vocab table of type row
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
		grams := trigrams(runes)
		match := strings.Join(quoteAll(grams), " AND ")
		var n int
		err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM (SELECT 1 FROM `+ix.table+` WHERE `+ix.table+` MATCH ? LIMIT ?)`,
			match, budget+1).Scan(&n)
		if err != nil {
			return candidates{}, err
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
