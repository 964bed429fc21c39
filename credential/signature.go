package credential

import (
	"context"
	"errors"

	"github.com/aiccd/aiccd"
)

// dummySecret stands in for the SK of an unknown AK, so that an unknown AK
// and a wrong signature cost the same work and get the same answer.
var dummySecret = []byte("aiccd-dummy-secret-key-for-unknown-aks")

// VerifySignature checks an SDK-HMAC-SHA256 signed request and returns the
// account its AK belongs to.
func (s *Service) VerifySignature(ctx context.Context, r SignedRequest, authorization string) (CloudPrincipal, error) {
	a, err := ParseAuthorization(authorization)
	if err != nil {
		return CloudPrincipal{}, err
	}
	var p CloudPrincipal
	err = s.guarded(ctx, guardKey("ak", a.AccessKey), func() error {
		k, err := s.accessKey(ctx, a.AccessKey)
		secret := k.secret
		if errors.Is(err, aiccd.ErrNotFound) {
			secret = dummySecret
		} else if err != nil {
			return err
		}
		if serr := checkSignature(r, a, secret, s.clock.Now()); serr != nil {
			return serr
		}
		if err != nil {
			return errSignatureMismatch
		}
		p = k.principal
		return nil
	})
	return p, err
}

// accessKey returns an enabled AK of an enabled account with its opened
// SK, from the cache or the store; aiccd.ErrNotFound stands for unknown
// and disabled alike.
func (s *Service) accessKey(ctx context.Context, ak string) (cachedKey, error) {
	now := s.clock.Now()
	if c, ok := s.keys.get(ak); ok && s.cacheFresh(c.checkedAt, now) {
		return c, nil
	}
	if len(ak) > 64 || !storable(ak) {
		return cachedKey{}, aiccd.ErrNotFound
	}
	k, err := s.store.AccessKey(ctx, ak)
	if err != nil {
		return cachedKey{}, err
	}
	a, err := s.store.Account(ctx, k.AccountID)
	if err != nil {
		return cachedKey{}, err
	}
	if !k.Enabled || !a.Enabled {
		return cachedKey{}, aiccd.ErrNotFound
	}
	secret, err := s.sealer.Open(k.SealedSK, []byte("ak:"+k.AK))
	if err != nil {
		return cachedKey{}, aiccd.Wrap(aiccd.KindInternal, err, "")
	}
	c := cachedKey{
		secret:    secret,
		principal: CloudPrincipal{AccountID: a.ID, AccountName: a.Name, IsPartner: a.IsPartner, AccessKey: k.AK},
		checkedAt: now,
	}
	s.keys.put(ak, c)
	return c, nil
}
