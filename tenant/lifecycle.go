package tenant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiccd/aiccd"
)

// Patch is a change to a tenant: nil fields stay as they are, an empty
// string clears a field.
type Patch struct {
	Name        *string
	VDN         *string
	PortalURL   *string
	Company     *string
	ContactName *string
	Email       *string
	Mobile      *string
	// Status moves the tenant along the state machine (status.go).
	Status *SpaceStatus
	// TrialExpiresAt moves a trial's end. A trial that expired comes back
	// to 5 when its end moves into the future.
	TrialExpiresAt *time.Time
}

// Update changes tenant id by p.
func (s *Service) Update(ctx context.Context, id string, p Patch) (Tenant, error) {
	return s.change(ctx, id, func(t *Tenant) error {
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&t.Name, p.Name)
		set(&t.VDN, p.VDN)
		set(&t.PortalURL, p.PortalURL)
		set(&t.Profile.Company, p.Company)
		set(&t.Profile.ContactName, p.ContactName)
		set(&t.Profile.Email, p.Email)
		set(&t.Profile.Mobile, p.Mobile)
		if p.TrialExpiresAt != nil {
			if t.Kind != KindTrial {
				return aiccd.Errorf(aiccd.KindInvalid, "tenant %q is formal and has no trial expiry", t.ID)
			}
			t.TrialExpiresAt = aiccd.Millis(*p.TrialExpiresAt)
			if t.Status == StatusTrialExpired && s.clock.Now().Before(t.TrialExpiresAt) {
				t.Status = StatusTrial
			}
			s.applyClock(t)
		}
		if p.Status != nil {
			if err := validStatus(t.Kind, *p.Status); err != nil {
				return err
			}
			if err := transition(t.Status, *p.Status); err != nil {
				return err
			}
			t.Status = *p.Status
			if t.Status == StatusTrial && s.pastExpiry(*t) {
				return aiccd.Errorf(aiccd.KindConflict, "the trial of tenant %q has expired; move its expiry into the future to reopen it", t.ID)
			}
		}
		return nil
	})
}

// Expire ends trial id now; a trial that expired already is left as it
// is.
func (s *Service) Expire(ctx context.Context, id string) (Tenant, error) {
	return s.change(ctx, id, func(t *Tenant) error {
		if t.Kind != KindTrial {
			return aiccd.Errorf(aiccd.KindConflict, "tenant %q is formal; only trials expire", t.ID)
		}
		if err := transition(t.Status, StatusTrialExpired); err != nil {
			return err
		}
		if now := s.now(); now.Before(t.TrialExpiresAt) {
			t.TrialExpiresAt = now
			if now.Before(t.CreatedAt) { // a creation time carried over from a clock ahead of ours
				t.TrialExpiresAt = t.CreatedAt
			}
		}
		t.Status = StatusTrialExpired
		return nil
	})
}

// Convert makes trial id a formal tenant in service (status 2), keeping
// its profile, credentials and data. Expired trials convert too; released
// ones do not.
func (s *Service) Convert(ctx context.Context, id string) (Tenant, error) {
	return s.change(ctx, id, func(t *Tenant) error {
		if t.Kind != KindTrial {
			return aiccd.Errorf(aiccd.KindConflict, "tenant %q is formal already", t.ID)
		}
		if t.Status == StatusReleased {
			return aiccd.Errorf(aiccd.KindConflict, "tenant %q was released and cannot be converted", t.ID)
		}
		t.Kind, t.Status, t.TrialExpiresAt = KindFormal, StatusActive, time.Time{}
		return nil
	})
}

// FillProfile completes tenant d.ID from d when it has no profile yet, and
// reports whether it did; a tenant with a profile is left as it is. Of a
// tenant without one it sets the profile; the kind, status, creation time
// and trial expiry only if nobody changed the tenant since it was created;
// the VDN and portal URL only where empty. The demo dataset uses it to
// complete tenants created with a name only, without overwriting what an
// integrator set.
func (s *Service) FillProfile(ctx context.Context, d Draft) (Tenant, bool, error) {
	filled := false
	t, err := s.change(ctx, d.ID, func(t *Tenant) error {
		if t.HasProfile() {
			return errUnchanged
		}
		want, err := s.Prepare(d)
		if err != nil {
			return err
		}
		if t.Revision == 0 {
			t.Kind, t.Status, t.CreatedAt, t.TrialExpiresAt = want.Kind, want.Status, want.CreatedAt, want.TrialExpiresAt
		}
		t.Profile = want.Profile
		if t.VDN == "" {
			t.VDN = want.VDN
		}
		if t.PortalURL == "" {
			t.PortalURL = want.PortalURL
		}
		filled = true
		return nil
	})
	return t, filled, err
}

// errUnchanged tells change that fn decided to change nothing.
var errUnchanged = errors.New("unchanged")

// change lets fn modify tenant id, opened and with its status as of now,
// then checks and seals the result, all inside the store's update.
func (s *Service) change(ctx context.Context, id string, fn func(t *Tenant) error) (Tenant, error) {
	var unchanged Tenant
	t, err := s.store.Update(ctx, id, func(t Tenant) (Tenant, error) {
		if err := s.open(&t); err != nil {
			return Tenant{}, err
		}
		s.applyClock(&t)
		if err := fn(&t); err != nil {
			unchanged = t
			return Tenant{}, err
		}
		if err := s.check(t); err != nil {
			return Tenant{}, err
		}
		p, err := NormalizeProfile(t.Profile)
		if err != nil {
			return Tenant{}, err
		}
		if err := s.seal(&t, p); err != nil {
			return Tenant{}, err
		}
		t.UpdatedAt = s.now()
		return t, nil
	})
	switch {
	case errors.Is(err, errUnchanged):
		return unchanged, nil
	case errors.Is(err, aiccd.ErrNotFound):
		return Tenant{}, &aiccd.Error{Kind: aiccd.KindNotFound, Message: fmt.Sprintf("tenant %q does not exist", id), Err: err}
	case err != nil:
		return Tenant{}, err
	}
	s.feed.Sync(ctx)
	return t, nil
}
