package client

import (
	"context"
	"net/http"
	"net/url"
)

// Admin calls aiccd's admin API under /admin/v1/ (WithAdminToken): what
// `aiccd admin …` does, over HTTP. Its errors are *APIErrors of
// FamilyAdmin with codes such as "invalid", "not_found", "conflict".
type Admin struct{ c *Client }

// Admin returns the client of the admin API.
func (c *Client) Admin() *Admin { return &Admin{c} }

// do sends an admin call and decodes a wantStatus answer into out (when
// out is not nil). Reads are retried as Retry says; writes never are.
func (a *Admin) do(ctx context.Context, method, path string, query url.Values, body any, wantStatus int, out any) error {
	ans, err := a.c.send(ctx, call{method: method, path: "/admin/v1" + path, query: query, body: body, auth: authAdmin,
		safe: method == http.MethodGet, family: FamilyAdmin})
	if err != nil {
		return err
	}
	if ans.status != wantStatus {
		return parseError(ans, FamilyAdmin)
	}
	if out == nil {
		return nil
	}
	return decodeJSON(ans, out)
}

// list reads an {"items": [...]} answer.
func list[T any](ctx context.Context, a *Admin, path string, query url.Values) ([]T, error) {
	var out struct {
		Items []T `json:"items"`
	}
	if err := a.do(ctx, http.MethodGet, path, query, nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// one sends a call answered by one object.
func one[T any](ctx context.Context, a *Admin, method, path string, body any, wantStatus int) (*T, error) {
	var out T
	if err := a.do(ctx, method, path, nil, body, wantStatus, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func seg(s string) string { return url.PathEscape(s) }
