// Package tenant is the registry of tenants: the customers of the platform
// whose data every other domain partitions by. A tenant is formal (it has
// bought the service) or on trial until a date; its space status follows a
// small state machine (status.go); its contact details are personal data,
// sealed at rest (profile.go) and masked when the business software mall
// reads them (mask.go). Tenants own resources (their subscriptions,
// resource.go) and can be applied for as trials (trial.go).
package tenant

import (
	"context"
	"log/slog"
	"regexp"
	"time"

	"github.com/aiccd/aiccd"
)

// Kind tells formal tenants from trial ones.
type Kind string

// The kinds.
const (
	KindFormal Kind = "formal" // has bought the service
	KindTrial  Kind = "trial"  // tries the service until TrialExpiresAt
)

// ParseKind reads a kind; "" is formal.
func ParseKind(s string) (Kind, error) {
	switch Kind(s) {
	case "", KindFormal:
		return KindFormal, nil
	case KindTrial:
		return KindTrial, nil
	}
	return "", aiccd.Errorf(aiccd.KindInvalid, "kind %q is neither formal nor trial", s)
}

// Tenant is one customer space. Every access code, credential, scene and
// record belongs to exactly one tenant.
type Tenant struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Kind      Kind        `json:"kind"`
	Status    SpaceStatus `json:"space_status"`
	VDN       string      `json:"vdn"`
	PortalURL string      `json:"portal_url"`
	// TrialExpiresAt is when a trial ends; zero for formal tenants.
	TrialExpiresAt time.Time `json:"trial_expires_at,omitzero"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`

	// Profile is the personal data in the clear. The Service fills it
	// when it reads one tenant (Get) and never when it lists; stores
	// ignore it and keep only the sealed form below.
	Profile Profile `json:"profile,omitzero"`

	// SealedProfile is Profile sealed with the master key, the tenant ID
	// as additional data; nil when the tenant has no profile.
	SealedProfile []byte `json:"-"`
	// MobileIndex and EmailIndex are keyed hashes of the normalised
	// mobile number and e-mail address, by which duplicates are found
	// without decrypting; nil when the value is empty.
	MobileIndex []byte `json:"-"`
	EmailIndex  []byte `json:"-"`
	// Revision counts updates.
	Revision int64 `json:"-"`

	// masked is Profile as the mall sees it, computed once when the
	// Service read the tenant (see MallProfile).
	masked *Profile
}

// MallProfile returns the profile as the business software mall sees it
// (Profile.Masked): computed once when the Service read the tenant, which
// the read model then serves to every request.
func (t Tenant) MallProfile() Profile {
	if t.masked != nil {
		return *t.masked
	}
	return t.Profile.Masked()
}

// LogValue logs a tenant by what identifies it, never its profile: a JSON
// log handler would otherwise encode the whole struct.
func (t Tenant) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", t.ID), slog.String("kind", string(t.Kind)), slog.String("space_status", string(t.Status)))
}

// HasProfile reports whether personal data is stored for t.
func (t Tenant) HasProfile() bool { return len(t.SealedProfile) > 0 }

// Store persists tenants and what belongs to them. Create returns
// aiccd.ErrConflict for an existing ID; Get returns aiccd.ErrNotFound for a
// missing one.
type Store interface {
	Create(ctx context.Context, t Tenant) error
	CreateBatch(ctx context.Context, ts []Tenant) error
	Get(ctx context.Context, id string) (Tenant, error)
	// List returns every tenant by ID, without SealedProfile.
	List(ctx context.Context) ([]Tenant, error)
	// Update reads tenant id, passes it to change and stores every field
	// change returns but the ID, with the revision advanced by one, in
	// one transaction that keeps concurrent updates of the tenant out. It
	// returns what it stored, or change's error with nothing stored.
	Update(ctx context.Context, id string, change func(Tenant) (Tenant, error)) (Tenant, error)
	// CreateWithUniqueContacts creates t unless a tenant with the same
	// MobileIndex or EmailIndex exists, checked and inserted atomically;
	// it returns ErrMobileTaken or ErrEmailTaken then.
	CreateWithUniqueContacts(ctx context.Context, t Tenant) error

	ResourceStore
	VerificationStore
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ValidateID checks a tenant ID: 1 to 64 lower-case letters, digits, '-' or
// '_', starting with a letter or digit. IDs appear in URLs and file names.
func ValidateID(id string) error {
	if !idPattern.MatchString(id) {
		return aiccd.Errorf(aiccd.KindInvalid, "tenant ID %q must be 1 to 64 characters of a-z, 0-9, '-' and '_', starting with a letter or digit", id)
	}
	return nil
}

// Times aiccd accepts: what both engines store exactly, and what a client
// can mean.
var (
	minTime = time.Unix(0, 0).UTC()
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
)

// checkTime refuses a non-zero time outside 1970 to 9999.
func checkTime(what string, t time.Time) error {
	if !t.IsZero() && (t.Before(minTime) || t.After(maxTime)) {
		return aiccd.Errorf(aiccd.KindInvalid, "%s is outside the years 1970 to 9999", what)
	}
	return nil
}
