// Package planhint remembers for a while the figures a store reads only to
// choose a query plan (a sample of a tenant's texts, how many access codes
// a tenant has), so that a search does not read them first every time. A
// hint may be stale by its time to live: stores use hints only where a
// stale one costs time, never a wrong answer.
//
// Hints are per tenant, and a store computes a tenant's hints from that
// tenant's rows only: no figure a plan reads may depend on another
// tenant's data, or the time a search takes would tell whether another
// tenant has a term.
package planhint

import (
	"sync"
	"time"
)

// Cache holds hints by tenant and name, each for ttl, at most max of them.
type Cache[V any] struct {
	now func() time.Time
	ttl time.Duration
	max int

	mu sync.Mutex
	m  map[key]hint[V]
}

type key struct{ tenant, name string }

type hint[V any] struct {
	v     V
	until time.Time
}

// New returns an empty Cache reading the time from now.
func New[V any](now func() time.Time, ttl time.Duration, max int) *Cache[V] {
	return &Cache[V]{now: now, ttl: ttl, max: max, m: map[key]hint[V]{}}
}

// Get returns the tenant's hint called name, if it is recent.
func (c *Cache[V]) Get(tenantID, name string) (V, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[key{tenantID, name}]
	if !ok || now.After(h.until) {
		var zero V
		return zero, false
	}
	return h.v, true
}

// Put remembers v as the tenant's hint called name. A full cache starts
// over: hints are cheap to read again, and memory stays bounded.
func (c *Cache[V]) Put(tenantID, name string, v V) {
	until := c.now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key{tenantID, name}] = hint[V]{v: v, until: until}
}

// Clear forgets every hint, after bulk changes.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
