package tenant

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/changefeed"
)

// DefaultTrialPeriod is how long a trial lasts unless told otherwise.
const DefaultTrialPeriod = 30 * 24 * time.Hour

// maxCachedTenants bounds the tenants kept in memory: about 1 KB each.
const maxCachedTenants = 100_000

// Service applies the tenant rules on top of a Store.
type Service struct {
	store Store
	clock aiccd.Clock
	keys  Keys
	ids   aiccd.IDGenerator
	demo  bool
	// frozen is the trial the clock does not expire ("" for none).
	frozen string
	feed   *changefeed.Hub
	// tenants is the read model every authenticated request reads its
	// tenant from.
	tenants *changefeed.Cache[string, *storedTenant]
}

// Options are what a Service is built from.
type Options struct {
	Store Store
	Clock aiccd.Clock // nil: the system clock
	// Keys seal personal data; without keys a tenant can have no profile.
	Keys Keys
	// IDs draws the IDs of trial tenants and resources.
	IDs aiccd.IDGenerator
	// Feed keeps the tenants read on every request in memory, exact
	// across replicas through the change feed; nil reads the store every
	// time.
	Feed *changefeed.Hub
	// Demo accepts DemoVerificationCode for any phone number.
	Demo bool
	// FrozenTrial is a trial kept in service whatever the clock says: the
	// demo's trial reproduces the page's example, which expired in 2023.
	// Every other trial expires by the clock as usual.
	FrozenTrial string
}

// NewService returns a Service over o.Store.
func NewService(o Options) *Service {
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	s := &Service{store: o.Store, clock: o.Clock, keys: o.Keys, ids: o.IDs, feed: o.Feed, demo: o.Demo, frozen: o.FrozenTrial}
	s.tenants = changefeed.NewCache[string, *storedTenant](s.feed, changefeed.Tenant, changefeed.StringKey, maxCachedTenants)
	return s
}

func (s *Service) now() time.Time { return aiccd.Millis(s.clock.Now()) }

// Draft is what a tenant is made from.
type Draft struct {
	ID        string
	Name      string
	Kind      Kind        // "" is formal
	Status    SpaceStatus // "" is 2 (active) for formal tenants, 5 (trial) for trials
	VDN       string
	PortalURL string
	Profile   Profile
	// CreatedAt is when the tenant was created, for tenants carried over
	// from another system; zero is now.
	CreatedAt time.Time
	// TrialExpiresAt ends a trial; zero is DefaultTrialPeriod after
	// CreatedAt. Formal tenants have none.
	TrialExpiresAt time.Time
}

// Create registers a new formal tenant with a name and nothing else.
func (s *Service) Create(ctx context.Context, id, name string) (Tenant, error) {
	return s.CreateFrom(ctx, Draft{ID: id, Name: name})
}

// CreateFrom registers a new tenant made from d.
func (s *Service) CreateFrom(ctx context.Context, d Draft) (Tenant, error) {
	t, err := s.Prepare(d)
	if err != nil {
		return Tenant{}, err
	}
	if err := s.store.Create(ctx, t); err != nil {
		return Tenant{}, conflictByID(err, t.ID)
	}
	return t, nil
}

// CreateBatch registers tenants made by Prepare, all or none.
func (s *Service) CreateBatch(ctx context.Context, ts []Tenant) error {
	err := s.store.CreateBatch(ctx, ts)
	if len(ts) == 1 {
		return conflictByID(err, ts[0].ID)
	}
	return err
}

// conflictByID names the tenant in a conflict error.
func conflictByID(err error, id string) error {
	if errors.Is(err, aiccd.ErrConflict) {
		return &aiccd.Error{Kind: aiccd.KindConflict, Message: fmt.Sprintf("tenant %q already exists", id), Err: err}
	}
	return err
}

// New validates a formal tenant with a name and nothing else, to be
// created now.
func (s *Service) New(id, name string) (Tenant, error) {
	return s.Prepare(Draft{ID: id, Name: name})
}

// Prepare validates a tenant made from d, with its profile sealed, ready
// for CreateBatch.
func (s *Service) Prepare(d Draft) (Tenant, error) {
	kind, err := ParseKind(string(d.Kind))
	if err != nil {
		return Tenant{}, err
	}
	now := s.now()
	t := Tenant{
		ID: d.ID, Name: d.Name, Kind: kind, Status: d.Status, VDN: d.VDN, PortalURL: d.PortalURL,
		CreatedAt: aiccd.Millis(d.CreatedAt), TrialExpiresAt: aiccd.Millis(d.TrialExpiresAt), UpdatedAt: now,
	}
	if t.Status == "" {
		t.Status = defaultStatus(kind)
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	if kind == KindTrial && t.TrialExpiresAt.IsZero() {
		t.TrialExpiresAt = t.CreatedAt.Add(DefaultTrialPeriod)
	}
	if err := ValidateID(t.ID); err != nil {
		return Tenant{}, err
	}
	if err := s.check(t); err != nil {
		return Tenant{}, err
	}
	p, err := NormalizeProfile(d.Profile)
	if err != nil {
		return Tenant{}, err
	}
	if err := s.seal(&t, p); err != nil {
		return Tenant{}, err
	}
	return t, nil
}

var vdnPattern = regexp.MustCompile(`^[0-9]{1,10}$`)

// check validates everything of t but its ID and profile.
func (s *Service) check(t Tenant) error {
	if len(t.Name) > 256 {
		return aiccd.Errorf(aiccd.KindInvalid, "tenant name is longer than 256 bytes")
	}
	if err := validStatus(t.Kind, t.Status); err != nil {
		return err
	}
	if err := checkTime("the creation time", t.CreatedAt); err != nil {
		return err
	}
	if err := checkTime("the trial expiry", t.TrialExpiresAt); err != nil {
		return err
	}
	if t.VDN != "" && !vdnPattern.MatchString(t.VDN) {
		return aiccd.Errorf(aiccd.KindInvalid, "vdn %q must be 1 to 10 digits", t.VDN)
	}
	if err := checkPortalURL(t.PortalURL); err != nil {
		return err
	}
	switch {
	case t.Kind == KindFormal && !t.TrialExpiresAt.IsZero():
		return aiccd.Errorf(aiccd.KindInvalid, "a formal tenant has no trial expiry")
	case t.Kind == KindTrial && t.TrialExpiresAt.Before(t.CreatedAt):
		return aiccd.Errorf(aiccd.KindInvalid, "a trial cannot expire before it was created")
	}
	return nil
}

func checkPortalURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2048 || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return aiccd.Errorf(aiccd.KindInvalid, "portal URL must be an absolute http or https URL of at most 2048 bytes")
	}
	return nil
}

// Get returns the tenant with id, its profile opened and its status as of
// now, from memory when the change feed allows.
func (s *Service) Get(ctx context.Context, id string) (Tenant, error) {
	// Text a store cannot hold names no tenant; PostgreSQL would answer
	// it with an error rather than no row.
	if !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
		return Tenant{}, aiccd.Errorf(aiccd.KindNotFound, "tenant %q does not exist", id)
	}
	st, err := s.tenants.Load(ctx, id, s.load)
	if err != nil {
		return Tenant{}, err
	}
	t, err := st.open(s)
	if err != nil {
		return Tenant{}, err
	}
	s.applyClock(&t)
	return t, nil
}

// storedTenant is a tenant as stored and, once a caller needed it, with
// its profile opened: the standing check of every request reads the
// tenant without opening personal data, the mall's reads open it once.
type storedTenant struct {
	sealed Tenant
	once   sync.Once
	opened Tenant
	err    error
}

// load reads the tenant with id from the store.
func (s *Service) load(ctx context.Context, id string) (*storedTenant, error) {
	t, err := s.store.Get(ctx, id)
	if err != nil {
		if errors.Is(err, aiccd.ErrNotFound) {
			return nil, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", id), Err: err}
		}
		return nil, err
	}
	return &storedTenant{sealed: t}, nil
}

// open returns the tenant with its profile opened, and the profile masked
// for the mall (MallProfile), both computed once.
func (st *storedTenant) open(s *Service) (Tenant, error) {
	st.once.Do(func() {
		t := st.sealed
		if st.err = s.open(&t); st.err != nil {
			return
		}
		masked := t.Profile.Masked()
		t.masked = &masked
		st.opened = t
	})
	return st.opened, st.err
}

// List returns every tenant, ordered by ID, with its status as of now and
// without its profile: listing never decrypts personal data.
func (s *Service) List(ctx context.Context) ([]Tenant, error) {
	ts, err := s.store.List(ctx)
	for i := range ts {
		s.applyClock(&ts[i])
	}
	return ts, err
}

// applyClock moves a trial past its expiry to 6 (trial expired), unless it
// is the frozen trial. The stored status catches up at the next change. A
// tenant written to a store without kind or status (as other domains'
// tests write them) reads as a formal tenant in service, as migration 0003
// made the tenants before it.
func (s *Service) applyClock(t *Tenant) {
	if t.Kind == "" {
		t.Kind = KindFormal
	}
	if t.Status == "" {
		t.Status = defaultStatus(t.Kind)
	}
	if t.Kind == KindTrial && t.Status == StatusTrial && s.pastExpiry(*t) {
		t.Status = StatusTrialExpired
	}
}

// pastExpiry reports whether trial t has run out by the clock; the frozen
// trial never has.
func (s *Service) pastExpiry(t Tenant) bool {
	return t.ID != s.frozen && !s.clock.Now().Before(t.TrialExpiresAt)
}

// Formal returns the formal tenant id for the business software mall. A
// missing tenant or a trial is an Unauthorized error: the mall's token does
// not belong to a customer who bought the service.
func (s *Service) Formal(ctx context.Context, id string) (Tenant, error) {
	t, err := s.Get(ctx, id)
	switch {
	case aiccd.KindOf(err) == aiccd.KindNotFound:
		return Tenant{}, &aiccd.Error{Kind: aiccd.KindUnauthorized, Code: CodeNotFormal, Message: "the access token's tenant does not exist", Err: err}
	case err != nil:
		return Tenant{}, err
	case t.Kind != KindFormal:
		return Tenant{}, aiccd.Errorf(aiccd.KindUnauthorized, "the access token belongs to a trial tenant, not a formal one").WithCode(CodeNotFormal)
	}
	return t, nil
}

// Trial returns the trial tenant id for the business software mall. A
// formal tenant's token finds no trial: a NotFound error.
func (s *Service) Trial(ctx context.Context, id string) (Tenant, error) {
	t, err := s.Get(ctx, id)
	switch {
	case aiccd.KindOf(err) == aiccd.KindNotFound:
		return Tenant{}, &aiccd.Error{Kind: aiccd.KindUnauthorized, Message: "the access token's tenant does not exist", Err: err}
	case err != nil:
		return Tenant{}, err
	case t.Kind != KindTrial:
		return Tenant{}, aiccd.Errorf(aiccd.KindNotFound, "the access token belongs to a formal tenant, which has no trial").WithCode(CodeNotTrial)
	}
	return t, nil
}

// CheckInService returns nil when tenant id is in service as of now (see
// SpaceStatus.InService), and an Unauthorized error with CodeNotInService
// when it is not or does not exist. Every authenticated request of the
// vendor APIs passes through it, so it reads the tenant once and opens no
// personal data.
func (s *Service) CheckInService(ctx context.Context, id string) error {
	st, err := s.tenants.Load(ctx, id, s.load)
	switch {
	case errors.Is(err, aiccd.ErrNotFound):
		return &aiccd.Error{Kind: aiccd.KindUnauthorized, Code: CodeNotInService, Message: fmt.Sprintf("tenant %q does not exist", id), Err: err}
	case err != nil:
		return err
	}
	t := st.sealed
	s.applyClock(&t)
	if !t.Status.InService() {
		return aiccd.Errorf(aiccd.KindUnauthorized, "tenant %q is in space status %s, not in service", id, t.Status).WithCode(CodeNotInService)
	}
	return nil
}

// Codes of the refusals of tenants.
const (
	CodeNotFormal    = "tenant.not_formal"
	CodeNotTrial     = "tenant.not_trial"
	CodeNotInService = "tenant.not_in_service"
)
