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
		k, principal, err := s.accessKey(ctx, a.AccessKey)
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
		p = principal
		return nil
	})
	return p, err
}

// accessKey returns an enabled AK of an enabled account with its opened
// SK and the account; aiccd.ErrNotFound stands for unknown and disabled
// alike.
func (s *Service) accessKey(ctx context.Context, ak string) (openedKey, CloudPrincipal, error) {
	if len(ak) > 64 || !storable(ak) {
		return openedKey{}, CloudPrincipal{}, aiccd.ErrNotFound
	}
	k, err := s.accessKeys.Load(ctx, ak, s.loadAccessKey)
	if err != nil {
		return openedKey{}, CloudPrincipal{}, err
	}
	if !k.key.Enabled {
		return openedKey{}, CloudPrincipal{}, aiccd.ErrNotFound
	}
	a, err := s.enabledAccount(ctx, k.key.AccountID)
	if err != nil {
		return openedKey{}, CloudPrincipal{}, err
	}
	return k, CloudPrincipal{AccountID: a.ID, AccountName: a.Name, IsPartner: a.IsPartner, AccessKey: k.key.AK}, nil
}
