package postgres

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// A GIN trigram index answers LIKE '%store 4217%' by checking, for every
// row holding its rarest trigram, every other trigram of the pattern. When
// the pattern mixes a rare word with a common one ("store" is in half the
// descriptions), those checks of the common word's long posting lists
// dominate: 30 ms on a million rows, against 0.2 ms for LIKE '%4217%'.
//
// So a multi-word term is looked up by its rarest word, as a sample of the
// tenant's own descriptions tells, and the rows found are checked for the
// whole term with strpos. The sample is a few thousand of the tenant's
// descriptions, read in access code order through its index, kept in
// memory for a few minutes (see planhint): another tenant's descriptions
// never choose the word, so they cannot make a search answer measurably
// differently. An estimate only ever chooses the index condition, never
// the result.
const (
	sampleRows = 5000
	sampleAge  = 5 * time.Minute
	maxSamples = 256 // tenants whose sample is kept
)

// descriptionSample returns up to sampleRows of the tenant's folded
// descriptions.
func (s *AccessCodeStore) descriptionSample(ctx context.Context, tenantID string) ([]string, error) {
	if keys, ok := s.samples.Get(tenantID, "descriptions"); ok {
		return keys, nil
	}
	rows, err := s.db.pool.Query(ctx, `SELECT description_key FROM access_codes
		WHERE tenant_id = $1 AND description_key IS NOT NULL ORDER BY access_code LIMIT $2`, tenantID, sampleRows)
	if err != nil {
		return nil, translate(err)
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, translate(err)
	}
	s.samples.Put(tenantID, "descriptions", keys)
	return keys, nil
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
