package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// The cloud IAM token API and the partner (BSS) customer APIs. The
// partner APIs authenticate with an IAM token (WithIAMUser) or an AK/SK
// signature (WithAKSK).

// IAMToken is an IAM token and what the server says of it.
type IAMToken struct {
	Token      string // X-Subject-Token: send it as X-Auth-Token
	IssuedAt   time.Time
	ExpiresAt  time.Time
	UserID     string
	UserName   string
	DomainID   string
	DomainName string
}

// iamTime is the IAM API's timestamp layout.
const iamTime = "2006-01-02T15:04:05.999999Z07:00"

// IAMToken obtains an IAM token for a user of a cloud account (domain),
// scoped to that domain (POST /v3/auth/tokens). Clients made WithIAMUser
// call it themselves when they need a token.
func (c *Client) IAMToken(ctx context.Context, domain, user, password string) (*IAMToken, error) {
	type named struct {
		Name string `json:"name"`
	}
	var body struct {
		Auth struct {
			Identity struct {
				Methods  []string `json:"methods"`
				Password struct {
					User struct {
						Name     string `json:"name"`
						Password string `json:"password"`
						Domain   named  `json:"domain"`
					} `json:"user"`
				} `json:"password"`
			} `json:"identity"`
			Scope struct {
				Domain named `json:"domain"`
			} `json:"scope"`
		} `json:"auth"`
	}
	body.Auth.Identity.Methods = []string{"password"}
	u := &body.Auth.Identity.Password.User
	u.Name, u.Password, u.Domain.Name = user, password, domain
	body.Auth.Scope.Domain.Name = domain
	a, err := c.send(ctx, call{method: http.MethodPost, path: "/v3/auth/tokens", body: body, safe: true, family: FamilyIAM})
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusCreated {
		return nil, parseError(a, FamilyIAM)
	}
	var out struct {
		Token struct {
			ExpiresAt string `json:"expires_at"`
			IssuedAt  string `json:"issued_at"`
			Domain    struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"domain"`
			User struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"user"`
		} `json:"token"`
	}
	if err := decodeJSON(a, &out); err != nil {
		return nil, err
	}
	t := &IAMToken{Token: a.header.Get("X-Subject-Token"), UserID: out.Token.User.ID, UserName: out.Token.User.Name,
		DomainID: out.Token.Domain.ID, DomainName: out.Token.Domain.Name}
	t.IssuedAt, _ = time.Parse(iamTime, out.Token.IssuedAt)
	if t.ExpiresAt, err = time.Parse(iamTime, out.Token.ExpiresAt); err != nil {
		t.ExpiresAt = c.now().Add(24 * time.Hour) // the cloud's token lifetime
	}
	if t.Token == "" {
		return nil, &APIError{Status: a.status, Family: FamilyIAM, Message: "the answer has no X-Subject-Token", Body: a.body}
	}
	return t, nil
}

// Search types of the registration checks.
const (
	SearchEmail  = "email"
	SearchMobile = "mobile"
	SearchName   = "name"
)

// CheckUserResult is check-user's verdict.
type CheckUserResult struct {
	Status  string `json:"status"`  // "1": the value exists
	Uplimit string `json:"uplimit"` // "1": the upper limit has been reached
}

// Used reports whether the value is already registered.
func (r *CheckUserResult) Used() bool { return r.Status == "1" }

// LimitReached reports whether no further account may register with it.
func (r *CheckUserResult) LimitReached() bool { return r.Uplimit == "1" }

// CheckUser checks whether an account name, mobile number (00XX-XXXXXXXX)
// or e-mail address can register, with the old API
// (POST /v1.0/{partner_id}/partner/customer-mgr/check-user). partnerID ""
// is the client's own partner (WithIAMUser's or WithAKSK's domain).
// Invalid input is an *APIError with Code CBC.0100 and HTTP status 200.
func (c *Client) CheckUser(ctx context.Context, partnerID, searchType, searchKey string) (*CheckUserResult, error) {
	if partnerID == "" {
		partnerID = c.partnerDomain
	}
	var out CheckUserResult
	err := c.partner(ctx, "/v1.0/"+url.PathEscape(partnerID)+"/partner/customer-mgr/check-user", true,
		map[string]string{"searchType": searchType, "searchKey": searchKey}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CheckIdentityResult is check-identity's verdict.
type CheckIdentityResult struct {
	CheckResult string `json:"check_result"` // available, used_by_user
	// MobileRemainAvailableNum is how many more accounts may register
	// with a mobile number (search type mobile only).
	MobileRemainAvailableNum *int `json:"mobile_remain_available_num"`
}

// Available reports whether the value can register.
func (r *CheckIdentityResult) Available() bool { return r.CheckResult == "available" }

// CheckIdentity checks whether an account name, mobile number or e-mail
// address can register (POST /v2/partners/sub-customers/users/check-identity).
func (c *Client) CheckIdentity(ctx context.Context, searchType, searchValue string) (*CheckIdentityResult, error) {
	var out CheckIdentityResult
	err := c.partner(ctx, "/v2/partners/sub-customers/users/check-identity", true,
		map[string]string{"search_type": searchType, "search_value": searchValue}, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SubCustomer is a customer account to create.
type SubCustomer struct {
	DomainName  string `json:"domain_name,omitempty"` // generated when empty
	Email       string `json:"email,omitempty"`
	MobilePhone string `json:"mobile_phone,omitempty"`
	Password    string `json:"password,omitempty"`
}

// CreatedCustomer is the customer CreateSubCustomer created.
type CreatedCustomer struct {
	DomainID   string `json:"domain_id"`
	DomainName string `json:"domain_name"`
}

// CreateSubCustomer creates a customer account of the calling partner
// (POST /v2/partners/sub-customers). Refusals are *APIErrors with the
// cloud's codes (CBC.99000038 name used, CBC.5017 mobile number invalid,
// …). It is never sent twice.
func (c *Client) CreateSubCustomer(ctx context.Context, s SubCustomer) (*CreatedCustomer, error) {
	var out CreatedCustomer
	if err := c.partner(ctx, "/v2/partners/sub-customers", false, s, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// partner sends a partner API call; an answer other than HTTP 200 with
// CBC.0000 (or no code, as sub-customers answers) is an error.
func (c *Client) partner(ctx context.Context, path string, safe bool, body, out any) error {
	a, err := c.send(ctx, call{method: http.MethodPost, path: path, body: body, auth: authCloud, safe: safe, family: FamilyPartner})
	if err != nil {
		return err
	}
	if a.status != http.StatusOK {
		return parseError(a, FamilyPartner)
	}
	var head struct {
		ErrorCode string `json:"error_code"`
	}
	if err := decodeJSON(a, &head); err != nil {
		return err
	}
	if head.ErrorCode != "" && head.ErrorCode != "CBC.0000" {
		return parseError(a, FamilyPartner)
	}
	return decodeJSON(a, out)
}
