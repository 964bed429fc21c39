package credential

import (
	"context"

	"github.com/aiccd/aiccd/password"
)

// CheckPassword checks the password of a principal that is not a
// credential of this package (a console user, kind "console") under the
// lockout policy of IAM logins, so that every password login of the
// process is limited alike. hash is the principal's stored hash, "" for a
// principal that does not exist: the check then costs the same and fails.
// A wrong password is refused as an IAM login's is.
func (s *Service) CheckPassword(ctx context.Context, kind, name, hash, pw string) error {
	return s.guarded(ctx, kind+":"+name, func() error {
		if hash == "" {
			hash = dummyPasswordHash()
		}
		if !password.Check(hash, pw) {
			return errBadPassword
		}
		return nil
	})
}
