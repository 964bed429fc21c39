package openapi_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/openapi"
	"github.com/aiccd/aiccd/openapi/openapitest"
	"go.yaml.in/yaml/v3"
)

// TestDocumentValidates loads openapi.yaml with kin-openapi and validates
// it as OpenAPI 3.1, every example against its schema included.
func TestDocumentValidates(t *testing.T) {
	s, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !s.Doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi.yaml is OpenAPI %s, want 3.1", s.Doc.OpenAPI)
	}
	if n := s.Doc.Paths.Len(); n < 50 {
		t.Fatalf("only %d paths", n)
	}
}

// TestJSONIsTheYAML checks that the JSON form holds exactly the YAML's
// values.
func TestJSONIsTheYAML(t *testing.T) {
	var fromYAML, fromJSON any
	if err := yaml.Unmarshal(openapi.YAML(), &fromYAML); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(openapi.JSON(), &fromJSON); err != nil {
		t.Fatal(err)
	}
	// Round-trip the YAML values through encoding/json so that numbers and
	// map types compare alike.
	b, err := json.Marshal(fromYAML)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(fromJSON)
	wantB, _ := json.Marshal(want)
	if !bytes.Equal(got, wantB) {
		t.Fatal("openapi.json and openapi.yaml differ")
	}
	if !bytes.HasPrefix(openapi.JSON(), []byte(`{"openapi":"3.1.0","info":{"title":"aiccd"`)) {
		t.Fatalf("the JSON form does not keep the YAML's order: %.60s", openapi.JSON())
	}
}

// BenchmarkYAMLToJSON is the one-time cost of the JSON form, paid by the
// first GET /openapi.json.
func BenchmarkYAMLToJSON(b *testing.B) {
	for b.Loop() {
		if _, err := openapi.YAMLToJSON(openapi.YAML()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAdminAPIIsSnakeCase: every property of every schema an admin
// operation takes or answers, and every query parameter, is snake_case,
// and no admin path is updated with PUT: one convention for the whole
// admin API (docs/compatibility.md, "Admin API").
func TestAdminAPIIsSnakeCase(t *testing.T) {
	var doc map[string]any
	if err := yaml.Unmarshal(openapi.YAML(), &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	snake := regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)
	seen := map[string]bool{}
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := ref[strings.LastIndex(ref, "/")+1:]
				if !seen[name] && strings.HasPrefix(ref, "#/components/schemas/") {
					seen[name] = true
					walk(name, schemas[name])
				}
				return
			}
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					if !snake.MatchString(k) {
						t.Errorf("%s: property %q is not snake_case", where, k)
					}
				}
			}
			for _, sub := range x {
				walk(where, sub)
			}
		case []any:
			for _, sub := range x {
				walk(where, sub)
			}
		}
	}
	for path, item := range doc["paths"].(map[string]any) {
		if !strings.HasPrefix(path, "/admin/v1/") {
			continue
		}
		for method, op := range item.(map[string]any) {
			if method == "put" {
				t.Errorf("PUT %s: the admin API changes with PATCH", path)
			}
			if m, ok := op.(map[string]any); ok {
				for _, p := range asList(m["parameters"]) {
					if p := p.(map[string]any); p["in"] == "query" && !snake.MatchString(p["name"].(string)) {
						t.Errorf("%s %s: query parameter %q is not snake_case", method, path, p["name"])
					}
				}
			}
			walk(method+" "+path, op)
		}
	}
	if len(seen) < 30 {
		t.Fatalf("only %d schemas reached", len(seen))
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
