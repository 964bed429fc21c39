// Package credential is everything that authenticates a caller of aiccd:
// app keys and the app gateway's Bearer tokens (tokenByAkSk), the business
// software mall's access tokens, cloud accounts (partners) with their IAM
// users, IAM tokens and AK/SK pairs, the SDK-HMAC-SHA256 signature, and the
// abuse protection around them (lockout after failed attempts, rate limits).
//
// No secret is stored in the clear. Secrets aiccd generates (app secrets,
// mall and IAM tokens) carry 256 bits of entropy and are stored as SHA-256
// hashes; gateway tokens are not stored at all (gatewaytoken.go);
// human-chosen IAM passwords are stored with argon2id; SKs, which must be
// recoverable to verify HMACs, are sealed with the master key.
package credential

import (
	"context"
	"time"
)

// AppKey is an app of the app gateway: its key identifies it (and is the
// X-APP-Key header); its secret obtains tokens from tokenByAkSk.
type AppKey struct {
	// ID is the number the database gave the key; its gateway tokens
	// carry it.
	ID         int64     `json:"-"`
	Key        string    `json:"app_key"`
	TenantID   string    `json:"tenant_id"`
	Name       string    `json:"name"`
	SecretHash []byte    `json:"-"`
	Enabled    bool      `json:"enabled"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TokenKind tells the kinds of stored bearer token apart. Gateway tokens
// are not stored (gatewaytoken.go).
type TokenKind string

// The token kinds.
const (
	TokenMall TokenKind = "mall" // X-Auth-Token on the OMA mall interfaces
	TokenIAM  TokenKind = "iam"  // X-Auth-Token on the partner APIs
)

// Token is a stored bearer token. Only its hash is kept.
type Token struct {
	Hash      []byte
	Kind      TokenKind
	TenantID  string // mall tokens
	Subject   string // mall: the tenant; iam: the IAM user ID
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// ID is a short public identifier of the token, derived from its hash, by
// which it can be listed and revoked without revealing it.
func (t Token) ID() string { return tokenID(t.Hash) }

// TokenInfo is what may be shown of a stored token.
type TokenInfo struct {
	ID        string     `json:"id"`
	Kind      TokenKind  `json:"kind"`
	TenantID  string     `json:"tenant_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
}

// Info returns what may be shown of t.
func (t Token) Info() TokenInfo {
	return TokenInfo{ID: t.ID(), Kind: t.Kind, TenantID: t.TenantID, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt}
}

// Account is a cloud account (an IAM domain). Partners are accounts with
// IsPartner set; the partner ID is the account ID.
type Account struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	IsPartner bool      `json:"partner"`
	Enabled   bool      `json:"enabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IAMUser is a user of a cloud account, who obtains IAM tokens with a
// password.
type IAMUser struct {
	ID           string    `json:"id"`
	AccountID    string    `json:"account_id"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"` // argon2id, PHC string format
	Enabled      bool      `json:"enabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// AccessKey is an AK/SK pair of a cloud account. The SK is sealed with the
// master key.
type AccessKey struct {
	AK          string    `json:"ak"`
	AccountID   string    `json:"account_id"`
	SealedSK    []byte    `json:"-"`
	Description string    `json:"description"`
	Enabled     bool      `json:"enabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Store persists credentials: one interface per kind of credential, so
// that a caller (or a test double) needing one kind names only that.
// Get methods return aiccd.ErrNotFound for a missing row; creates return
// aiccd.ErrConflict for an existing key.
//
// Update methods read the row, pass it to change and store what change
// returns, in one transaction that keeps concurrent updates of the row
// out; they return the stored row, or change's error with nothing stored.
type Store interface {
	AppKeyStore
	TokenStore
	CloudStore
	SettingStore
}

// AppKeyStore persists the app gateway's app keys.
type AppKeyStore interface {
	CreateAppKey(ctx context.Context, k AppKey) error
	AppKey(ctx context.Context, key string) (AppKey, error)
	AppKeyByID(ctx context.Context, id int64) (AppKey, error)
	AppKeys(ctx context.Context, tenantID string) ([]AppKey, error)
	// UpdateAppKey stores the Name, SecretHash, Enabled and UpdatedAt
	// change returns.
	UpdateAppKey(ctx context.Context, key string, change func(AppKey) (AppKey, error)) (AppKey, error)
}

// TokenStore persists the tokens that are stored: mall tokens and IAM
// tokens (gateway tokens are not stored; see gatewaytoken.go).
type TokenStore interface {
	CreateToken(ctx context.Context, t Token) error
	// Token returns the token with hash, whatever its state.
	Token(ctx context.Context, hash []byte) (Token, error)
	Tokens(ctx context.Context, kind TokenKind, tenantID string) ([]Token, error)
	// RevokeTokens revokes the unrevoked tokens of kind whose ID starts
	// with idPrefix (all of subject's when idPrefix is "") and returns
	// their hashes.
	RevokeTokens(ctx context.Context, kind TokenKind, subject, idPrefix string, at time.Time) ([][]byte, error)
	// DeleteExpiredTokens deletes up to limit tokens that expired before
	// at and returns how many it deleted.
	DeleteExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error)
}

// CloudStore persists the cloud's side: accounts, their IAM users and
// their AK/SK pairs.
type CloudStore interface {
	CreateAccount(ctx context.Context, a Account) error
	Account(ctx context.Context, id string) (Account, error)
	AccountByName(ctx context.Context, name string) (Account, error)
	Accounts(ctx context.Context) ([]Account, error)
	// UpdateAccount stores the IsPartner, Enabled and UpdatedAt change
	// returns.
	UpdateAccount(ctx context.Context, id string, change func(Account) (Account, error)) (Account, error)

	// TakenNames returns those of keys (names in lower case) that a cloud
	// account or an IAM user of any account has, its ASCII letters in any
	// case.
	TakenNames(ctx context.Context, keys []string) ([]string, error)

	CreateIAMUser(ctx context.Context, u IAMUser) error
	IAMUser(ctx context.Context, id string) (IAMUser, error)
	IAMUserByName(ctx context.Context, accountID, name string) (IAMUser, error)
	IAMUsers(ctx context.Context, accountID string) ([]IAMUser, error)
	// UpdateIAMUser stores the PasswordHash, Enabled and UpdatedAt change
	// returns.
	UpdateIAMUser(ctx context.Context, id string, change func(IAMUser) (IAMUser, error)) (IAMUser, error)

	CreateAccessKey(ctx context.Context, k AccessKey) error
	AccessKey(ctx context.Context, ak string) (AccessKey, error)
	AccessKeys(ctx context.Context, accountID string) ([]AccessKey, error)
	// UpdateAccessKey stores the Description, Enabled and UpdatedAt
	// change returns.
	UpdateAccessKey(ctx context.Context, ak string, change func(AccessKey) (AccessKey, error)) (AccessKey, error)
}

// SettingStore keeps small values such as the master key's check value.
type SettingStore interface {
	Setting(ctx context.Context, key string) (string, error)
	PutSettingIfAbsent(ctx context.Context, key, value string) error
}
