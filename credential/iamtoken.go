package credential

import (
	"context"
	"errors"
	"time"

	"github.com/aiccd/aiccd"
)

// IAMTokenTTL is the lifetime of an IAM token, as the cloud's.
const IAMTokenTTL = 24 * time.Hour

// PasswordAuth is a password identity scoped to a domain, the one form of
// POST /v3/auth/tokens aiccd serves. A domain is named by ID or by name.
type PasswordAuth struct {
	UserName        string
	UserDomainID    string
	UserDomainName  string
	Password        string
	ScopeDomainID   string
	ScopeDomainName string
}

// IAMToken is an issued IAM token.
type IAMToken struct {
	Token     string
	User      IAMUser
	Account   Account
	IssuedAt  time.Time
	ExpiresAt time.Time
}

var errBadPassword = aiccd.Errorf(aiccd.KindUnauthorized, "the username or password is wrong")

// IssueIAMToken checks a user's password and issues a token scoped to the
// user's domain (account), valid for 24 hours.
func (s *Service) IssueIAMToken(ctx context.Context, p PasswordAuth) (IAMToken, error) {
	if p.UserName == "" || p.Password == "" || (p.UserDomainID == "" && p.UserDomainName == "") {
		return IAMToken{}, aiccd.Errorf(aiccd.KindInvalid, "auth.identity.password.user needs name, password and domain (id or name)")
	}
	if p.ScopeDomainID == "" && p.ScopeDomainName == "" {
		return IAMToken{}, aiccd.Errorf(aiccd.KindInvalid, "auth.scope.domain needs an id or a name; only domain-scoped tokens are issued")
	}
	if len(p.UserName) > 64 || len(p.Password) > 128 || len(p.UserDomainID)+len(p.UserDomainName) > 128 ||
		!storable(p.UserName) || !storable(p.UserDomainID) || !storable(p.UserDomainName) {
		return IAMToken{}, errBadPassword
	}
	if err := s.allow(ctx, "passwords@"+sourceFrom(ctx), PasswordAttemptsPerSource); err != nil {
		return IAMToken{}, err
	}
	a, err := s.lookupAccount(ctx, p.UserDomainID, p.UserDomainName)
	known := err == nil
	if !known {
		if !errors.Is(err, aiccd.ErrNotFound) {
			return IAMToken{}, err
		}
		a = Account{}
	}
	var u IAMUser
	key := iamUserKey(a, p)
	err = s.guarded(ctx, key, func() error {
		if err := s.allow(ctx, "passwords:"+key, PasswordAttemptsPerUser); err != nil {
			return err
		}
		var hash string // an unknown account's or user's: costs the same, matches nothing
		if known {
			var err error
			if u, err = s.store.IAMUserByName(ctx, a.ID, p.UserName); err == nil {
				hash = u.PasswordHash
			} else if !errors.Is(err, aiccd.ErrNotFound) {
				return err
			}
		}
		ok, err := s.passwords.Verify(ctx, hash, p.Password)
		if err != nil {
			return err
		}
		if !ok || !u.Enabled || !a.Enabled {
			return errBadPassword
		}
		return nil
	})
	if err != nil {
		return IAMToken{}, err
	}
	if (p.ScopeDomainID != "" && p.ScopeDomainID != a.ID) || (p.ScopeDomainName != "" && p.ScopeDomainName != a.Name) {
		return IAMToken{}, aiccd.Errorf(aiccd.KindForbidden, "the user may only obtain tokens scoped to its own domain")
	}
	token := newToken()
	now := s.now()
	t := Token{Hash: hashSecret(token), Kind: TokenIAM, Subject: u.ID, CreatedAt: now, ExpiresAt: now.Add(IAMTokenTTL)}
	if err := s.store.CreateToken(ctx, t); err != nil {
		return IAMToken{}, err
	}
	return IAMToken{Token: token, User: u, Account: a, IssuedAt: now, ExpiresAt: t.ExpiresAt}, nil
}

// Password attempts allowed, whatever their outcome: each costs a
// password check (docs/authentication.md, "Abuse protection"). A user's
// allowance is above one address's, so that one address cannot use it up
// and keep the user's owner out.
var (
	PasswordAttemptsPerSource = RateLimit{Rate: 2, Burst: 20}
	PasswordAttemptsPerUser   = RateLimit{Rate: 5, Burst: 30}
)

// iamUserKey names the IAM user of p in the Guard: one key per user,
// whether its domain was named by ID or by name. Users of domains that do
// not exist are named as the client named them.
func iamUserKey(a Account, p PasswordAuth) string {
	if a.ID != "" {
		return guardKey("iam", a.ID+"/"+p.UserName)
	}
	if p.UserDomainID != "" {
		return guardKey("iam-unknown", "id="+p.UserDomainID+"/"+p.UserName)
	}
	return guardKey("iam-unknown", "name="+p.UserDomainName+"/"+p.UserName)
}

func (s *Service) lookupAccount(ctx context.Context, id, name string) (Account, error) {
	if id != "" {
		a, err := s.store.Account(ctx, id)
		if err == nil && name != "" && a.Name != name {
			return Account{}, aiccd.ErrNotFound
		}
		return a, err
	}
	return s.store.AccountByName(ctx, name)
}

// VerifyIAMToken returns the caller an IAM token authenticates.
func (s *Service) VerifyIAMToken(ctx context.Context, token string) (CloudPrincipal, error) {
	t, err := s.verifyToken(ctx, token, TokenIAM)
	if err != nil {
		return CloudPrincipal{}, err
	}
	return t.cloud, nil
}

// iamPrincipal returns the caller of an IAM token of userID: the user and
// its account must be enabled.
func (s *Service) iamPrincipal(ctx context.Context, userID string) (CloudPrincipal, error) {
	u, err := s.users.Load(ctx, userID, s.loadUser)
	if errors.Is(err, aiccd.ErrNotFound) || (err == nil && !u.Enabled) {
		return CloudPrincipal{}, errBadToken
	}
	if err != nil {
		return CloudPrincipal{}, err
	}
	a, err := s.enabledAccount(ctx, u.AccountID)
	if errors.Is(err, aiccd.ErrNotFound) {
		return CloudPrincipal{}, errBadToken
	}
	if err != nil {
		return CloudPrincipal{}, err
	}
	return CloudPrincipal{AccountID: a.ID, AccountName: a.Name, IsPartner: a.IsPartner, UserID: u.ID, UserName: u.Name}, nil
}
