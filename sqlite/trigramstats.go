package sqlite

import (
	"sync"
	"time"
)

// trigramStats remembers for a few seconds what probing single trigrams
// found, so that planning a search does not read the row lists of its
// trigrams every time: on a search for an access code, those probes took
// a third of the CPU.
//
// A remembered count only steers the plan, never the answer: candidates
// are always checked against the rows, and a trigram found in no row is
// not remembered, so that a row written since cannot be missed.
type trigramStats struct {
	now func() time.Time

	mu sync.Mutex
	m  map[string]trigramStat
}

type trigramStat struct {
	probed
	until time.Time
}

const (
	// trigramStatsTTL bounds how stale a plan may be after writes.
	trigramStatsTTL = 5 * time.Second
	// maxTrigramStats bounds the memory: past it, the cache starts over.
	maxTrigramStats = 1 << 16
)

func newTrigramStats(now func() time.Time) *trigramStats {
	return &trigramStats{now: now, m: map[string]trigramStat{}}
}

// get returns what a probe of gram in table found, if recent.
func (c *trigramStats) get(table, gram string) (probed, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[table+"\x00"+gram]
	if !ok || now.After(s.until) {
		return probed{}, false
	}
	return s.probed, true
}

// put remembers what a probe of gram in table found, unless it found
// nothing.
func (c *trigramStats) put(table, gram string, p probed) {
	if p.rows == 0 {
		return
	}
	until := c.now().Add(trigramStatsTTL)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxTrigramStats {
		clear(c.m)
	}
	c.m[table+"\x00"+gram] = trigramStat{probed: p, until: until}
}
