package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/planhint"
)

// A remembered plan is the plan its sample makes, for its term and size
// only, and a sample read again starts without plans.
func TestPlanRemembered(t *testing.T) {
	t.Parallel()
	texts := make([]string, sampleRows)
	for i := range texts {
		texts[i] = fmt.Sprintf("%07d\x01\x01", 1000000+i*37)
	}
	samples := planhint.New[*sample](time.Now, sampleAge, maxSamples)
	smp := &sample{texts: texts}
	samples.Put("big", codeIndex.table, smp)
	ctx := context.Background()
	for _, size := range []int{100_000, 5000} {
		for _, term := range []string{"1000037", "999", "0000"} {
			for range 2 {
				got, err := codeIndex.plan(ctx, nil, samples, "big", term, size)
				if err != nil {
					t.Fatal(err)
				}
				if want := planFrom(texts, term, size); got != want {
					t.Errorf("plan(%q, %d) = %+v, want %+v", term, size, got, want)
				}
			}
		}
	}
	if len(smp.plans) != 6 {
		t.Errorf("the sample remembers %d plans, want 6", len(smp.plans))
	}
	samples.Put("big", codeIndex.table, &sample{texts: texts[:1]})
	fresh, _ := samples.Get("big", codeIndex.table)
	if _, ok := fresh.plan("1000037", 100_000); ok {
		t.Error("a sample read again has its predecessor's plans")
	}
}

// The plans a sample remembers stay within maxPlanBytes.
func TestPlanMemoryBounded(t *testing.T) {
	t.Parallel()
	var s sample
	for i := range 10_000 {
		s.remember(fmt.Sprintf("term %d", i), 100_000, candidates{match: `"ter" AND "rm "`})
		if s.planBytes > maxPlanBytes {
			t.Fatalf("after %d plans, %d bytes are remembered", i+1, s.planBytes)
		}
	}
	if len(s.plans) == 0 {
		t.Error("no plan is remembered")
	}
}
