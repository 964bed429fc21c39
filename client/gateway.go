package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// GatewayToken is tokenByAkSk's answer. The gateway sends every value as
// a string.
type GatewayToken struct {
	AccessToken string
	ApplyType   string
	CreateTime  string // epoch seconds
	Expires     string // lifetime in seconds
	Scope       string // aiccd: the app key's tenant
	AppKey      string
	UserID      string
	// ExpiresAt is when the token expires by the client's clock: the time
	// the request was sent plus Expires.
	ExpiresAt time.Time `json:"-"`
}

// UnmarshalJSON reads the answer's values whether they arrive as strings,
// as the gateway sends them, or as numbers.
func (t *GatewayToken) UnmarshalJSON(b []byte) error {
	var raw struct {
		AccessToken, ApplyType, CreateTime, Expires, Scope, AppKey, UserID flexString
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*t = GatewayToken{
		AccessToken: string(raw.AccessToken), ApplyType: string(raw.ApplyType), CreateTime: string(raw.CreateTime),
		Expires: string(raw.Expires), Scope: string(raw.Scope), AppKey: string(raw.AppKey), UserID: string(raw.UserID),
	}
	return nil
}

// TokenByAkSk exchanges an app key and secret for a Bearer token
// (POST /apigovernance/api/oauth/tokenByAkSk). lifetime is sent as
// X-Token-Expire, 1 s to 1 h; 0 leaves it to the gateway (an hour).
// Clients made WithAppKey call it themselves when they need a token.
func (c *Client) TokenByAkSk(ctx context.Context, appKey, appSecret string, lifetime time.Duration) (*GatewayToken, error) {
	cl := call{
		method: http.MethodPost, path: "/apigovernance/api/oauth/tokenByAkSk", safe: true, family: FamilyGateway,
		body: map[string]string{"app_key": appKey, "app_secret": appSecret},
	}
	if lifetime > 0 {
		cl.header = http.Header{"X-Token-Expire": {strconv.Itoa(int(lifetime / time.Second))}}
	}
	sent := c.now()
	a, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, parseError(a, FamilyGateway)
	}
	var t GatewayToken
	if err := decodeJSON(a, &t); err != nil {
		return nil, err
	}
	secs, err := strconv.Atoi(t.Expires)
	if err != nil || secs <= 0 {
		secs = 3600 // the gateway's default lifetime
	}
	t.ExpiresAt = sent.Add(time.Duration(secs) * time.Second)
	return &t, nil
}
