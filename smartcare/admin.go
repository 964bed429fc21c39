package smartcare

import (
	"context"
	"errors"
	"fmt"

	"github.com/aiccd/aiccd"
)

// The administration of a tenant's SmartCare data: settings, complaint
// scenes and fault rules. Each method maps to one admin endpoint and one
// `aiccd admin smartcare` command.

// Settings returns the tenant's settings, the defaults until changed.
func (s *Service) Settings(ctx context.Context, tenantID string) (Settings, error) {
	if err := s.checkTenant(ctx, tenantID); err != nil {
		return Settings{}, err
	}
	st, err := s.store.GetSettings(ctx, tenantID)
	if errors.Is(err, aiccd.ErrNotFound) {
		return DefaultSettings(), nil
	}
	return st, err
}

// HasSettings reports whether the tenant's settings were ever set, so that
// the demo loader leaves an integrator's choices alone.
func (s *Service) HasSettings(ctx context.Context, tenantID string) (bool, error) {
	_, err := s.store.GetSettings(ctx, tenantID)
	if errors.Is(err, aiccd.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// UpdateSettings changes the fields p sets and returns the result.
func (s *Service) UpdateSettings(ctx context.Context, tenantID string, p SettingsPatch) (Settings, error) {
	if err := s.checkTenant(ctx, tenantID); err != nil {
		return Settings{}, err
	}
	next, err := s.store.UpdateSettings(ctx, tenantID, s.now(), func(cur Settings) (Settings, error) {
		next := p.apply(cur)
		return next, next.Validate()
	})
	if err != nil {
		return Settings{}, err
	}
	s.synced(ctx)
	return next, nil
}

// CreateScene adds a complaint scene.
func (s *Service) CreateScene(ctx context.Context, tenantID string, in SceneInput) (Scene, error) {
	if err := s.checkTenant(ctx, tenantID); err != nil {
		return Scene{}, err
	}
	sc, err := newScene(tenantID, in, s.now())
	if err != nil {
		return Scene{}, err
	}
	if err := s.store.CreateScene(ctx, sc); err != nil {
		if errors.Is(err, aiccd.ErrConflict) {
			return Scene{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("scene %q already exists", in.ID), Err: err}
		}
		return Scene{}, err
	}
	s.synced(ctx)
	return sc, nil
}

// UpdateScene changes the fields of scene id that p sets.
func (s *Service) UpdateScene(ctx context.Context, tenantID, id string, p ScenePatch) (Scene, error) {
	now := s.now()
	sc, err := s.store.UpdateScene(ctx, tenantID, id, func(cur Scene) (Scene, error) {
		next, err := newScene(tenantID, p.apply(cur), now)
		next.CreatedAt = cur.CreatedAt
		return next, err
	})
	if err != nil {
		return Scene{}, sceneNotFound(err, id)
	}
	s.synced(ctx)
	return sc, nil
}

// DeleteScene removes a scene.
func (s *Service) DeleteScene(ctx context.Context, tenantID, id string) error {
	if err := s.store.DeleteScene(ctx, tenantID, id); err != nil {
		return sceneNotFound(err, id)
	}
	s.synced(ctx)
	return nil
}

// Scene returns one scene.
func (s *Service) Scene(ctx context.Context, tenantID, id string) (Scene, error) {
	sc, err := s.store.GetScene(ctx, tenantID, id)
	return sc, sceneNotFound(err, id)
}

// Scenes lists the tenant's scenes by ID.
func (s *Service) Scenes(ctx context.Context, tenantID string) ([]Scene, error) {
	return s.store.ListScenes(ctx, tenantID)
}

func sceneNotFound(err error, id string) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("scene %q does not exist", id), Err: err}
	}
	return err
}

// NewRule validates a rule for CreateRules without storing it: the bulk
// importer parses rows with it.
func (s *Service) NewRule(tenantID string, in RuleInput) (FaultRule, error) {
	r, err := newRule(tenantID, in)
	if err != nil {
		return FaultRule{}, err
	}
	r.ID = s.ids.NextID()
	r.CreatedAt = s.now()
	r.UpdatedAt = r.CreatedAt
	return r, nil
}

// CreateRule adds a fault rule. A reflection rule that does not parse is
// refused with an error naming the offending condition.
func (s *Service) CreateRule(ctx context.Context, tenantID string, in RuleInput) (FaultRule, error) {
	r, err := s.NewRule(tenantID, in)
	if err != nil {
		return FaultRule{}, err
	}
	if err := s.CreateRules(ctx, tenantID, []FaultRule{r}); err != nil {
		return FaultRule{}, err
	}
	return r, nil
}

// CreateRules adds rules made by NewRule, all or none.
func (s *Service) CreateRules(ctx context.Context, tenantID string, rules []FaultRule) error {
	if err := s.checkTenant(ctx, tenantID); err != nil {
		return err
	}
	for _, r := range rules {
		if r.TenantID != tenantID {
			return aiccd.Errorf(aiccd.KindInternal, "rule %d belongs to tenant %q, not %q", r.ID, r.TenantID, tenantID)
		}
	}
	err := s.store.CreateRules(ctx, rules)
	if errors.Is(err, aiccd.ErrConflict) && len(rules) == 1 {
		r := rules[0]
		return &aiccd.Error{Kind: aiccd.KindConflict, Err: err, Message: fmt.Sprintf(
			"a %s rule %q active from %s already exists", r.SceneCode, r.Rule.String(), r.ActiveFrom.Format("2006-01-02T15:04:05.000Z07:00"))}
	}
	if err == nil {
		s.synced(ctx)
	}
	return err
}

// UpdateRule changes the fields p sets.
func (s *Service) UpdateRule(ctx context.Context, tenantID string, id int64, p RulePatch) (FaultRule, error) {
	r, err := s.store.UpdateRule(ctx, tenantID, id, func(cur FaultRule) (FaultRule, error) {
		next, err := newRule(tenantID, p.apply(cur))
		next.ID, next.CreatedAt, next.UpdatedAt = cur.ID, cur.CreatedAt, s.now()
		return next, err
	})
	if err != nil {
		return FaultRule{}, ruleNotFound(err, id)
	}
	s.synced(ctx)
	return r, nil
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, tenantID string, id int64) error {
	if err := s.store.DeleteRule(ctx, tenantID, id); err != nil {
		return ruleNotFound(err, id)
	}
	s.synced(ctx)
	return nil
}

// Rule returns one rule.
func (s *Service) Rule(ctx context.Context, tenantID string, id int64) (FaultRule, error) {
	r, err := s.store.GetRule(ctx, tenantID, id)
	return r, ruleNotFound(err, id)
}

// Rules lists rules by ID, a page at a time.
func (s *Service) Rules(ctx context.Context, tenantID string, f RuleFilter) ([]FaultRule, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "limit %d must be 1 to 1000", f.Limit)
	}
	if f.SceneCode != "" {
		code, err := NormalizeSceneCode(f.SceneCode)
		if err != nil {
			return nil, err
		}
		f.SceneCode = code
	}
	return s.store.ListRules(ctx, tenantID, f)
}

func ruleNotFound(err error, id int64) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("rule %d does not exist", id), Err: err}
	}
	return err
}

// synced returns once this replica's copy of the tenant's settings, scenes
// and rules reflects the write just committed.
func (s *Service) synced(ctx context.Context) { s.cache.feed.Sync(ctx) }
