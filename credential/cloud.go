package credential

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/password"
)

var accountIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// ValidAccountID reports whether id has the form of an account ID, which
// is also the partner ID in partner API paths: 1 to 64 letters, digits,
// '-' or '_', starting with a letter or digit.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }

// CreateAccount creates a cloud account; partners are accounts with
// isPartner. The ID is also the partner ID in partner API paths.
func (s *Service) CreateAccount(ctx context.Context, id, name string, isPartner bool) (Account, error) {
	if !ValidAccountID(id) {
		return Account{}, aiccd.Errorf(aiccd.KindInvalid, "account ID %q must be 1 to 64 letters, digits, '-' or '_'", id)
	}
	if name == "" {
		name = id
	}
	if len(name) > 64 {
		return Account{}, aiccd.Errorf(aiccd.KindInvalid, "the account name is longer than 64 bytes")
	}
	now := s.now()
	a := Account{ID: id, Name: name, IsPartner: isPartner, Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateAccount(ctx, a); err != nil {
		if errors.Is(err, aiccd.ErrConflict) {
			return Account{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("an account with ID %q or name %q exists", id, name), Err: err}
		}
		return Account{}, err
	}
	return a, nil
}

// Accounts lists the cloud accounts.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) { return s.store.Accounts(ctx) }

// UpdateAccount changes an account's partner status and enabled state;
// a disabled account's users and keys stop working on every replica
// within the change feed's lease (0.1 s at most).
func (s *Service) UpdateAccount(ctx context.Context, id string, isPartner, enabled bool) (Account, error) {
	a, err := s.store.UpdateAccount(ctx, id, func(a Account) (Account, error) {
		a.IsPartner, a.Enabled, a.UpdatedAt = isPartner, enabled, s.now()
		return a, nil
	})
	if err != nil {
		return Account{}, accountNotFound(err, id)
	}
	s.synced(ctx)
	return a, nil
}

// Account returns the account with id.
func (s *Service) Account(ctx context.Context, id string) (Account, error) { return s.account(ctx, id) }

func (s *Service) account(ctx context.Context, id string) (Account, error) {
	if !storable(id) {
		return Account{}, accountNotFound(aiccd.ErrNotFound, id)
	}
	a, err := s.store.Account(ctx, id)
	return a, accountNotFound(err, id)
}

func accountNotFound(err error, id string) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("account %q does not exist", id), Err: err}
	}
	return err
}

// TakenNames returns, in lower case, those of names that a cloud account
// or an IAM user of any account has, ASCII letters compared in any case:
// the cloud's login names, which a partner's customer cannot register.
func (s *Service) TakenNames(ctx context.Context, names []string) ([]string, error) {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = strings.Map(asciiLower, n)
	}
	return s.store.TakenNames(ctx, keys)
}

func asciiLower(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

var userNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 ._-]{0,63}$`)

// CreateIAMUser creates a user of an account with a password.
func (s *Service) CreateIAMUser(ctx context.Context, accountID, name, pw string) (IAMUser, error) {
	if !userNamePattern.MatchString(name) {
		return IAMUser{}, aiccd.Errorf(aiccd.KindInvalid, "user name %q must start with a letter and have at most 64 letters, digits, spaces, '.', '_' or '-'", name)
	}
	if err := password.Validate(pw); err != nil {
		return IAMUser{}, err
	}
	if _, err := s.account(ctx, accountID); err != nil {
		return IAMUser{}, err
	}
	now := s.now()
	u := IAMUser{ID: newAppKey(), AccountID: accountID, Name: name, PasswordHash: password.Hash(pw), Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateIAMUser(ctx, u); err != nil {
		if errors.Is(err, aiccd.ErrConflict) {
			return IAMUser{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("account %q has a user %q already", accountID, name), Err: err}
		}
		return IAMUser{}, err
	}
	return u, nil
}

// IAMUsers lists the users of an account ("" for every account).
func (s *Service) IAMUsers(ctx context.Context, accountID string) ([]IAMUser, error) {
	return s.store.IAMUsers(ctx, accountID)
}

// UpdateIAMUser enables or disables a user and, when pw is not "",
// sets a new password. Either revokes the user's IAM tokens.
func (s *Service) UpdateIAMUser(ctx context.Context, accountID, name string, enabled bool, pw string) (IAMUser, error) {
	// The hash is computed before the transaction: argon2id takes long
	// enough to hold up every other writer.
	var hash string
	if pw != "" {
		if err := password.Validate(pw); err != nil {
			return IAMUser{}, err
		}
		hash = password.Hash(pw)
	}
	u, err := s.store.IAMUserByName(ctx, accountID, name)
	if err == nil {
		// The ID never changes; the user's other fields are read again
		// in the update's transaction.
		u, err = s.store.UpdateIAMUser(ctx, u.ID, func(u IAMUser) (IAMUser, error) {
			if hash != "" {
				u.PasswordHash = hash
			}
			u.Enabled, u.UpdatedAt = enabled, s.now()
			return u, nil
		})
	}
	if errors.Is(err, aiccd.ErrNotFound) {
		return IAMUser{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("account %q has no user %q", accountID, name), Err: err}
	}
	if err != nil {
		return IAMUser{}, err
	}
	if _, err := s.store.RevokeTokens(ctx, TokenIAM, u.ID, "", u.UpdatedAt); err != nil {
		return IAMUser{}, err
	}
	s.synced(ctx)
	return u, nil
}

// CreateAccessKey creates an AK/SK pair for an account and returns the SK,
// which cannot be shown again.
func (s *Service) CreateAccessKey(ctx context.Context, accountID, description string) (AccessKey, string, error) {
	ak, sk := newAccessKey()
	k, err := s.createAccessKey(ctx, accountID, ak, sk, description)
	return k, sk, err
}

// CreateAccessKeyWithSecret stores a chosen AK/SK pair. It exists for
// fixed, published credentials such as the demo partner's.
func (s *Service) CreateAccessKeyWithSecret(ctx context.Context, accountID, ak, sk, description string) (AccessKey, error) {
	if len(ak) < 8 || len(ak) > 64 || len(sk) < 8 || len(sk) > 128 {
		return AccessKey{}, aiccd.Errorf(aiccd.KindInvalid, "an AK has 8 to 64 characters and an SK 8 to 128")
	}
	return s.createAccessKey(ctx, accountID, ak, sk, description)
}

func (s *Service) createAccessKey(ctx context.Context, accountID, ak, sk, description string) (AccessKey, error) {
	if len(description) > 255 {
		return AccessKey{}, aiccd.Errorf(aiccd.KindInvalid, "the description is longer than 255 bytes")
	}
	if _, err := s.account(ctx, accountID); err != nil {
		return AccessKey{}, err
	}
	sealed, err := s.sealer.Seal([]byte(sk), []byte("ak:"+ak))
	if err != nil {
		return AccessKey{}, err
	}
	now := s.now()
	k := AccessKey{AK: ak, AccountID: accountID, SealedSK: sealed, Description: description, Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateAccessKey(ctx, k); err != nil {
		if errors.Is(err, aiccd.ErrConflict) {
			return AccessKey{}, &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("AK %q exists", ak), Err: err}
		}
		return AccessKey{}, err
	}
	return k, nil
}

// AccessKeys lists the AKs of an account ("" for every account), without
// their SKs.
func (s *Service) AccessKeys(ctx context.Context, accountID string) ([]AccessKey, error) {
	return s.store.AccessKeys(ctx, accountID)
}

// SetAccessKeyEnabled enables or disables an AK; every replica refuses a
// disabled AK within the change feed's lease (0.1 s at most).
func (s *Service) SetAccessKeyEnabled(ctx context.Context, ak string, enabled bool) (AccessKey, error) {
	k, err := s.store.UpdateAccessKey(ctx, ak, func(k AccessKey) (AccessKey, error) {
		k.Enabled, k.UpdatedAt = enabled, s.now()
		return k, nil
	})
	if errors.Is(err, aiccd.ErrNotFound) {
		return AccessKey{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("AK %q does not exist", ak), Err: err}
	}
	if err != nil {
		return AccessKey{}, err
	}
	s.synced(ctx)
	return k, nil
}

// RotateAccessKey replaces an AK with a new pair of the same account and
// disables the old one.
func (s *Service) RotateAccessKey(ctx context.Context, ak string) (AccessKey, string, error) {
	old, err := s.SetAccessKeyEnabled(ctx, ak, false)
	if err != nil {
		return AccessKey{}, "", err
	}
	return s.CreateAccessKey(ctx, old.AccountID, old.Description)
}

func (s *Service) now() time.Time { return aiccd.Millis(s.clock.Now()) }

// tenantMustExist names the tenant when a foreign key refused a write.
func tenantMustExist(err error, tenantID string) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", tenantID), Err: err}
	}
	return err
}
