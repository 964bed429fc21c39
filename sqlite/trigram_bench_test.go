package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/planhint"
)

// BenchmarkPlan measures planning a search of a 100,000-row tenant for a
// seven-digit code: "fresh" tests the term's trigrams against the
// tenant's sample, as every search did before plans were remembered;
// "remembered" is a repeated term.
//
//	go test ./sqlite -run '^$' -bench Plan -benchmem
func BenchmarkPlan(b *testing.B) {
	texts := make([]string, sampleRows)
	for i := range texts {
		texts[i] = fmt.Sprintf("%07d\x01\x01", 1000000+i*37)
	}
	const size, term = 100_000, "9911411"
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			planFrom(texts, term, size)
		}
	})
	b.Run("remembered", func(b *testing.B) {
		samples := planhint.New[*sample](time.Now, sampleAge, maxSamples)
		samples.Put("big", codeIndex.table, &sample{texts: texts})
		for b.Loop() {
			if _, err := codeIndex.plan(context.Background(), nil, samples, "big", term, size); err != nil {
				b.Fatal(err)
			}
		}
	})
}
