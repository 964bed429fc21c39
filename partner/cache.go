package partner

import (
	"context"
	"encoding/hex"

	"github.com/aiccd/aiccd/changefeed"
)

// maxCachedChecks bounds each read model of registration checks. An entry
// is a 32-byte digest and its answer, about 100 bytes with the map's own
// cost: 10 MB at most per kind, however many different values callers
// check.
const maxCachedChecks = 100_000

// checks are the read models of registration checks: whether an e-mail
// address is used, and how many accounts a mobile number has, by their
// blind indexes. Unlike the credentials' read models they hold answers
// about values nobody has (a free address, a number of no account), so
// the change feed names creations as well as deletions (migration 0018).
// Names are not kept: a name is also taken by creating a cloud account or
// IAM user, which the feed does not name.
type checks struct {
	feed    *changefeed.Hub
	emails  *changefeed.Cache[string, bool]
	mobiles *changefeed.Cache[string, int]
}

func newChecks(feed *changefeed.Hub) checks {
	return checks{
		feed:    feed,
		emails:  changefeed.NewCache[string, bool](feed, changefeed.CustomerEmail, blindKey, maxCachedChecks),
		mobiles: changefeed.NewCache[string, int](feed, changefeed.CustomerMobile, blindKey, maxCachedChecks),
	}
}

// blindKey turns a change's key, a digest in hex, into the caches' key,
// the digest's bytes.
func blindKey(key string) (string, bool) {
	b, err := hex.DecodeString(key)
	return string(b), err == nil
}

func (s *Service) emailUsed(ctx context.Context, key []byte) (bool, error) {
	if used, ok := s.checks.emails.Get(string(key)); ok {
		return used, nil
	}
	return s.checks.emails.Load(ctx, string(key), func(ctx context.Context, _ string) (bool, error) {
		return s.store.EmailUsed(ctx, key)
	})
}

func (s *Service) mobileAccounts(ctx context.Context, key []byte) (int, error) {
	if n, ok := s.checks.mobiles.Get(string(key)); ok {
		return n, nil
	}
	return s.checks.mobiles.Load(ctx, string(key), func(ctx context.Context, _ string) (int, error) {
		return s.store.MobileAccounts(ctx, key)
	})
}

// synced returns once this replica's checks reflect a write it made, so
// that a check after a creation through it answers from the creation.
func (s *Service) synced(ctx context.Context) { s.checks.feed.Sync(ctx) }
