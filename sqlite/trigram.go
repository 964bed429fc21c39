package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	// sampleQuery selects up to ?2 indexed texts of tenant ?1, through
	// the tenant's index.
	sampleQuery string
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

// A search is planned from figures of the searching tenant's own rows
// only: a sample of up to sampleRows of its indexed texts (in access code
// order, read through the tenant's index), remembered for sampleAge. The
// index is shared by every tenant, so its own counts would let another
// tenant's rows steer, and time, the plan: a term found only in another
// tenant's data would answer measurably differently from one found
// nowhere. A figure only steers the plan, never the answer: candidates
// are always checked against the rows.
const (
	sampleRows  = 2048
	sampleAge   = time.Minute
	maxSamples  = 256 // (tenant, index) pairs remembered
	commonRows  = 2048
	maxTrigrams = 12 // the trigrams of a long term that are considered
	// maxPlanBytes bounds the terms and FTS5 queries of the plans a
	// sample remembers (see sample.plans): 8 MB over maxSamples samples.
	maxPlanBytes = 32 << 10
)

// A sample is up to sampleRows of a tenant's indexed texts, and the plans
// made from it. Testing a term's trigrams against the sample is most of a
// plan's cost (about 10,000 substring tests for a long term), and a plan
// is a function of the sample, the term and the tenant's size alone, so it
// is remembered with the sample it came from: when the sample is read
// again (after sampleAge, or Clear), its plans go with it, and a plan is
// never older than the figures it was made from.
type sample struct {
	texts []string

	mu        sync.Mutex
	plans     map[planKey]candidates
	planBytes int
}

type planKey struct {
	term string
	size int
}

// plan returns the plan remembered for term at size.
func (s *sample) plan(term string, size int) (candidates, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.plans[planKey{term, size}]
	return c, ok
}

// remember keeps c as the plan for term at size. A full sample starts
// over: plans are cheap to make again, and memory stays bounded.
func (s *sample) remember(term string, size int, c candidates) {
	n := len(term) + len(c.match) + 64
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plans == nil || s.planBytes+n > maxPlanBytes {
		s.plans, s.planBytes = map[planKey]candidates{}, 0
	}
	s.plans[planKey{term, size}] = c
	s.planBytes += n
}

// candidates is how a search finds the rows that may contain a term.
type candidates struct {
	scan     bool   // read the tenant's rows instead
	match    string // FTS5 query for a superset of the rows containing the term
	estimate int    // how many of the tenant's rows match selects, estimated
}

// plan decides how to find the tenant's rows containing term, given that
// it has size rows. A tenant whose rows all fit in a sample, and a term of
// one or two characters (which trigrams serve only by expanding to every
// trigram that starts with it), read the tenant's rows. Otherwise the
// index is queried for the term's rarest trigrams as the tenant's sample
// estimates them.
func (ix trigramIndex) plan(ctx context.Context, tx querier, samples *planhint.Cache[*sample], tenantID, term string, size int) (candidates, error) {
	if size <= sampleRows || utf8.RuneCountInString(term) < 3 {
		return candidates{scan: true}, nil
	}
	sample, err := ix.sample(ctx, tx, samples, tenantID)
	if err != nil {
		return candidates{}, err
	}
	if c, ok := sample.plan(term, size); ok {
		return c, nil
	}
	c := planFrom(sample.texts, term, size)
	sample.remember(term, size, c)
	return c, nil
}

// planFrom plans the search of a tenant of size rows for term, of at
// least three characters, from a sample of the tenant's texts.
func planFrom(sample []string, term string, size int) candidates {
	grams := trigrams([]rune(term))
	est := make([]int, len(grams))
	for i, g := range grams {
		est[i] = estimate(g.text, sample, size)
	}
	picked := rarest(grams, est)
	texts := make([]string, len(picked))
	for k, i := range picked {
		texts[k] = grams[i].text
	}
	return candidates{match: strings.Join(quoteAll(texts), " AND "), estimate: est[picked[0]]}
}

// sample returns up to sampleRows of the tenant's indexed texts.
func (ix trigramIndex) sample(ctx context.Context, tx querier, samples *planhint.Cache[*sample], tenantID string) (*sample, error) {
	if s, ok := samples.Get(tenantID, ix.table); ok {
		return s, nil
	}
	rows, err := tx.QueryContext(ctx, ix.sampleQuery, tenantID, sampleRows)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, err
		}
		out = append(out, text)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	smp := &sample{texts: out}
	samples.Put(tenantID, ix.table, smp)
	return smp, nil
}

// estimate is how many of size rows contain gram, from a sample of their
// texts.
func estimate(gram string, sample []string, size int) int {
	if len(sample) == 0 {
		return 0
	}
	hits := 0
	for _, text := range sample {
		if strings.Contains(text, gram) {
			hits++
		}
	}
	return hits * size / len(sample)
}

// rarest returns the positions in grams of up to three trigrams that few
// rows contain, by est, the rarest first.
//
// FTS5 intersects trigrams by reading every one's whole list of rows, so a
// term with common trigrams ("store 4217": "sto", "tor", "ore" are in half
// the descriptions) would cost as much as its most common one; only the
// rarest are intersected, and the candidates are checked against the row
// anyway. Trigrams that overlap in the term occur together, so
// non-overlapping ones are preferred; overlapping ones are added only
// while they are rare.
func rarest(grams []gram, est []int) []int {
	order := make([]int, len(grams))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(est[a], est[b]) })
	// With rare trigrams, only rare ones are picked (a common one would
	// cost its whole list); among common ones, non-overlapping ones.
	rare := order
	common := est[order[0]] >= commonRows
	if !common {
		rare = slices.DeleteFunc(slices.Clone(order), func(i int) bool { return est[i] >= commonRows })
	}
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
	return picked
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

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
