package openapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/openapi"
	"github.com/aiccd/aiccd/openapi/openapitest"
)

// example is one documented answer of a vendor operation.
type example struct {
	route, path string
	status      int
	body        []byte
}

// vendorExamples lists the documented examples of the vendor operations'
// answers, by route pattern and status.
func vendorExamples(t *testing.T) []example {
	spec := openapitest.MustShared(t)
	var out []example
	for path, item := range spec.Doc.Paths.Map() {
		if strings.HasPrefix(path, "/admin/") || !strings.Contains(path[1:], "/") {
			continue
		}
		for method, op := range item.Operations() {
			for code, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil || ref.Value == nil {
					continue
				}
				mt := ref.Value.Content.Get("application/json")
				if mt == nil {
					continue
				}
				for _, ex := range mt.Examples {
					if ex.Value == nil {
						continue
					}
					b, _ := json.Marshal(ex.Value.Value)
					out = append(out, example{route: method + " " + path, path: path, status: status, body: b})
				}
			}
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d examples", len(out))
	}
	return out
}

// TestCheckResponseAgreesWithKin checks the runtime validator against
// kin-openapi: both accept every documented example, and both refuse each
// example with its first field's value made an object, or removed when
// the schema requires it.
func TestCheckResponseAgreesWithKin(t *testing.T) {
	spec := openapitest.MustShared(t)
	kin := func(ex example, body []byte) error {
		path := strings.ReplaceAll(ex.path, "{partner_id}", "p1")
		method, _, _ := strings.Cut(ex.route, " ")
		req := httptest.NewRequest(method, path, nil)
		return spec.CheckResponse(req, ex.status, http.Header{"Content-Type": {"application/json"}}, body)
	}
	mutations := 0
	for _, ex := range vendorExamples(t) {
		if err := openapi.CheckResponse(ex.route, ex.status, ex.body); err != nil {
			t.Errorf("%s %d refuses its own example %s: %v", ex.route, ex.status, ex.body, err)
		}
		var obj map[string]any
		if json.Unmarshal(ex.body, &obj) != nil || len(obj) == 0 {
			continue
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, edit := range []func(map[string]any) map[string]any{
			func(m map[string]any) map[string]any { m[keys[0]] = map[string]any{"x": 1}; return m },
			func(m map[string]any) map[string]any { delete(m, keys[0]); return m },
		} {
			var m map[string]any
			json.Unmarshal(ex.body, &m)
			body, _ := json.Marshal(edit(m))
			ours, theirs := openapi.CheckResponse(ex.route, ex.status, body), kin(ex, body)
			if (ours == nil) != (theirs == nil) {
				t.Errorf("%s %d %s: aiccd's check says %v, kin-openapi's %v", ex.route, ex.status, body, ours, theirs)
			}
			if ours != nil {
				mutations++
			}
		}
	}
	if mutations < 20 {
		t.Fatalf("only %d edited examples were refused: the test checks too little", mutations)
	}
}

func TestCheckResponseUndocumented(t *testing.T) {
	for _, tc := range []struct {
		route  string
		status int
	}{
		{"POST /no/such/path", 200},
		{"GET /apiaccess/CC-Management/v1/smartcare/queryfaultyuser", 200},
		{"not a route", 200},
	} {
		if err := openapi.CheckResponse(tc.route, tc.status, []byte(`{}`)); !errors.Is(err, openapi.ErrUndocumented) {
			t.Errorf("%s %d: %v, want ErrUndocumented", tc.route, tc.status, err)
		}
	}
	const route = "POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser"
	if err := openapi.CheckResponse(route, 200, []byte(`{"returnCode":`)); err == nil || errors.Is(err, openapi.ErrUndocumented) {
		t.Errorf("a body that is not JSON: %v", err)
	}
}
