package credential

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/aiccd/aiccd"
)

// Everything a verification reads is kept in memory, per entity, so that
// a request with a known credential costs no database round trip: stored
// tokens, app keys (and their names by ID, for gateway tokens), accounts,
// IAM users and AKs with their opened SKs.
// Each is a read model of the change feed (package changefeed): a change
// committed by any replica or admin command drops the entity it names, and
// while the feed is not live every verification reads the store. What is
// not found is not kept, so unknown credentials cannot fill memory.

// storedToken is what a verification needs of a stored token.
type storedToken struct {
	kind      TokenKind
	tenantID  string
	subject   string
	expiresAt int64 // unix nanoseconds
	revoked   bool
}

// openedKey is an AK with its opened SK.
type openedKey struct {
	key    AccessKey
	secret []byte
}

// parseTokenKey reads a token change's key: the hex of the token's hash.
func parseTokenKey(key string) ([32]byte, bool) {
	var k [32]byte
	if hex.DecodedLen(len(key)) != len(k) {
		return k, false
	}
	_, err := hex.Decode(k[:], []byte(key))
	return k, err == nil
}

func (s *Service) loadToken(ctx context.Context, hash [32]byte) (storedToken, error) {
	t, err := s.store.Token(ctx, hash[:])
	if err != nil {
		return storedToken{}, err
	}
	return storedToken{kind: t.Kind, tenantID: t.TenantID, subject: t.Subject, expiresAt: t.ExpiresAt.UnixNano(), revoked: t.RevokedAt != nil}, nil
}

func (s *Service) loadAppKey(ctx context.Context, key string) (AppKey, error) {
	return s.store.AppKey(ctx, key)
}

func (s *Service) loadAppKeyName(ctx context.Context, id int64) (string, error) {
	k, err := s.store.AppKeyByID(ctx, id)
	return k.Key, err
}

// sameName: an app key's ID never changes, so no change makes the cache of
// key names by ID forget one.
func sameName(string) (int64, bool) { return 0, false }

func (s *Service) loadAccount(ctx context.Context, id string) (Account, error) {
	return s.store.Account(ctx, id)
}

func (s *Service) loadUser(ctx context.Context, id string) (IAMUser, error) {
	return s.store.IAMUser(ctx, id)
}

func (s *Service) loadAccessKey(ctx context.Context, ak string) (openedKey, error) {
	k, err := s.store.AccessKey(ctx, ak)
	if err != nil {
		return openedKey{}, err
	}
	secret, err := s.sealer.Open(k.SealedSK, []byte("ak:"+k.AK))
	if err != nil {
		return openedKey{}, aiccd.Wrap(aiccd.KindInternal, err, "")
	}
	return openedKey{key: k, secret: secret}, nil
}

// enabledAccount returns the account id; aiccd.ErrNotFound stands for
// unknown and disabled alike.
func (s *Service) enabledAccount(ctx context.Context, id string) (Account, error) {
	a, err := s.accounts.Load(ctx, id, s.loadAccount)
	if errors.Is(err, aiccd.ErrNotFound) || (err == nil && !a.Enabled) {
		return Account{}, aiccd.ErrNotFound
	}
	return a, err
}

// synced returns once this replica's caches reflect the write just
// committed: a change is answered from at once where it was made.
func (s *Service) synced(ctx context.Context) { s.feed.Sync(ctx) }
