package credential

import (
	"sync"
	"time"
)

// Verified credentials are cached so that a request costs no database
// round trip. An entry is trusted for at most cacheMaxAge; revocations
// reach every replica's cache through the event log within a poll or two
// (see Service.Run), and when polling fails the cache is bypassed.
const (
	cacheMaxAge  = 60 * time.Second
	pollInterval = time.Second
	// pollMargin re-reads events this far back: an event's time is taken
	// when it is written, and its transaction may commit a little later.
	pollMargin = 5 * time.Second
	// staleAfter is how long the cache is trusted without a successful poll.
	staleAfter = 10 * time.Second
)

// cachedToken is a verified bearer token.
type cachedToken struct {
	kind      TokenKind
	tenantID  string
	subject   string
	expiresAt time.Time
	cloud     CloudPrincipal // IAM tokens
	checkedAt time.Time
}

// cachedKey is a verified AK with its opened SK.
type cachedKey struct {
	secret    []byte
	principal CloudPrincipal
	checkedAt time.Time
}

// boundedCache is a map with a size cap; when full, a tenth of the entries
// are dropped at random. Reads take a shared lock only.
type boundedCache[K comparable, V any] struct {
	mu  sync.RWMutex
	m   map[K]V
	max int
}

func newBoundedCache[K comparable, V any](max int) *boundedCache[K, V] {
	return &boundedCache[K, V]{m: make(map[K]V), max: max}
}

func (c *boundedCache[K, V]) get(k K) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[k]
	c.mu.RUnlock()
	return v, ok
}

func (c *boundedCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		n := c.max / 10
		for key := range c.m {
			delete(c.m, key)
			if n--; n <= 0 {
				break
			}
		}
	}
	c.m[k] = v
	c.mu.Unlock()
}

func (c *boundedCache[K, V]) delete(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// deleteFunc removes every entry for which drop is true.
func (c *boundedCache[K, V]) deleteFunc(drop func(K, V) bool) {
	c.mu.Lock()
	for k, v := range c.m {
		if drop(k, v) {
			delete(c.m, k)
		}
	}
	c.mu.Unlock()
}
