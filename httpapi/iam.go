package httpapi

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
)

type iamDomain struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

type iamTokenRequest struct {
	Auth struct {
		Identity struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User struct {
					Name     string    `json:"name"`
					Password string    `json:"password"`
					Domain   iamDomain `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope struct {
			Domain  *iamDomain `json:"domain"`
			Project *iamDomain `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

type iamTokenResponse struct {
	Token struct {
		ExpiresAt string    `json:"expires_at"`
		IssuedAt  string    `json:"issued_at"`
		Methods   []string  `json:"methods"`
		Domain    iamDomain `json:"domain"`
		User      struct {
			Domain            iamDomain `json:"domain"`
			ID                string    `json:"id"`
			Name              string    `json:"name"`
			PasswordExpiresAt string    `json:"password_expires_at"`
		} `json:"user"`
		Roles   []iamDomain `json:"roles"`
		Catalog []any       `json:"catalog"`
	} `json:"token"`
}

// throttledLoginPause is how long a login refused for its address's or
// user's attempt rate waits before it is answered. A client that loops on
// refusals then sends a request a second instead of thousands, which on a
// server of a few cores is what keeps the other APIs fast during a flood
// of logins; the wait holds nothing but the connection's goroutine.
// Refusals because every password check is busy are answered at once.
const throttledLoginPause = time.Second

// pause waits d, or until ctx is done.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// iamTime is the IAM API's timestamp layout, with microseconds.
const iamTime = "2006-01-02T15:04:05.000000Z"

// iamTokens issues an IAM token for a password identity scoped to a
// domain: POST /v3/auth/tokens answers 201 with the token in
// X-Subject-Token.
func (s *Server) iamTokens(w http.ResponseWriter, r *http.Request) error {
	var req iamTokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	id := req.Auth.Identity
	if !slices.Contains(id.Methods, "password") || id.Password == nil {
		return aiccd.Errorf(aiccd.KindInvalid, "auth.identity.methods must include \"password\", with auth.identity.password; other methods are not supported")
	}
	if req.Auth.Scope.Domain == nil {
		return aiccd.Errorf(aiccd.KindInvalid, "auth.scope.domain is required: the partner APIs take domain-scoped tokens")
	}
	u := id.Password.User
	tok, err := s.credentials.IssueIAMToken(r.Context(), credential.PasswordAuth{
		UserName: u.Name, Password: u.Password, UserDomainID: u.Domain.ID, UserDomainName: u.Domain.Name,
		ScopeDomainID: req.Auth.Scope.Domain.ID, ScopeDomainName: req.Auth.Scope.Domain.Name,
	})
	if err != nil {
		if aiccd.CodeOf(err) == credential.CodeThrottled {
			pause(r.Context(), throttledLoginPause)
		}
		return err
	}
	var resp iamTokenResponse
	t := &resp.Token
	t.ExpiresAt, t.IssuedAt = tok.ExpiresAt.UTC().Format(iamTime), tok.IssuedAt.UTC().Format(iamTime)
	t.Methods = []string{"password"}
	t.Domain = iamDomain{ID: tok.Account.ID, Name: tok.Account.Name}
	t.User.Domain, t.User.ID, t.User.Name = t.Domain, tok.User.ID, tok.User.Name
	t.Roles = []iamDomain{{ID: "0", Name: "te_admin"}}
	t.Catalog = []any{}
	w.Header().Set("X-Subject-Token", tok.Token)
	writeJSON(w, http.StatusCreated, resp)
	return nil
}
