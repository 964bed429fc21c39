package accesscode

import (
	"context"
	"strings"
)

// Small tenants' access codes are searched in memory (docs/architecture.md,
// "Read models and the change feed").
const (
	// MemoryMaxCodes is the largest tenant answered from memory. A code
	// held costs about 250 bytes (the row, its description and its folded
	// form), so a tenant at the bound holds about 256 KB, and a search
	// checks at most 1,024 short strings per filter: some 10 µs, where the
	// store's search costs a transaction and, on SQLite, a trigram
	// look-up. Larger tenants keep the store's indexed search.
	MemoryMaxCodes = 1024
	// memoryMaxTenants bounds the tenants held: 16 MB at most with every
	// one at MemoryMaxCodes. A tenant found large is held as a mark only.
	memoryMaxTenants = 64
)

// tenantCodes is a tenant's access codes as held in memory, in the
// store's search order (access code, then ID); large marks a tenant of
// more than MemoryMaxCodes, which is searched in the store.
type tenantCodes struct {
	large bool
	codes []heldCode
}

// heldCode is an access code with its description folded, as the store's
// description_key holds it.
type heldCode struct {
	AccessCode
	key string
}

// loadTenantCodes reads a tenant's access codes, or finds it large. The
// count is read first so that a large tenant's rows are not; the rows are
// then read with their own count, in one snapshot.
func (s *Service) loadTenantCodes(ctx context.Context, tenantID string) (*tenantCodes, error) {
	size, err := s.store.Search(ctx, tenantID, Filter{}, Paging{Limit: 0})
	if err != nil {
		return nil, err
	}
	if size.Total > MemoryMaxCodes {
		return &tenantCodes{large: true}, nil
	}
	all, err := s.store.Search(ctx, tenantID, Filter{}, Paging{Limit: MemoryMaxCodes + 1})
	if err != nil {
		return nil, err
	}
	if all.Total > MemoryMaxCodes || len(all.Items) != all.Total {
		return &tenantCodes{large: true}, nil
	}
	t := &tenantCodes{codes: make([]heldCode, len(all.Items))}
	for i, a := range all.Items {
		a.TenantID = tenantID // one string for all
		t.codes[i] = heldCode{AccessCode: a}
		if a.Description != nil {
			t.codes[i].key = Fold(*a.Description)
		}
	}
	return t, nil
}

// heldCodes returns tenantID's access codes as memory holds them, loading
// them if memory may be trusted (a large tenant is held as a mark); false
// when memory may not be trusted.
func (s *Service) heldCodes(ctx context.Context, tenantID string) (*tenantCodes, bool, error) {
	if s.memory == nil || !s.feed.Live() {
		return nil, false, nil
	}
	t, err := s.memory.Load(ctx, tenantID, s.loadTenantCodes)
	if err != nil {
		return nil, false, err
	}
	return t, true, nil
}

// search answers f and p as the store does: Total counts every match,
// the page holds the matches from p.Offset, at most p.Limit of them, in
// the store's order. f.Description is folded. Cursor paging (p.After) is
// the store's alone.
func (t *tenantCodes) search(f Filter, p Paging) Page {
	page := Page{Items: []AccessCode{}}
	skip := p.Offset
	for i := range t.codes {
		c := &t.codes[i]
		if f.MediaType != 0 && c.MediaType != f.MediaType {
			continue
		}
		if f.AccessCode != "" && !strings.Contains(c.Code, f.AccessCode) {
			continue
		}
		if f.Description != "" && (c.Description == nil || !strings.Contains(c.key, f.Description)) {
			continue
		}
		page.Total++
		if skip > 0 {
			skip--
			continue
		}
		if len(page.Items) < p.Limit {
			page.Items = append(page.Items, c.AccessCode)
		}
	}
	return page
}
