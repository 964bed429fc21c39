// Package partner is the customer directory behind the partner (BSS) APIs:
// the customer accounts partners create, and the checks a partner runs
// before registering one (is this login name, e-mail address or mobile
// number still free?).
//
// Login names and e-mail addresses are unique platform-wide, whatever
// their case: a customer cannot take the name of another customer, nor of
// a cloud account or IAM user. A mobile number may be shared by a bounded
// number of accounts. Values are checked as sent and normalised (lower
// case) once, when written, so that a check is an indexed lookup. E-mail addresses and mobile numbers are personal
// data: they are stored sealed with the master key and found through
// keyed digests (blind indexes), and never appear in messages or logs.
package partner

import (
	"context"
	"time"

	"github.com/aiccd/aiccd"
)

// Customer is an account in the directory, as shown to operators.
type Customer struct {
	ID          string    `json:"id"`
	PartnerID   string    `json:"partner_id"`
	Name        string    `json:"name"`
	Email       string    `json:"email,omitempty"`
	Mobile      string    `json:"mobile,omitempty"`
	HasPassword bool      `json:"has_password"`
	CreatedAt   time.Time `json:"created_at"`
}

// NewCustomer is what a partner gives to create a customer. Every field
// may be empty: without a name one is generated, as the cloud does.
type NewCustomer struct {
	Name     string
	Email    string
	Mobile   string
	Password string
}

// Record is a customer as stored: the name with its normalised key, the
// personal data sealed and blind-indexed, the password hashed.
type Record struct {
	ID           string
	PartnerID    string
	Name         string // as given
	NameKey      string // Name in lower case: unique
	EmailKey     []byte // blind index of the normalised address: unique; nil without one
	SealedEmail  []byte
	MobileKey    []byte // blind index of the mobile number; nil without one
	SealedMobile []byte
	PasswordHash string // argon2id; "" without a password
	CreatedAt    time.Time
}

// Store persists the directory.
type Store interface {
	// Create inserts r. When r has a mobile number it takes one of that
	// number's mobileLimit places in the same transaction, so that the
	// limit holds however many creations run at once. It returns
	// ErrNameUsed, ErrEmailUsed or ErrMobileLimit when r cannot be added,
	// and aiccd.ErrNotFound when the partner account does not exist.
	Create(ctx context.Context, r Record, mobileLimit int) error
	// CreateBatch is Create for several records, all or none.
	CreateBatch(ctx context.Context, rs []Record, mobileLimit int) error

	// NameUsed and EmailUsed report whether a key is taken;
	// MobileAccounts counts the accounts registered with a mobile number.
	NameUsed(ctx context.Context, nameKey string) (bool, error)
	EmailUsed(ctx context.Context, emailKey []byte) (bool, error)
	MobileAccounts(ctx context.Context, mobileKey []byte) (int, error)

	// Get and GetByName return aiccd.ErrNotFound for a missing customer.
	Get(ctx context.Context, id string) (Record, error)
	GetByName(ctx context.Context, nameKey string) (Record, error)
	// List returns up to limit customers of a partner ("" for every
	// partner) whose name key sorts after afterNameKey, by name key.
	List(ctx context.Context, partnerID, afterNameKey string, limit int) ([]Record, error)
	// Delete removes a customer and gives back its mobile number's place.
	Delete(ctx context.Context, id string) error
}

// Error codes, for the API families to map to their own.
const (
	CodeSearchType      = "partner.search_type"
	CodeValueMissing    = "partner.value_missing"
	CodeValueTooLong    = "partner.value_too_long"
	CodeNameInvalid     = "partner.name_invalid"
	CodeEmailInvalid    = "partner.email_invalid"
	CodeMobileInvalid   = "partner.mobile_invalid"
	CodePasswordInvalid = "partner.password_invalid"
	CodePartnerID       = "partner.partner_id_invalid"
	CodeNameUsed        = "partner.name_used"
	CodeEmailUsed       = "partner.email_used"
	CodeMobileLimit     = "partner.mobile_limit"
)

// Errors a Store returns when a customer cannot be added. Each is an
// aiccd.ErrConflict. They name the field, never its value.
var (
	ErrNameUsed = &aiccd.Error{Kind: aiccd.KindConflict, Code: CodeNameUsed,
		Message: "the name is already used by another account", Err: aiccd.ErrConflict}
	ErrEmailUsed = &aiccd.Error{Kind: aiccd.KindConflict, Code: CodeEmailUsed,
		Message: "the email address is already used by another account", Err: aiccd.ErrConflict}
	ErrMobileLimit = &aiccd.Error{Kind: aiccd.KindConflict, Code: CodeMobileLimit,
		Message: "the mobile number is registered with as many accounts as allowed", Err: aiccd.ErrConflict}
)
