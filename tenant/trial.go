package tenant

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// A trial is applied for with a company name, an e-mail address and a
// phone number proven by a verification code. aiccd sends no SMS: an
// administrator issues the code (IssueVerificationCode) and passes it on;
// in demo mode DemoVerificationCode is accepted for any phone number.

// DemoVerificationCode is the fixed, public verification code of demo mode.
const DemoVerificationCode = "123456"

// DefaultVerificationTTL is how long an issued code is valid unless told.
const DefaultVerificationTTL = 10 * time.Minute

// maxVerifyAttempts attempts, right or wrong, may be made at a phone's code.
const maxVerifyAttempts = 5

// VerificationCode is an issued phone verification code, stored as keyed
// hashes only: a six-digit code must not be readable, nor guessable
// offline, from a copy of the database. The store also counts the
// attempts at it.
type VerificationCode struct {
	PhoneIndex []byte // Keys.Index of the normalised phone number
	CodeHash   []byte // Keys.Index of PhoneIndex and the code
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// VerificationStore keeps one verification code per phone number.
type VerificationStore interface {
	// PutVerificationCode stores c, replacing the phone's previous code.
	PutVerificationCode(ctx context.Context, c VerificationCode) error
	// AttemptVerificationCode counts an attempt at the phone's code and
	// returns the code's hash, provided the code has not expired at now
	// and fewer than maxAttempts attempts were counted before; otherwise
	// it counts nothing and returns aiccd.ErrNotFound. Counting and
	// checking are one statement: however many attempts arrive at once,
	// at most maxAttempts of them are ever given the hash to compare.
	AttemptVerificationCode(ctx context.Context, phoneIndex []byte, now time.Time, maxAttempts int) (codeHash []byte, err error)
	// UseVerificationCode deletes the phone's code if its hash is still
	// codeHash, and reports whether it did: a code is used once.
	UseVerificationCode(ctx context.Context, phoneIndex, codeHash []byte) (bool, error)
}

// Codes of refused trial applications.
const (
	CodeBadVerificationCode = "tenant.bad_verification_code"
	CodeMobileTaken         = "tenant.mobile_taken"
	CodeEmailTaken          = "tenant.email_taken"
)

// Errors the store returns from CreateWithUniqueContacts.
var (
	ErrMobileTaken = &aiccd.Error{Kind: aiccd.KindConflict, Code: CodeMobileTaken, Message: "the phone number is already registered to a tenant"}
	ErrEmailTaken  = &aiccd.Error{Kind: aiccd.KindConflict, Code: CodeEmailTaken, Message: "the email address is already registered to a tenant"}
)

var errBadCode = aiccd.Errorf(aiccd.KindInvalid, "the phone verification code is wrong, expired or used").WithCode(CodeBadVerificationCode)

// IssueVerificationCode issues a six-digit code for phone, valid for ttl
// (DefaultVerificationTTL when 0), replacing any earlier one.
func (s *Service) IssueVerificationCode(ctx context.Context, phone string, ttl time.Duration) (code string, expiresAt time.Time, err error) {
	phone = NormalizeMobile(phone)
	if !ValidMobile(phone) {
		return "", time.Time{}, errBadMobile
	}
	if ttl == 0 {
		ttl = DefaultVerificationTTL
	}
	if ttl < time.Second || ttl > 24*time.Hour {
		return "", time.Time{}, aiccd.Errorf(aiccd.KindInvalid, "a verification code lives from 1 second to 24 hours")
	}
	if s.keys == nil {
		return "", time.Time{}, errNoKeys
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", time.Time{}, aiccd.Wrap(aiccd.KindInternal, err, "draw a verification code")
	}
	code = strings.Repeat("0", 6-len(n.String())) + n.String()
	now := s.now()
	idx := s.keys.Blind(indexMobile, mobileKey(phone))
	c := VerificationCode{PhoneIndex: idx, CodeHash: s.codeHash(idx, code), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := s.store.PutVerificationCode(ctx, c); err != nil {
		return "", time.Time{}, err
	}
	return code, c.ExpiresAt, nil
}

func (s *Service) codeHash(phoneIndex []byte, code string) []byte {
	return s.keys.Blind(indexVerifyCode, append(append([]byte{}, phoneIndex...), code...))
}

// verifyPhone uses up phone's verification code.
func (s *Service) verifyPhone(ctx context.Context, phone, code string) error {
	if s.demo && code == DemoVerificationCode {
		return nil
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return errBadCode
	}
	if s.keys == nil {
		return errNoKeys
	}
	idx := s.keys.Blind(indexMobile, mobileKey(phone))
	// The attempt is counted before the guess is compared, never after:
	// a burst of guesses cannot get more than maxVerifyAttempts compared.
	stored, err := s.store.AttemptVerificationCode(ctx, idx, s.clock.Now(), maxVerifyAttempts)
	if errors.Is(err, aiccd.ErrNotFound) {
		return errBadCode
	}
	if err != nil {
		return err
	}
	if !hmac.Equal(stored, s.codeHash(idx, code)) {
		return errBadCode
	}
	used, err := s.store.UseVerificationCode(ctx, idx, stored)
	if err != nil {
		return err
	}
	if !used {
		return errBadCode // used by a concurrent application, or replaced
	}
	return nil
}

// Application is a request for a trial tenant (applyTenant).
type Application struct {
	Company    string
	Phone      string
	VerifyCode string
	Email      string
}

// Apply creates a trial tenant for an application: the company name,
// phone number and e-mail address are checked, then the verification
// code is used up, then the tenant is created unless a tenant has the
// phone number or e-mail address already. The new tenant's ID is
// "trial-" and a generated number; it is in space status 5 until
// DefaultTrialPeriod has passed.
func (s *Service) Apply(ctx context.Context, a Application) (Tenant, error) {
	company := strings.TrimSpace(a.Company)
	phone := NormalizeMobile(a.Phone)
	email := strings.TrimSpace(a.Email)
	switch {
	case company == "":
		return Tenant{}, invalid(CodeInvalidCompany, "the company name is required")
	case checkText(company, MaxCompany) != "":
		return Tenant{}, invalid(CodeInvalidCompany, "the company name %s", checkText(company, MaxCompany))
	case phone == "":
		return Tenant{}, invalid(CodeInvalidMobile, "the phone number is required")
	case !ValidMobile(phone):
		return Tenant{}, errBadMobile
	case email == "":
		return Tenant{}, invalid(CodeInvalidEmail, "the email address is required")
	case !ValidEmail(email):
		return Tenant{}, errBadEmail
	}
	if err := s.verifyPhone(ctx, phone, strings.TrimSpace(a.VerifyCode)); err != nil {
		return Tenant{}, err
	}
	if s.ids == nil {
		return Tenant{}, aiccd.Errorf(aiccd.KindInternal, "no ID generator is configured")
	}
	t, err := s.Prepare(Draft{
		ID:      "trial-" + strconv.FormatInt(s.ids.NextID(), 10),
		Kind:    KindTrial,
		Profile: Profile{Company: company, Mobile: phone, Email: email},
	})
	if err != nil {
		return Tenant{}, err
	}
	if err := s.store.CreateWithUniqueContacts(ctx, t); err != nil {
		if errors.Is(err, ErrMobileTaken) || errors.Is(err, ErrEmailTaken) {
			return Tenant{}, err
		}
		return Tenant{}, conflictByID(err, t.ID)
	}
	return t, nil
}
