package sqlite

import (
	"testing"
	"time"
)

func TestTrigramStats(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := newTrigramStats(func() time.Time { return now })

	c.put("t", "abc", probed{rows: 7, reach: 42})
	c.put("t", "zzz", probed{}) // found in no row: a later write could add it
	if p, ok := c.get("t", "abc"); !ok || p.rows != 7 || p.reach != 42 {
		t.Errorf("get abc = %+v, %v", p, ok)
	}
	if _, ok := c.get("u", "abc"); ok {
		t.Error("a trigram of another index was found")
	}
	if _, ok := c.get("t", "zzz"); ok {
		t.Error("a trigram found in no row was remembered")
	}
	now = now.Add(trigramStatsTTL + time.Millisecond)
	if _, ok := c.get("t", "abc"); ok {
		t.Error("an expired count was returned")
	}

	for i := range maxTrigramStats + 1 {
		c.put("t", string(rune(0x4e00+i)), probed{rows: 1})
	}
	if len(c.m) > maxTrigramStats {
		t.Errorf("%d counts kept, bound %d", len(c.m), maxTrigramStats)
	}
}
