package partner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/password"
)

// DefaultMobileLimit is how many accounts may share one mobile number
// unless configured otherwise.
const DefaultMobileLimit = 5

// Blind index purposes: digests of different fields never compare equal.
const (
	blindEmail  = "customer.email"
	blindMobile = "customer.mobile"
)

// AccountNames finds, among names, those of cloud accounts and IAM users:
// the cloud's login names, which no customer may register.
// credential.Service is one.
type AccountNames interface {
	// TakenNames returns, in lower case, those of names that an account
	// or IAM user has, ASCII letters compared in any case.
	TakenNames(ctx context.Context, names []string) ([]string, error)
}

// Options configure a Service.
type Options struct {
	Store Store
	// Accounts are the cloud's accounts and IAM users, whose names are
	// taken.
	Accounts AccountNames
	Clock    aiccd.Clock
	Sealer   aiccd.Sealer
	Blinder  aiccd.Blinder
	// MobileLimit is how many accounts may share a mobile number
	// (DefaultMobileLimit when 0).
	MobileLimit int
	// Feed keeps registration checks of e-mail addresses and mobile
	// numbers in memory, exact across replicas through the change feed
	// followed on it. Without it every check reads the store.
	Feed *changefeed.Hub
	// NewID makes customer IDs: by default 32 random lower-case hex
	// digits, the form of the cloud's domain IDs. Tests inject their own.
	NewID func() string
}

// Service is the customer directory: registration checks and customer
// creation, with the rules of the partner APIs.
type Service struct {
	store       Store
	accounts    AccountNames
	clock       aiccd.Clock
	sealer      aiccd.Sealer
	blinder     aiccd.Blinder
	mobileLimit int
	newID       func() string
	checks      checks
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.MobileLimit <= 0 {
		o.MobileLimit = DefaultMobileLimit
	}
	if o.NewID == nil {
		o.NewID = randomID
	}
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	return &Service{store: o.Store, accounts: o.Accounts, clock: o.Clock, sealer: o.Sealer, blinder: o.Blinder, mobileLimit: o.MobileLimit, newID: o.NewID,
		checks: newChecks(o.Feed)}
}

// randomID returns 128 random bits as 32 lower-case hex digits. Random
// rather than snowflake IDs: replicas need no node numbers to agree.
func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// MobileLimit is how many accounts may share a mobile number.
func (s *Service) MobileLimit() int { return s.mobileLimit }

// Result is the outcome of a registration check.
type Result struct {
	// Used: at least one account has the value.
	Used bool
	// LimitReached: no further account may register with the value. For
	// names and e-mail addresses it is Used; a mobile number reaches it
	// with MobileLimit accounts.
	LimitReached bool
	// Remaining is, for a mobile number, how many more accounts may
	// register with it.
	Remaining int
}

// Check tells whether a value of searchType (email, mobile or name) may
// still be used to register a customer. The rules apply to the value as
// sent, surrounding spaces included; names and e-mail addresses are then
// compared in lower case, as they were stored. A name is used when a
// customer, a cloud account or an IAM user has it: two indexed lookups.
// An e-mail address or mobile number is one, or none while the change
// feed keeps its answer in memory.
func (s *Service) Check(ctx context.Context, searchType, value string) (Result, error) {
	t, err := ParseSearchType(searchType)
	if err != nil {
		return Result{}, err
	}
	if err := ValidateSearch(t, value); err != nil {
		return Result{}, err
	}
	switch t {
	case SearchName:
		used, err := s.store.NameUsed(ctx, NameKey(value))
		if err == nil && !used {
			var taken []string
			taken, err = s.accounts.TakenNames(ctx, []string{value})
			used = len(taken) > 0
		}
		return Result{Used: used, LimitReached: used}, err
	case SearchEmail:
		used, err := s.emailUsed(ctx, s.blind(blindEmail, NormalizeEmail(value)))
		return Result{Used: used, LimitReached: used}, err
	default:
		n, err := s.mobileAccounts(ctx, s.blind(blindMobile, value))
		if err != nil {
			return Result{}, err
		}
		return Result{Used: n > 0, LimitReached: n >= s.mobileLimit, Remaining: max(s.mobileLimit-n, 0)}, nil
	}
}

func (s *Service) blind(purpose, value string) []byte {
	return s.blinder.Blind(purpose, []byte(value))
}

// Create adds a customer of partnerID. It refuses what Check calls used,
// atomically among customers: of two concurrent creations with one name,
// one fails.
func (s *Service) Create(ctx context.Context, partnerID string, n NewCustomer) (Customer, error) {
	r, c, err := s.prepare(partnerID, n)
	if err != nil {
		return Customer{}, err
	}
	if err := s.refuseAccountNames(ctx, []Record{r}); err != nil {
		return Customer{}, err
	}
	if err := s.store.Create(ctx, r, s.mobileLimit); err != nil {
		return Customer{}, partnerMustExist(err, partnerID)
	}
	s.synced(ctx)
	return c, nil
}

// Prepare validates and normalises a customer of partnerID to be
// imported: the name, e-mail address and mobile number by the check rules,
// the password by the cloud's policy (then hashed). It reads nothing.
func (s *Service) Prepare(partnerID string, n NewCustomer) (Record, error) {
	r, _, err := s.prepare(partnerID, n)
	return r, err
}

// Import adds customers made by Prepare, all or none.
func (s *Service) Import(ctx context.Context, rs []Record) error {
	if len(rs) == 0 {
		return nil
	}
	if err := s.refuseAccountNames(ctx, rs); err != nil {
		return err
	}
	if err := s.store.CreateBatch(ctx, rs, s.mobileLimit); err != nil {
		return partnerMustExist(err, rs[0].PartnerID)
	}
	s.synced(ctx)
	return nil
}

// refuseAccountNames returns ErrNameUsed when one of rs has the name of a
// cloud account or IAM user, in one lookup for them all.
func (s *Service) refuseAccountNames(ctx context.Context, rs []Record) error {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name
	}
	taken, err := s.accounts.TakenNames(ctx, names)
	if err != nil {
		return err
	}
	if len(taken) > 0 {
		return ErrNameUsed
	}
	return nil
}

func (s *Service) prepare(partnerID string, n NewCustomer) (Record, Customer, error) {
	if err := ValidatePartnerID(partnerID); err != nil {
		return Record{}, Customer{}, err
	}
	c := Customer{
		ID:        s.newID(),
		PartnerID: partnerID,
		Name:      n.Name, // as sent: the case is kept for display
		Email:     NormalizeEmail(n.Email),
		Mobile:    CanonicalMobile(n.Mobile),
		CreatedAt: aiccd.Millis(s.clock.Now()),
	}
	if c.Name == "" {
		// As the cloud does: a 32-character name, here "c" and the last
		// 31 digits of the ID (124 random bits).
		c.Name = "c" + c.ID[max(len(c.ID)-31, 0):]
	}
	if err := ValidateName(c.Name); err != nil {
		return Record{}, Customer{}, err
	}
	r := Record{ID: c.ID, PartnerID: partnerID, Name: c.Name, NameKey: NameKey(c.Name), CreatedAt: c.CreatedAt}
	if c.Email != "" {
		if err := ValidateEmail(c.Email); err != nil {
			return Record{}, Customer{}, err
		}
		sealed, err := s.sealer.Seal([]byte(c.Email), aad(c.ID, "email"))
		if err != nil {
			return Record{}, Customer{}, err
		}
		r.EmailKey, r.SealedEmail = s.blind(blindEmail, c.Email), sealed
	}
	if c.Mobile != "" {
		if err := ValidateMobile(c.Mobile); err != nil {
			return Record{}, Customer{}, err
		}
		sealed, err := s.sealer.Seal([]byte(c.Mobile), aad(c.ID, "mobile"))
		if err != nil {
			return Record{}, Customer{}, err
		}
		r.MobileKey, r.SealedMobile = s.blind(blindMobile, c.Mobile), sealed
	}
	if n.Password != "" {
		if err := ValidatePassword(n.Password, c.Name, c.Mobile); err != nil {
			return Record{}, Customer{}, err
		}
		r.PasswordHash = password.Hash(n.Password)
		c.HasPassword = true
	}
	return r, c, nil
}

// aad binds a sealed field to its customer and field, so that a sealed
// value copied elsewhere does not open.
func aad(id, field string) []byte { return []byte("customer:" + id + ":" + field) }

// partnerMustExist names the partner when a foreign key refused a write.
func partnerMustExist(err error, partnerID string) error {
	if errors.Is(err, aiccd.ErrNotFound) {
		return &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("partner account %q does not exist", partnerID), Err: err}
	}
	return err
}

// Get returns the customer with an ID or, failing that, a name.
func (s *Service) Get(ctx context.Context, idOrName string) (Customer, error) {
	r, err := s.find(ctx, idOrName)
	if err != nil {
		return Customer{}, err
	}
	return s.open(r)
}

func (s *Service) find(ctx context.Context, idOrName string) (Record, error) {
	r, err := s.store.Get(ctx, idOrName)
	if errors.Is(err, aiccd.ErrNotFound) {
		r, err = s.store.GetByName(ctx, NameKey(idOrName))
	}
	if errors.Is(err, aiccd.ErrNotFound) {
		return Record{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("no customer has the ID or name %q", idOrName), Err: err}
	}
	return r, err
}

// List returns up to limit customers of partnerID ("" for all), by name,
// starting after the name after.
func (s *Service) List(ctx context.Context, partnerID, after string, limit int) ([]Customer, error) {
	if limit <= 0 {
		limit = 100
	}
	rs, err := s.store.List(ctx, partnerID, NameKey(after), limit)
	if err != nil {
		return nil, err
	}
	cs := make([]Customer, 0, len(rs))
	for _, r := range rs {
		c, err := s.open(r)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// Delete removes the customer with an ID or name, which frees its name,
// e-mail address and place on its mobile number.
func (s *Service) Delete(ctx context.Context, idOrName string) (Customer, error) {
	r, err := s.find(ctx, idOrName)
	if err != nil {
		return Customer{}, err
	}
	c, err := s.open(r)
	if err != nil {
		return Customer{}, err
	}
	if err := s.store.Delete(ctx, r.ID); err != nil {
		return c, err
	}
	s.synced(ctx)
	return c, nil
}

// open unseals a record's personal data.
func (s *Service) open(r Record) (Customer, error) {
	c := Customer{ID: r.ID, PartnerID: r.PartnerID, Name: r.Name, HasPassword: r.PasswordHash != "", CreatedAt: r.CreatedAt}
	for _, f := range []struct {
		sealed []byte
		name   string
		to     *string
	}{{r.SealedEmail, "email", &c.Email}, {r.SealedMobile, "mobile", &c.Mobile}} {
		if f.sealed == nil {
			continue
		}
		b, err := s.sealer.Open(f.sealed, aad(r.ID, f.name))
		if err != nil {
			return Customer{}, aiccd.Wrap(aiccd.KindInternal, fmt.Errorf("customer %s: the sealed %s does not open: %w", r.ID, f.name, err), "")
		}
		*f.to = string(b)
	}
	return c, nil
}
