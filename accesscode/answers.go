package accesscode

import (
	"context"

	"github.com/aiccd/aiccd/changefeed"
)

// A large tenant's recent answers are remembered (docs/architecture.md,
// "Read models and the change feed"): an integrator pages through the same
// filter, or polls it, and each such search would otherwise pay the store's
// indexed look-up of the count and the page again. Like the small tenants'
// codes, they are dropped by any change of the tenant's access codes.
//
// memoryMaxAnswers bounds the answers held, of at most MaxLimit codes
// each: about 6 MB with every answer full, and a few hundred KB for the
// pages integrators usually ask for.
const memoryMaxAnswers = 256

// answerKey names one search of a large tenant: its folded filter and its
// page.
type answerKey struct {
	tenantID string
	f        Filter
	p        Paging
}

func newAnswerCache(feed *changefeed.Hub) *changefeed.Cache[answerKey, Page] {
	return changefeed.NewGroupCache[answerKey, Page](feed,
		func(k answerKey) string { return k.tenantID }, memoryMaxAnswers,
		changefeed.AccessCodes)
}

// rememberable reports whether an answer to p, an offset page (search
// sends cursor pages to the store), is small enough to keep: at most
// MaxLimit codes, counted in full.
func rememberable(p Paging) bool {
	return p.Limit <= MaxLimit && p.CountUpTo == 0
}

// storeAnswer is the store's answer to k, to be remembered. Its items are
// shared by every request that gets it, which only reads them.
func (s *Service) storeAnswer(ctx context.Context, k answerKey) (Page, error) {
	return s.storeSearch(ctx, k.tenantID, k.f, k.p)
}
