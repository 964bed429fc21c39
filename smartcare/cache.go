package smartcare

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aiccd/aiccd"
)

// The correlation needs a tenant's settings, scenes and rule index on
// every query; reading 100,000 rules per query is out of the question. So
// each replica keeps them in memory per tenant, labelled with the versions
// they were read at, and each query first reads the tenant's versions (one
// primary-key look-up). When another replica (or an admin command) changed
// something, the version differs and this replica reloads before
// answering. Nothing is served from memory without that check, so
// replicas sharing one database never answer from stale rules.

// snapshot is what a query works with.
type snapshot struct {
	config *configSnapshot
	rules  *rulesSnapshot // nil when the caller did not ask for rules
}

type configSnapshot struct {
	version  int64
	settings Settings
	location *time.Location
	scenes   map[string]Scene
}

type rulesSnapshot struct {
	version int64
	index   *ruleIndex
}

// tenantCache holds one tenant's snapshots. mu serialises reloads, so
// that a burst of queries after a change reloads once.
type tenantCache struct {
	mu     sync.Mutex
	config atomic.Pointer[configSnapshot]
	rules  atomic.Pointer[rulesSnapshot]
}

type cache struct {
	tenants sync.Map // tenant ID -> *tenantCache
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
// of the store is a DAC error (5); stored settings that cannot be used are
// aiccd's fault (102).
func (c *cache) snapshot(ctx context.Context, store Store, tenantID string, withRules bool) (snapshot, error) {
	v, err := store.Versions(ctx, tenantID)
	if err != nil {
		return snapshot{}, dacError(err)
	}
	tc := c.tenant(tenantID)
	if s, ok := tc.current(v, withRules); ok {
		return s, nil
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if cfg := tc.config.Load(); cfg == nil || cfg.version != v.Config {
		loaded, err := store.LoadConfig(ctx, tenantID)
		if err != nil {
			return snapshot{}, dacError(err)
		}
		cfg, err := newConfigSnapshot(loaded)
		if err != nil {
			return snapshot{}, aiccd.Wrap(aiccd.KindInternal, err, "the tenant's stored SmartCare settings are unusable")
		}
		tc.config.Store(cfg)
	}
	if withRules {
		if rs := tc.rules.Load(); rs == nil || rs.version != v.Rules {
			version, rules, err := store.LoadRules(ctx, tenantID)
			if err != nil {
				return snapshot{}, dacError(err)
			}
			tc.rules.Store(&rulesSnapshot{version: version, index: newRuleIndex(rules)})
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
// the versions now, or false when they were never loaded.
func (c *cache) cached(tenantID string) (snapshot, bool) {
	v, ok := c.tenants.Load(tenantID)
	if !ok {
		return snapshot{}, false
	}
	tc := v.(*tenantCache)
	s := snapshot{config: tc.config.Load(), rules: tc.rules.Load()}
	return s, s.config != nil && s.rules != nil
}

// at reports whether the snapshot, with its rules, is at versions v.
func (s snapshot) at(v Versions) bool {
	return s.config.version == v.Config && s.rules != nil && s.rules.version == v.Rules
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

func newConfigSnapshot(c Config) (*configSnapshot, error) {
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
	return &configSnapshot{version: c.Version, settings: s, location: loc, scenes: scenes}, nil
}
