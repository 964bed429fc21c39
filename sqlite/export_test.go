package sqlite

import (
	"context"
	"fmt"
)

// PlanFigures is what a search of tenantID for term in the description
// (or, with code set, the access code) would be planned by, read afresh:
// the candidates and the tenant's sample they come from.
func PlanFigures(ctx context.Context, s *AccessCodeStore, tenantID, term string, code bool) (string, error) {
	tx, err := s.db.read.beginRead(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	s.db.samples.Clear()
	ix := descriptionIndex
	if code {
		ix = codeIndex
	}
	var size int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = ?`, tenantID).Scan(&size); err != nil {
		return "", err
	}
	c, err := ix.plan(ctx, tx, s.db.samples, tenantID, term, size)
	if err != nil {
		return "", err
	}
	var texts []string
	if sample, ok := s.db.samples.Get(tenantID, ix.table); ok {
		texts = sample.texts
	}
	return fmt.Sprintf("size %d, %+v, sample %q", size, c, texts), nil
}
