// Package planhint remembers for a few seconds the figures a store reads
// only to choose a query plan (how many rows a trigram selects, how many
// access codes a tenant has), so that a search does not read them first
// every time. A hint may be stale by its time to live: stores use hints
// only where a stale one costs time, never a wrong answer.
package planhint

import (
	"sync"
	"time"
)

// Cache holds hints by key, each for ttl, at most max of them.
type Cache[V any] struct {
	now func() time.Time
	ttl time.Duration
	max int

	mu sync.Mutex
	m  map[string]hint[V]
}

type hint[V any] struct {
	v     V
	until time.Time
}

// New returns an empty Cache reading the time from now.
func New[V any](now func() time.Time, ttl time.Duration, max int) *Cache[V] {
	return &Cache[V]{now: now, ttl: ttl, max: max, m: map[string]hint[V]{}}
}

// Get returns the hint of key, if it is recent.
func (c *Cache[V]) Get(key string) (V, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[key]
	if !ok || now.After(h.until) {
		var zero V
		return zero, false
	}
	return h.v, true
}

// Put remembers v as the hint of key. A full cache starts over: hints
// are cheap to read again, and memory stays bounded.
func (c *Cache[V]) Put(key string, v V) {
	until := c.now().Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = hint[V]{v: v, until: until}
}
