package credential

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/password"
)

// GatewayPrincipal is the authenticated caller of an app-gateway API.
type GatewayPrincipal struct {
	TenantID string
	AppKey   string
}

// CloudPrincipal is the authenticated caller of a partner API: a cloud
// account, through one of its IAM users or AKs.
type CloudPrincipal struct {
	AccountID   string
	AccountName string
	IsPartner   bool
	UserID      string // the IAM user, for token callers
	UserName    string
	AccessKey   string // the AK, for signature callers
}

// Options configure a Service.
type Options struct {
	Store  Store
	Clock  aiccd.Clock
	Sealer aiccd.Sealer
	Guard  Guard
	// RateLimit throttles each credential's requests, and the token
	// requests of each source address (--rate-limit); zero: no limit.
	RateLimit RateLimit
	// Passwords checks IAM users' passwords under the process's bound on
	// concurrent password checks; NewService makes one when it is nil.
	Passwords *password.Verifier
	// Feed keeps the verified-credential caches exact across replicas;
	// without one (admin commands, imports) every verification reads the
	// store.
	Feed   *changefeed.Hub
	Logger *slog.Logger
	// CacheSize bounds the verified-credential caches (entries each).
	CacheSize int
}

// Service issues and verifies credentials.
type Service struct {
	store     Store
	clock     aiccd.Clock
	sealer    aiccd.Sealer
	guard     Guard
	limit     RateLimit
	passwords *password.Verifier
	feed      *changefeed.Hub
	logger    *slog.Logger
	gateway   *gatewayTokenKeys // nil when the Sealer derives no keys

	// Read models of what verifications need (cache.go).
	tokens      *changefeed.Cache[[32]byte, storedToken]
	appKeys     *changefeed.Cache[string, AppKey]
	appKeyNames *changefeed.Cache[int64, string]
	accounts    *changefeed.Cache[string, Account]
	users       *changefeed.Cache[string, IAMUser]
	accessKeys  *changefeed.Cache[string, openedKey]
}

// NewService returns a Service. Call Run to purge expired tokens.
func NewService(o Options) *Service {
	if o.CacheSize <= 0 {
		o.CacheSize = 100_000
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Passwords == nil {
		o.Passwords = password.NewVerifier(0)
	}
	return &Service{
		store: o.Store, clock: o.Clock, sealer: o.Sealer, guard: o.Guard, limit: o.RateLimit, passwords: o.Passwords,
		feed: o.Feed, logger: o.Logger,
		gateway:     newGatewayTokenKeys(o.Sealer),
		tokens:      changefeed.NewCache[[32]byte, storedToken](o.Feed, changefeed.Token, parseTokenKey, o.CacheSize),
		appKeys:     changefeed.NewCache[string, AppKey](o.Feed, changefeed.AppKey, changefeed.StringKey, o.CacheSize),
		appKeyNames: changefeed.NewCache[int64, string](o.Feed, changefeed.AppKey, sameName, o.CacheSize),
		accounts:    changefeed.NewCache[string, Account](o.Feed, changefeed.Account, changefeed.StringKey, o.CacheSize),
		users:       changefeed.NewCache[string, IAMUser](o.Feed, changefeed.IAMUser, changefeed.StringKey, o.CacheSize),
		accessKeys:  changefeed.NewCache[string, openedKey](o.Feed, changefeed.AccessKey, changefeed.StringKey, o.CacheSize),
	}
}

// Run purges expired tokens every minute until ctx is done.
func (s *Service) Run(ctx context.Context) error {
	purge := time.NewTicker(time.Minute)
	defer purge.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-purge.C:
			s.purge(ctx)
		}
	}
}

func (s *Service) purge(ctx context.Context) {
	now := s.clock.Now()
	for {
		n, err := s.store.DeleteExpiredTokens(ctx, now.Add(-time.Hour), 1000)
		if err != nil {
			s.logger.Warn("purging expired tokens", "err", err)
			return
		}
		if n < 1000 {
			return
		}
	}
}

// CheckMasterKey records the master key's check value on first use and
// refuses a different key afterwards: secrets sealed with one key cannot
// be opened with another.
func (s *Service) CheckMasterKey(ctx context.Context, check string) error {
	if err := s.store.PutSettingIfAbsent(ctx, "master_key_check", check); err != nil {
		return err
	}
	stored, err := s.store.Setting(ctx, "master_key_check")
	if err != nil {
		return err
	}
	if stored != check {
		return fmt.Errorf("the master key differs from the one this database's secrets were sealed with; " +
			"give every replica the same AICCD_MASTER_KEY or key file")
	}
	return nil
}

// guarded runs verify for the credential named key under the lockout
// policies: a credential locked for everyone or for the caller's source
// is refused before verification, failures are counted for both, and a
// success forgets both counts, as failures count in a row. Only
// authentication failures count.
func (s *Service) guarded(ctx context.Context, key string, verify func() error) error {
	fromHere := fromSource(ctx, key)
	locked, err := s.guard.Locked(ctx, key, fromHere)
	if err != nil {
		return err
	}
	if locked {
		return errLocked
	}
	err = verify()
	switch {
	case err == nil:
		return s.guard.Succeed(ctx, fromHere, key)
	case aiccd.KindOf(err) == aiccd.KindUnauthorized:
		ferr := errors.Join(s.guard.Fail(ctx, fromHere, SourceLockout), s.guard.Fail(ctx, key, PrincipalLockout))
		if ferr != nil {
			return errors.Join(err, ferr)
		}
	}
	return err
}

// Throttle takes one request from the rate bucket (--rate-limit) of the
// credential named key.
func (s *Service) Throttle(ctx context.Context, key string) error {
	return s.allow(ctx, key, s.limit)
}

// allow takes one request from key's bucket of limit.
func (s *Service) allow(ctx context.Context, key string, limit RateLimit) error {
	ok, err := s.guard.Allow(ctx, key, limit)
	if err != nil {
		return err
	}
	if !ok {
		return errThrottled
	}
	return nil
}

var (
	errLocked = &aiccd.Error{Kind: aiccd.KindRateLimited, Code: CodeLocked,
		Message: "too many failed authentications; the credential is locked for 5 minutes"}
	errThrottled = &aiccd.Error{Kind: aiccd.KindRateLimited, Code: CodeThrottled,
		Message: "the throttling threshold has been reached"}
)

// ErrNotPartner refuses a partner API to a cloud account that is not a
// partner.
var ErrNotPartner = &aiccd.Error{Kind: aiccd.KindForbidden, Code: CodeNotPartner, Message: "you are not a partner yet"}

// Error codes the API families may map to their own codes.
const (
	CodeLocked       = "credential.locked"
	CodeThrottled    = "credential.throttled"
	CodeTokenExpired = "credential.token_expired"
	CodeNotPartner   = "credential.not_partner"
)
