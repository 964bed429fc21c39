package postgres

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode"
)

// A GIN trigram index answers LIKE '%store 4217%' by checking, for every
// row holding its rarest trigram, every other trigram of the pattern. When
// the pattern mixes a rare word with a common one ("store" is in half the
// descriptions), those checks of the common word's long posting lists
// dominate: 30 ms on a million rows, against 0.2 ms for LIKE '%4217%'.
//
// So a multi-word term is looked up by its rarest word, as a sample of the
// descriptions tells, and the rows found are checked for the whole term
// with strpos. The sample is a few thousand descriptions of the whole
// table, kept in memory and refreshed every few minutes: an estimate only
// ever chooses the index condition, never the result.
type wordSample struct {
	mu    sync.Mutex
	keys  []string
	taken time.Time
}

const (
	sampleRows = 5000
	sampleAge  = 5 * time.Minute
)

// get returns the current sample, taking a new one when it is old.
func (w *wordSample) get(ctx context.Context, db *DB) ([]string, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if time.Since(w.taken) < sampleAge {
		return w.keys, nil
	}
	var rows float64
	if err := db.pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'access_codes'::regclass`).Scan(&rows); err != nil {
		return nil, translate(err)
	}
	w.keys, w.taken = nil, time.Now()
	percent := 100.0
	if rows > 0 {
		percent = min(100, 100*2*sampleRows/rows)
	}
	r, err := db.pool.Query(ctx, `SELECT description_key FROM access_codes TABLESAMPLE SYSTEM ($1) REPEATABLE (7)
		WHERE description_key IS NOT NULL LIMIT $2`, percent, sampleRows)
	if err != nil {
		return nil, translate(err)
	}
	defer r.Close()
	for r.Next() {
		var k string
		if err := r.Scan(&k); err != nil {
			return nil, translate(err)
		}
		w.keys = append(w.keys, k)
	}
	return w.keys, translate(r.Err())
}

// forget drops the sample, so that the next search takes a new one.
func (w *wordSample) forget() {
	w.mu.Lock()
	w.taken = time.Time{}
	w.mu.Unlock()
}

// lookupTerm returns what to look term up by in the trigram index: term
// itself, or its word of three characters or more that fewest sampled
// descriptions contain (on a tie, the shortest, which has the fewest
// trigrams to check).
func lookupTerm(term string, sample []string) string {
	if len(sample) == 0 {
		return term
	}
	words := strings.FieldsFunc(term, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	best, bestHits := term, hits(term, sample)
	for _, w := range words {
		if len([]rune(w)) < 3 || w == term {
			continue
		}
		h := hits(w, sample)
		if h < bestHits || h == bestHits && len(w) < len(best) {
			best, bestHits = w, h
		}
	}
	return best
}

func hits(s string, sample []string) int {
	n := 0
	for _, k := range sample {
		if strings.Contains(k, s) {
			n++
		}
	}
	return n
}
