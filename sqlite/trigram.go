package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd/database/planhint"
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

// What probing single trigrams found is remembered for trigramHintTTL, so
// that planning a search does not read the row lists of its trigrams
// every time: on a search for an access code, those probes took a third of
// the CPU. A remembered count only steers the plan, never the answer:
// candidates are always checked against the rows.
const (
	trigramHintTTL  = 5 * time.Second
	maxTrigramHints = 1 << 16
)

const (
	// maxTrigrams bounds the trigrams of a long term that are probed.
	maxTrigrams = 12
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
func (ix trigramIndex) plan(ctx context.Context, tx querier, stats *planhint.Cache[probed], term string, budget int) (candidates, error) {
	runes := []rune(term)
	if len(runes) >= 3 {
		grams, rarest, err := ix.rarest(ctx, tx, stats, trigrams(runes))
		if err != nil {
			return candidates{}, err
		}
		match := strings.Join(quoteAll(grams), " AND ")
		n := rarest // the rarest trigram's rows bound the candidates
		if n >= probeLimit {
			p, err := ix.probe(ctx, tx, []string{match}, budget+1)
			if err != nil {
				return candidates{}, err
			}
			n = p[0].rows
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

// probed is what a probe learnt of one FTS5 query: how many rows it
// selects, up to the probe's limit, and the highest rowid among them.
type probed struct {
	rows  int
	reach int64
}

// probe runs each of matches, reading no more than limit rows of each, in
// one statement.
func (ix trigramIndex) probe(ctx context.Context, tx querier, matches []string, limit int) ([]probed, error) {
	parts := make([]string, len(matches))
	args := make([]any, 0, len(matches)+1)
	args = append(args, limit)
	for i, m := range matches {
		parts[i] = `SELECT ` + strconv.Itoa(i) + `, count(*), coalesce(max(rowid), 0) FROM (SELECT rowid FROM ` +
			ix.table + ` WHERE ` + ix.table + ` MATCH ?` + strconv.Itoa(i+2) + ` LIMIT ?1)`
		args = append(args, m)
	}
	rows, err := tx.QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]probed, len(matches))
	for rows.Next() {
		var i int
		var p probed
		if err := rows.Scan(&i, &p.rows, &p.reach); err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, rows.Err()
}

// rarest returns up to three trigrams of grams that few rows contain, and
// how many rows contain the rarest (up to probeLimit).
//
// FTS5 intersects trigrams by reading every one's whole list of rows, so a
// term with common trigrams ("store 4217": "sto", "tor", "ore" are in half
// the descriptions) would cost as much as its most common one; only the
// rarest are intersected, and the candidates are checked against the row
// anyway. A trigram is probed up to probeLimit rows: below, its count is
// exact; at the limit, the rowid it reached tells how densely it occurs,
// as rowids (snowflake IDs) are spread alike for all trigrams. Trigrams
// that overlap in the term occur together, so non-overlapping ones are
// preferred; overlapping ones are added only while they are rare.
func (ix trigramIndex) rarest(ctx context.Context, tx querier, stats *planhint.Cache[probed], grams []gram) ([]string, int, error) {
	p := make([]probed, len(grams))
	var unknown []int // the grams stats does not know
	var matches []string
	for i, g := range grams {
		var ok bool
		if p[i], ok = stats.Get(ix.table + "\x00" + g.text); !ok {
			unknown = append(unknown, i)
			matches = append(matches, quoteAll([]string{g.text})[0])
		}
	}
	if len(unknown) > 0 {
		found, err := ix.probe(ctx, tx, matches, probeLimit)
		if err != nil {
			return nil, 0, err
		}
		for k, i := range unknown {
			p[i] = found[k]
			// A trigram in no row is not remembered: a row written since
			// would be missed (see trigramHintTTL).
			if found[k].rows > 0 {
				stats.Put(ix.table+"\x00"+grams[i].text, found[k])
			}
		}
	}
	order := make([]int, len(grams))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if p[a].rows != p[b].rows {
			return p[a].rows - p[b].rows
		}
		return cmp.Compare(p[b].reach, p[a].reach) // further reach: sparser
	})
	// With rare trigrams, only rare ones are picked (a common one would
	// cost its whole list); among common ones, non-overlapping ones.
	rare := order
	if p[order[0]].rows < probeLimit {
		rare = slices.DeleteFunc(slices.Clone(order), func(i int) bool { return p[i].rows >= probeLimit })
	}
	common := p[order[0]].rows >= probeLimit
	var picked []int
	for _, overlapping := range []bool{false, true} {
		for _, i := range rare {
			// Overlapping common trigrams are added only to a short term's
			// single pick, where they still narrow much.
			if len(picked) == 3 || overlapping && common && len(picked) >= 2 {
				break
			}
			if slices.Contains(picked, i) {
				continue
			}
			if overlapping || !slices.ContainsFunc(picked, func(j int) bool { return abs(grams[i].at-grams[j].at) < 3 }) {
				picked = append(picked, i)
			}
		}
	}
	out := make([]string, len(picked))
	for k, i := range picked {
		out[k] = grams[i].text
	}
	return out, p[order[0]].rows, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// probeLimit is how far rarest counts a trigram's rows: beyond it, a
// trigram is common.
const probeLimit = 2048

// gram is a trigram of a term and where it first starts, in characters.
type gram struct {
	text string
	at   int
}

// trigrams returns up to maxTrigrams distinct trigrams of runes, spread
// over the whole term.
func trigrams(runes []rune) []gram {
	var all []gram
	seen := map[string]bool{}
	for i := 0; i+3 <= len(runes); i++ {
		g := string(runes[i : i+3])
		if !seen[g] {
			seen[g] = true
			all = append(all, gram{g, i})
		}
	}
	if len(all) <= maxTrigrams {
		return all
	}
	picked := make([]gram, 0, maxTrigrams)
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
