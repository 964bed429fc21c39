package credential

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/aiccd/aiccd"
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
	// Bus, when set, spreads invalidations at once; the event log is
	// polled either way.
	Bus    EventBus
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
	bus       EventBus
	logger    *slog.Logger

	tokens *boundedCache[[32]byte, cachedToken]
	keys   *boundedCache[string, cachedKey]
	// lastPoll is when the event log was last read successfully (unix
	// nanoseconds of the service clock); 0 before the first poll.
	lastPoll atomic.Int64
	// polling is set by Run: without it nothing evicts revoked entries,
	// and the cache is only trusted for a short while.
	polling atomic.Bool
}

// NewService returns a Service. Call Run to keep its caches in step with
// other replicas and to purge expired tokens.
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
		bus: o.Bus, logger: o.Logger,
		tokens: newBoundedCache[[32]byte, cachedToken](o.CacheSize),
		keys:   newBoundedCache[string, cachedKey](o.CacheSize),
	}
}

// cacheFresh reports whether an entry checked at checkedAt may be used
// now: it is young enough, and revocations are known to have been polled.
func (s *Service) cacheFresh(checkedAt, now time.Time) bool {
	if now.Sub(checkedAt) > cacheMaxAge {
		return false
	}
	if !s.polling.Load() {
		return now.Sub(checkedAt) < pollInterval
	}
	return now.Sub(time.Unix(0, s.lastPoll.Load())) < staleAfter
}

// Polled reports whether Run has read the event log at least once.
func (s *Service) Polled() bool { return s.polling.Load() && s.lastPoll.Load() != 0 }

// Run polls the event log every second to evict revoked credentials from
// the caches, and purges expired tokens and old events every minute, until
// ctx is done.
func (s *Service) Run(ctx context.Context) error {
	s.polling.Store(true)
	defer s.polling.Store(false)
	if s.bus != nil {
		go s.bus.Subscribe(ctx, s.evict)
	}
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()
	purge := time.NewTicker(time.Minute)
	defer purge.Stop()
	var since time.Time
	for {
		next, err := s.pollEvents(ctx, since)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.logger.Warn("credential events unreadable; caches bypassed until they are", "err", err)
		} else {
			since = next
		}
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
		case <-purge.C:
			s.purge(ctx)
		}
	}
}

func (s *Service) pollEvents(ctx context.Context, since time.Time) (time.Time, error) {
	events, now, err := s.store.EventsSince(ctx, since)
	if err != nil {
		return since, err
	}
	for _, e := range events {
		s.evict(e)
	}
	s.lastPoll.Store(s.clock.Now().UnixNano())
	return now.Add(-pollMargin), nil
}

// evict drops what an event invalidates from the caches.
func (s *Service) evict(e Event) {
	switch e.Kind {
	case EventToken:
		if b, err := hex.DecodeString(e.Subject); err == nil && len(b) == 32 {
			s.tokens.delete([32]byte(b))
		}
	case EventAppKey:
		s.tokens.deleteFunc(func(_ [32]byte, t cachedToken) bool { return t.kind == TokenGateway && t.subject == e.Subject })
	case EventIAMUser:
		s.tokens.deleteFunc(func(_ [32]byte, t cachedToken) bool { return t.kind == TokenIAM && t.subject == e.Subject })
	case EventAccessKey:
		s.keys.delete(e.Subject)
	case EventAccount:
		s.tokens.deleteFunc(func(_ [32]byte, t cachedToken) bool { return t.cloud.AccountID == e.Subject })
		s.keys.deleteFunc(func(_ string, k cachedKey) bool { return k.principal.AccountID == e.Subject })
	}
}

// publish records an invalidation for every replica and applies it here
// at once.
func (s *Service) publish(ctx context.Context, kind EventKind, subject string) error {
	e := Event{Kind: kind, Subject: subject}
	s.evict(e)
	if err := s.store.AddEvent(ctx, e); err != nil {
		return err
	}
	if s.bus != nil {
		if err := s.bus.Publish(ctx, e); err != nil {
			s.logger.Warn("broadcasting a credential event failed; replicas learn of it by polling", "err", err)
		}
	}
	return nil
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
			break
		}
	}
	if err := s.store.DeleteEventsBefore(ctx, now.Add(-time.Hour)); err != nil {
		s.logger.Warn("purging credential events", "err", err)
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
