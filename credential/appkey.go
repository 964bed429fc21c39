package credential

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aiccd/aiccd"
)

// Gateway token lifetimes (X-Token-Expire).
const (
	MaxGatewayTokenTTL     = 3600 * time.Second
	DefaultGatewayTokenTTL = MaxGatewayTokenTTL
)

// dummySecretHash stands in for the secret of an unknown app key, so that
// an unknown key and a wrong secret cost the same work and get the same
// answer.
var dummySecretHash = hashSecret("aiccd-dummy-app-secret")

var errBadAppCredentials = aiccd.Errorf(aiccd.KindUnauthorized, "incorrect app authentication information")

// CreateAppKey creates an app key for tenantID and returns it with its
// secret, which is not stored and cannot be shown again.
func (s *Service) CreateAppKey(ctx context.Context, tenantID, name string) (AppKey, string, error) {
	secret := newToken()
	k, err := s.createAppKey(ctx, newAppKey(), tenantID, name, secret)
	return k, secret, err
}

// CreateAppKeyWithSecret creates an app key with a chosen key and secret.
// It exists for fixed, published credentials such as the demo app.
func (s *Service) CreateAppKeyWithSecret(ctx context.Context, key, tenantID, name, secret string) (AppKey, error) {
	if len(key) < 8 || len(key) > 64 || len(secret) < 8 || len(secret) > 128 {
		return AppKey{}, aiccd.Errorf(aiccd.KindInvalid, "app keys have 8 to 64 characters and secrets 8 to 128")
	}
	return s.createAppKey(ctx, key, tenantID, name, secret)
}

func (s *Service) createAppKey(ctx context.Context, key, tenantID, name, secret string) (AppKey, error) {
	if len(name) > 128 {
		return AppKey{}, aiccd.Errorf(aiccd.KindInvalid, "the app name is longer than 128 bytes")
	}
	now := s.now()
	k := AppKey{Key: key, TenantID: tenantID, Name: name, SecretHash: hashSecret(secret), Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateAppKey(ctx, k); err != nil {
		if errors.Is(err, aiccd.ErrConflict) {
			return AppKey{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("app key %q already exists", key), Err: err}
		}
		if errors.Is(err, aiccd.ErrNotFound) {
			return AppKey{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", tenantID), Err: err}
		}
		return AppKey{}, err
	}
	return k, nil
}

// AppKeys lists the app keys of tenantID, or of every tenant when it is "".
func (s *Service) AppKeys(ctx context.Context, tenantID string) ([]AppKey, error) {
	return s.store.AppKeys(ctx, tenantID)
}

// SetAppKeyEnabled enables or disables an app key. Disabling takes effect
// on every replica within the change feed's lease (0.1 s at most).
func (s *Service) SetAppKeyEnabled(ctx context.Context, key string, enabled bool) (AppKey, error) {
	k, err := s.store.UpdateAppKey(ctx, key, func(k AppKey) (AppKey, error) {
		k.Enabled, k.UpdatedAt = enabled, s.now()
		return k, nil
	})
	if err != nil {
		return AppKey{}, appKeyNotFound(err, key)
	}
	s.synced(ctx)
	return k, nil
}

// RotateAppKey gives an app key a new secret, which revokes the tokens
// obtained with the old one: a gateway token is signed with its key's
// secret hash (gatewaytoken.go).
func (s *Service) RotateAppKey(ctx context.Context, key string) (AppKey, string, error) {
	secret := newToken()
	k, err := s.store.UpdateAppKey(ctx, key, func(k AppKey) (AppKey, error) {
		k.SecretHash, k.UpdatedAt = hashSecret(secret), s.now()
		return k, nil
	})
	if err != nil {
		return AppKey{}, "", appKeyNotFound(err, key)
	}
	s.synced(ctx)
	return k, secret, nil
}

func appKeyNotFound(err error, key string) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("app key %q does not exist", key), Err: err}
	}
	return err
}

// GatewayToken is an issued app-gateway access token.
type GatewayToken struct {
	AccessToken string
	AppKey      string
	TenantID    string
	CreatedAt   time.Time
	ExpiresIn   time.Duration
}

// IssueGatewayToken checks an app key and secret (tokenByAkSk) and issues
// a Bearer token valid for ttl (1 s to 3600 s), provided admit lets the
// key's tenant in. admit's refusal is returned as it is, and no token is
// issued; it is not a failed authentication, as the secret was right. The
// rate limit applies to the requests of each source address, and to the
// tokens of each app key as to its other requests. Nothing is written: the
// token carries what verifying it needs (gatewaytoken.go).
func (s *Service) IssueGatewayToken(ctx context.Context, appKey, appSecret string, ttl time.Duration,
	admit func(ctx context.Context, tenantID string) error) (GatewayToken, error) {
	if s.gateway == nil {
		return GatewayToken{}, errNoGatewayKeys
	}
	if ttl < time.Second || ttl > MaxGatewayTokenTTL {
		return GatewayToken{}, aiccd.Errorf(aiccd.KindInvalid, "X-Token-Expire must be from 1 to 3600 seconds")
	}
	if appKey == "" || appSecret == "" || len(appKey) > 256 || len(appSecret) > 256 || !storable(appKey) {
		return GatewayToken{}, errBadAppCredentials
	}
	if err := s.Throttle(ctx, "gateway-tokens@"+sourceFrom(ctx)); err != nil {
		return GatewayToken{}, err
	}
	var k AppKey
	err := s.guarded(ctx, guardKey("app", appKey), func() error {
		var err error
		k, err = s.appKeys.Load(ctx, appKey, s.loadAppKey)
		want := k.SecretHash
		if errors.Is(err, aiccd.ErrNotFound) {
			want = dummySecretHash
		} else if err != nil {
			return err
		}
		if !equalHash(hashSecret(appSecret), want) || err != nil || !k.Enabled {
			return errBadAppCredentials
		}
		return nil
	})
	if err != nil {
		return GatewayToken{}, err
	}
	if err := s.Throttle(ctx, "app:"+k.Key); err != nil {
		return GatewayToken{}, err
	}
	if err := admit(ctx, k.TenantID); err != nil {
		return GatewayToken{}, err
	}
	if k.ID <= 0 || k.ID > math.MaxUint32 {
		return GatewayToken{}, aiccd.Errorf(aiccd.KindInternal, "app key %q has ID %d, which a gateway token cannot carry", k.Key, k.ID)
	}
	now := s.clock.Now()
	token := s.gateway.issue(k, gatewayClaims{keyID: k.ID, issuedAt: now.UnixMilli(), lifetime: ttl})
	return GatewayToken{AccessToken: token, AppKey: k.Key, TenantID: k.TenantID, CreatedAt: now.UTC(), ExpiresIn: ttl}, nil
}

var (
	errBadToken      = aiccd.Errorf(aiccd.KindUnauthorized, "the access token is invalid")
	errNoGatewayKeys = aiccd.Errorf(aiccd.KindInternal, "no gateway token key is configured")
	errTokenExpired  = &aiccd.Error{Kind: aiccd.KindUnauthorized, Code: CodeTokenExpired, Message: "the access token has expired"}
)

// VerifyGatewayToken returns the caller a Bearer token authenticates: a
// token issued by any replica for an app key that is enabled and has the
// secret it had then, not expired. Only the key is read, from memory when
// the change feed allows.
func (s *Service) VerifyGatewayToken(ctx context.Context, token string) (GatewayPrincipal, error) {
	if s.gateway == nil {
		return GatewayPrincipal{}, errNoGatewayKeys
	}
	raw, c, ok := s.gateway.open(token)
	if !ok {
		return GatewayPrincipal{}, errBadToken
	}
	k, err := s.appKeyByID(ctx, c.keyID)
	if errors.Is(err, aiccd.ErrNotFound) {
		return GatewayPrincipal{}, errBadToken
	}
	if err != nil {
		return GatewayPrincipal{}, err
	}
	if !s.gateway.signedBy(raw, k) || !k.Enabled {
		return GatewayPrincipal{}, errBadToken
	}
	if s.clock.Now().UnixMilli() >= c.expiresAt() {
		return GatewayPrincipal{}, errTokenExpired
	}
	return GatewayPrincipal{TenantID: k.TenantID, AppKey: k.Key}, nil
}

// appKeyByID returns the app key with ID id.
func (s *Service) appKeyByID(ctx context.Context, id int64) (AppKey, error) {
	key, err := s.appKeyNames.Load(ctx, id, s.loadAppKeyName)
	if err != nil {
		return AppKey{}, err
	}
	k, err := s.appKeys.Load(ctx, key, s.loadAppKey)
	if err == nil && k.ID != id {
		return AppKey{}, aiccd.ErrNotFound // the key was deleted and its name taken again
	}
	return k, err
}

// verifiedToken is the caller a valid token authenticates.
type verifiedToken struct {
	tenantID string
	subject  string
	cloud    CloudPrincipal // IAM tokens
}

// verifyToken checks a stored token (mall or IAM) of kind and what it
// belongs to.
func (s *Service) verifyToken(ctx context.Context, token string, kind TokenKind) (verifiedToken, error) {
	if token == "" || len(token) > 512 {
		return verifiedToken{}, errBadToken
	}
	t, err := s.tokens.Load(ctx, tokenKey(token), s.loadToken)
	if errors.Is(err, aiccd.ErrNotFound) || (err == nil && (t.kind != kind || t.revoked)) {
		return verifiedToken{}, errBadToken
	}
	if err != nil {
		return verifiedToken{}, err
	}
	if s.clock.Now().UnixNano() >= t.expiresAt {
		return verifiedToken{}, errTokenExpired
	}
	v := verifiedToken{tenantID: t.tenantID, subject: t.subject}
	if kind == TokenIAM {
		if v.cloud, err = s.iamPrincipal(ctx, t.subject); err != nil {
			return verifiedToken{}, err
		}
	}
	return v, nil
}

// AppKeyTenant returns the tenant of an app key, or "" when no app key
// has that value: whom a request naming the key was meant for, for the
// journal of a request refused before its credentials were verified. It
// proves nothing of the caller.
func (s *Service) AppKeyTenant(ctx context.Context, key string) (string, error) {
	if key == "" || len(key) > 256 || !storable(key) {
		return "", nil
	}
	k, err := s.appKeys.Load(ctx, key, s.loadAppKey)
	if errors.Is(err, aiccd.ErrNotFound) {
		return "", nil
	}
	return k.TenantID, err
}
