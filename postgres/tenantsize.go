package postgres

import (
	"sync"
	"time"
)

// tenantSizes remembers for a few seconds how many access codes each
// tenant has. A substring search needs the figure only to choose between
// the trigram index and the tenant's own rows, and reading it cost a
// round trip of its own on every search.
//
// A remembered size only steers the plan, never the answer; a tenant
// found empty is not remembered, so that its first rows are never missed.
type tenantSizes struct {
	now func() time.Time

	mu sync.Mutex
	m  map[string]tenantSize
}

type tenantSize struct {
	n     int64
	until time.Time
}

const (
	tenantSizeTTL  = 5 * time.Second
	maxTenantSizes = 1 << 14
)

func newTenantSizes(now func() time.Time) *tenantSizes {
	return &tenantSizes{now: now, m: map[string]tenantSize{}}
}

// get returns the tenant's size, if recent.
func (c *tenantSizes) get(tenantID string) (int64, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[tenantID]
	if !ok || now.After(s.until) {
		return 0, false
	}
	return s.n, true
}

// put remembers the tenant's size, unless it is empty.
func (c *tenantSizes) put(tenantID string, n int64) {
	if n == 0 {
		return
	}
	until := c.now().Add(tenantSizeTTL)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxTenantSizes {
		clear(c.m)
	}
	c.m[tenantID] = tenantSize{n: n, until: until}
}
