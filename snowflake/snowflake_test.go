package snowflake

import (
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
)

func TestIDsAreUniqueAndOrdered(t *testing.T) {
	at := time.Date(2024, 7, 18, 6, 12, 13, 0, time.UTC)
	g, err := New(7, aiccd.ClockFunc(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	var prev int64
	// The clock stands still: 5000 IDs need two milliseconds' worth of
	// sequence numbers and must still increase.
	for range 5000 {
		id := g.NextID()
		if id <= prev {
			t.Fatalf("%d after %d", id, prev)
		}
		prev = id
	}
	if got := Time(prev); got.Before(at) || got.After(at.Add(2*time.Millisecond)) {
		t.Fatalf("Time = %s, want about %s", got, at)
	}
}

func TestConcurrentUse(t *testing.T) {
	g, _ := New(1, aiccd.SystemClock)
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				id := g.NextID()
				mu.Lock()
				if seen[id] {
					t.Errorf("duplicate %d", id)
				}
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

func TestVendorIDDecodes(t *testing.T) {
	// The access code ID of the CC page's example.
	got := Time(1124167935465633793)
	if got.Year() != 2019 {
		t.Fatalf("the example ID decodes to %s; the epoch does not match the vendor's", got)
	}
	if _, err := New(MaxNode+1, aiccd.SystemClock); err == nil {
		t.Fatal("node out of range accepted")
	}
}
