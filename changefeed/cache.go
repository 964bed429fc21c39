package changefeed

import (
	"context"
	"sync"
)

// Cache is a read model of one kind of entity: values loaded from the
// database on first use and kept, bounded in size, until a change names
// them. It answers from memory only while its hub is live, and keeps
// nothing that a change may have overtaken: a value is stored only if no
// change of the kind arrived (and no flush happened) while it was loaded.
// Reads take a shared lock only.
type Cache[K comparable, V any] struct {
	hub *Hub
	max int

	mu  sync.RWMutex
	gen uint64 // advanced by every change and flush
	m   map[K]V
}

// NewCache returns a cache of at most max values that forgets a value
// when a change of kind names it: parse turns the change's key into the
// cache's, and reports false for keys the cache cannot hold. With a nil
// hub the cache holds nothing and every Load reads through.
func NewCache[K comparable, V any](h *Hub, kind Kind, parse func(string) (K, bool), max int) *Cache[K, V] {
	return newCache[K, V](h, max, func(c *Cache[K, V]) {
		h.Subscribe(kind, func(key string) {
			if k, ok := parse(key); ok {
				c.Forget(k)
			}
		})
	})
}

// NewGroupCache returns a cache of at most max values whose keys fall in
// groups (a tenant's many values): a change of any of kinds names a group,
// and the cache forgets every value in it. It suits values whose writes
// are too many to name one by one, such as a tenant's subscriber records,
// changed by imports of thousands at a time.
func NewGroupCache[K comparable, V any](h *Hub, group func(K) string, max int, kinds ...Kind) *Cache[K, V] {
	return newCache[K, V](h, max, func(c *Cache[K, V]) {
		for _, kind := range kinds {
			h.Subscribe(kind, func(name string) { c.forgetGroup(group, name) })
		}
	})
}

// newCache returns an empty cache of at most max values that h's flushes
// empty, with subscribe's subscriptions to h's changes; with a nil h, one
// that holds nothing.
func newCache[K comparable, V any](h *Hub, max int, subscribe func(*Cache[K, V])) *Cache[K, V] {
	c := &Cache[K, V]{hub: h, max: max, m: map[K]V{}}
	if h != nil {
		subscribe(c)
		h.OnFlush(c.Flush)
	}
	return c
}

// StringKey is the parse function of caches keyed by the change's key.
func StringKey(key string) (string, bool) { return key, true }

// Get returns k's value from memory, if it is there and memory may be
// trusted.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	if !c.hub.Live() {
		var zero V
		return zero, false
	}
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

// Load returns k's value from memory, or else from load, and keeps what
// load returned unless a change or flush overtook it. An error of load is
// returned as is and nothing is kept.
func (c *Cache[K, V]) Load(ctx context.Context, k K, load func(context.Context, K) (V, error)) (V, error) {
	if v, ok := c.Get(k); ok {
		return v, nil
	}
	c.mu.RLock()
	gen := c.gen
	c.mu.RUnlock()
	v, err := load(ctx, k)
	if err != nil {
		return v, err
	}
	c.keep(k, v, gen)
	return v, nil
}

// keep stores v as k's value, read when the cache was at gen.
func (c *Cache[K, V]) keep(k K, v V, gen uint64) {
	if !c.hub.Live() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		n := max(c.max/10, 1)
		for key := range c.m { // map order is random: an even spread
			delete(c.m, key)
			if n--; n <= 0 {
				break
			}
		}
	}
	c.m[k] = v
}

// Forget drops k's value.
func (c *Cache[K, V]) Forget(k K) {
	c.mu.Lock()
	c.gen++
	delete(c.m, k)
	c.mu.Unlock()
}

// forgetGroup drops the values of the keys in group name.
func (c *Cache[K, V]) forgetGroup(group func(K) string, name string) {
	c.mu.Lock()
	c.gen++
	for k := range c.m {
		if group(k) == name {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}

// Flush drops every value.
func (c *Cache[K, V]) Flush() {
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}
