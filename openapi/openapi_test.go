package openapi_test

import (
	"bytes"
	"encoding/json"
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
