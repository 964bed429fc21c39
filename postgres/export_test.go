package postgres

import (
	"context"
	"fmt"
)

// PlanFigures is what a search of tenantID for term in the description
// would be planned by, read afresh: the tenant's size, the sample of its
// descriptions and the word looked up.
func PlanFigures(ctx context.Context, s *AccessCodeStore, tenantID, term string) (string, error) {
	s.samples.Clear()
	var size int64
	if err := s.db.pool.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM access_code_counts WHERE tenant_id = $1`, tenantID).Scan(&size); err != nil {
		return "", err
	}
	sample, err := s.descriptionSample(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("size %d, small %t, lookup %q, sample %q", size, size <= smallTenant, lookupTerm(term, sample), sample), nil
}
