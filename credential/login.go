package credential

import "context"

// CheckPassword checks the password of a principal that is not a
// credential of this package (a console user, kind "console") under the
// policy of IAM logins, so that every password login of the process is
// limited alike: the attempts of the request's source address and of the
// principal are rate-limited, failures lock the principal out (for the
// source, then for everyone), and the check itself runs under the
// process's one password.Verifier. hash is the principal's stored hash,
// "" for a principal that does not exist: the check then costs the same
// and fails. A wrong password is refused as an IAM login's is.
func (s *Service) CheckPassword(ctx context.Context, kind, name, hash, pw string) error {
	if err := s.allow(ctx, "passwords@"+sourceFrom(ctx), PasswordAttemptsPerSource); err != nil {
		return err
	}
	key := guardKey(kind, name)
	return s.guarded(ctx, key, func() error {
		if err := s.allow(ctx, "passwords:"+key, PasswordAttemptsPerUser); err != nil {
			return err
		}
		ok, err := s.passwords.Verify(ctx, hash, pw)
		if err != nil {
			return err
		}
		if !ok {
			return errBadPassword
		}
		return nil
	})
}
