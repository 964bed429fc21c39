package smartcare

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
)

// The correlation needs a tenant's settings, scenes and rule index on
// every query; reading 100,000 rules per query is out of the question. So
// each replica keeps them in memory per tenant, labelled with the versions
// they were read at. Every write of them bumps the tenant's versions, and
// that bump is a change of the change feed (kind SmartCare): while the
// feed is live, a tenant's copy that no change has named since it was
// loaded (or last checked) is current, and a query reads nothing but the
// subscriber's records. Otherwise the query first reads the tenant's
// versions (one primary-key look-up, pipelined with the records where the
// engine can) and reloads what another replica or an admin command
// changed before answering. Nothing is served from memory without one of
// the two, so replicas sharing one database never answer from stale
// rules.

// snapshot is what a query works with.
type snapshot struct {
	config *configSnapshot
	rules  *rulesSnapshot // nil when the caller did not ask for rules
}

type configSnapshot struct {
	version  int64
	gen      uint64 // the tenant's generation it was loaded or checked at
	settings Settings
	location *time.Location
	scenes   map[string]Scene
}

type rulesSnapshot struct {
	version int64
	gen     uint64 // the tenant's generation it was loaded or checked at
	index   *ruleIndex
}

// tenantCache holds one tenant's snapshots. mu serialises reloads, so
// that a burst of queries after a change reloads once.
type tenantCache struct {
	mu sync.Mutex
	// gen advances with every change of the tenant's SmartCare data the
	// feed delivers: a snapshot of an older generation may be stale.
	gen    atomic.Uint64
	config atomic.Pointer[configSnapshot]
	rules  atomic.Pointer[rulesSnapshot]
}

type cache struct {
	feed    *changefeed.Hub
	tenants sync.Map // tenant ID -> *tenantCache
}

// follow has the feed's changes age the snapshots they name.
func (c *cache) follow(feed *changefeed.Hub) {
	c.feed = feed
	if feed == nil {
		return
	}
	feed.Subscribe(changefeed.SmartCare, func(tenantID string) {
		if tc, ok := c.tenants.Load(tenantID); ok {
			tc.(*tenantCache).gen.Add(1)
		}
	})
	feed.OnFlush(func() {
		c.tenants.Range(func(_, tc any) bool {
			tc.(*tenantCache).gen.Add(1)
			return true
		})
	})
}

// fresh returns the tenant's config and rules when the feed vouches that
// they are current: it is live and has named no change since they were
// loaded or checked.
func (c *cache) fresh(tenantID string) (snapshot, bool) {
	if !c.feed.Live() {
		return snapshot{}, false
	}
	v, ok := c.tenants.Load(tenantID)
	if !ok {
		return snapshot{}, false
	}
	tc := v.(*tenantCache)
	s := snapshot{config: tc.config.Load(), rules: tc.rules.Load()}
	gen := tc.gen.Load()
	if s.config == nil || s.rules == nil || s.config.gen != gen || s.rules.gen != gen {
		return snapshot{}, false
	}
	return s, true
}

func (c *cache) tenant(id string) *tenantCache {
	if tc, ok := c.tenants.Load(id); ok {
		return tc.(*tenantCache)
	}
	tc, _ := c.tenants.LoadOrStore(id, &tenantCache{})
	return tc.(*tenantCache)
}

// snapshot returns the tenant's current config, and its rules when
// withRules, reloading whatever changed since they were cached. A failure
// of the store is CodeRecordsUnavailable; stored settings that cannot be
// used are aiccd's fault (aiccd.KindInternal).
func (c *cache) snapshot(ctx context.Context, store Store, tenantID string, withRules bool) (snapshot, error) {
	if s, ok := c.fresh(tenantID); ok {
		return s, nil
	}
	tc := c.tenant(tenantID)
	// The generation before the versions are read: what they show current
	// is current as of then, and a change delivered since ages it.
	gen := tc.gen.Load()
	v, err := store.Versions(ctx, tenantID)
	if err != nil {
		return snapshot{}, dacError(err)
	}
	if s, ok := tc.current(v, withRules); ok {
		tc.vouch(s, gen)
		return s, nil
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if cfg := tc.config.Load(); cfg == nil || cfg.version != v.Config {
		loaded, err := store.LoadConfig(ctx, tenantID)
		if err != nil {
			return snapshot{}, dacError(err)
		}
		cfg, err := newConfigSnapshot(loaded, gen)
		if err != nil {
			return snapshot{}, aiccd.Wrap(aiccd.KindInternal, err, "the tenant's stored SmartCare settings are unusable")
		}
		tc.config.Store(cfg)
	} else {
		tc.vouch(snapshot{config: cfg}, gen)
	}
	if withRules {
		if rs := tc.rules.Load(); rs == nil || rs.version != v.Rules {
			version, rules, err := store.LoadRules(ctx, tenantID)
			if err != nil {
				return snapshot{}, dacError(err)
			}
			tc.rules.Store(&rulesSnapshot{version: version, gen: gen, index: newRuleIndex(rules)})
		} else {
			tc.vouch(snapshot{rules: rs}, gen)
		}
	}
	// The versions just loaded may be newer than v: a write committed
	// in between. They are current as of now, which is what matters.
	s := snapshot{config: tc.config.Load()}
	if withRules {
		s.rules = tc.rules.Load()
	}
	return s, nil
}

// cached returns the tenant's config and rules as last loaded, whatever
// the versions now, or false when they were never loaded; and the tenant's
// generation before, for vouch.
func (c *cache) cached(tenantID string) (*tenantCache, snapshot, uint64, bool) {
	v, ok := c.tenants.Load(tenantID)
	if !ok {
		return nil, snapshot{}, 0, false
	}
	tc := v.(*tenantCache)
	gen := tc.gen.Load()
	s := snapshot{config: tc.config.Load(), rules: tc.rules.Load()}
	return tc, s, gen, s.config != nil && s.rules != nil
}

// at reports whether the snapshot, with its rules, is at versions v.
func (s snapshot) at(v Versions) bool {
	return s.config.version == v.Config && s.rules != nil && s.rules.version == v.Rules
}

// vouch records that the snapshots of s were found current at gen, if they
// are still the tenant's.
func (tc *tenantCache) vouch(s snapshot, gen uint64) {
	if cfg := s.config; cfg != nil && cfg.gen < gen {
		fresh := *cfg
		fresh.gen = gen
		tc.config.CompareAndSwap(cfg, &fresh)
	}
	if rs := s.rules; rs != nil && rs.gen < gen {
		fresh := *rs
		fresh.gen = gen
		tc.rules.CompareAndSwap(rs, &fresh)
	}
}

// current returns the cached snapshot when it is at versions v.
func (tc *tenantCache) current(v Versions, withRules bool) (snapshot, bool) {
	cfg := tc.config.Load()
	if cfg == nil || cfg.version != v.Config {
		return snapshot{}, false
	}
	if !withRules {
		return snapshot{config: cfg}, true
	}
	rs := tc.rules.Load()
	if rs == nil || rs.version != v.Rules {
		return snapshot{}, false
	}
	return snapshot{config: cfg, rules: rs}, true
}

func newConfigSnapshot(c Config, gen uint64) (*configSnapshot, error) {
	s := DefaultSettings()
	if c.Settings != nil {
		s = *c.Settings
	}
	loc, err := loadLocation(s.TimeZone)
	if err != nil {
		return nil, err
	}
	scenes := make(map[string]Scene, len(c.Scenes))
	for _, sc := range c.Scenes {
		scenes[sc.ID] = sc
	}
	return &configSnapshot{version: c.Version, gen: gen, settings: s, location: loc, scenes: scenes}, nil
}
