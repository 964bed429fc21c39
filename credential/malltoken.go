package credential

import (
	"context"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// DefaultMallTokenTTL is how long a mall access token lives unless told.
const DefaultMallTokenTTL = 365 * 24 * time.Hour

// IssueMallToken issues a business software mall access token for
// tenantID, valid for ttl. The token is returned once; only its hash is
// stored.
func (s *Service) IssueMallToken(ctx context.Context, tenantID string, ttl time.Duration) (Token, string, error) {
	token := newToken()
	t, err := s.issueMallToken(ctx, tenantID, token, ttl)
	return t, token, err
}

// IssueMallTokenValue stores a chosen mall token value. It exists for
// fixed, published credentials such as the demo tokens.
func (s *Service) IssueMallTokenValue(ctx context.Context, tenantID, token string, ttl time.Duration) (Token, error) {
	if len(token) < 8 || len(token) > 512 {
		return Token{}, aiccd.Errorf(aiccd.KindInvalid, "a mall token has 8 to 512 characters")
	}
	return s.issueMallToken(ctx, tenantID, token, ttl)
}

func (s *Service) issueMallToken(ctx context.Context, tenantID, token string, ttl time.Duration) (Token, error) {
	if ttl <= 0 || ttl > 10*365*24*time.Hour {
		return Token{}, aiccd.Errorf(aiccd.KindInvalid, "a mall token lives from 1 second to 10 years")
	}
	now := aiccd.Millis(s.clock.Now())
	t := Token{Hash: hashSecret(token), Kind: TokenMall, TenantID: tenantID, Subject: tenantID, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return Token{}, tenantMustExist(err, tenantID)
	}
	return t, nil
}

// MallTokens lists the mall tokens of tenantID ("" for every tenant).
func (s *Service) MallTokens(ctx context.Context, tenantID string) ([]Token, error) {
	return s.store.Tokens(ctx, TokenMall, tenantID)
}

// RevokeMallTokens revokes tenantID's mall tokens whose ID starts with
// idPrefix (at least 8 characters), or all of them when idPrefix is "",
// and returns how many it revoked. Every replica refuses them within the
// change feed's lease (0.1 s at most).
func (s *Service) RevokeMallTokens(ctx context.Context, tenantID, idPrefix string) (int, error) {
	if idPrefix != "" && (len(idPrefix) < 8 || len(idPrefix) > 64 || strings.Trim(idPrefix, "0123456789abcdef") != "") {
		return 0, aiccd.Errorf(aiccd.KindInvalid, "a token ID is at least 8 lower-case hex digits")
	}
	hashes, err := s.store.RevokeTokens(ctx, TokenMall, tenantID, idPrefix, s.clock.Now().UTC())
	if err != nil {
		return 0, err
	}
	s.synced(ctx)
	return len(hashes), nil
}

// VerifyMallToken returns the tenant a mall access token belongs to.
func (s *Service) VerifyMallToken(ctx context.Context, token string) (tenantID string, err error) {
	t, err := s.verifyToken(ctx, token, TokenMall)
	if err != nil {
		return "", err
	}
	return t.tenantID, nil
}
