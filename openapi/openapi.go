// Package openapi holds aiccd's OpenAPI 3.1 document: every public
// endpoint, written by hand in openapi.yaml with the vendor's field names,
// types, examples and return codes, and embedded in the binary. aiccd
// serves it at /openapi.yaml and /openapi.json; the tests validate it and
// check every answer aiccd gives against it.
package openapi

import (
	_ "embed"
	"sync"
)

//go:embed openapi.yaml
var document []byte

// YAML returns the document as written. The caller must not modify it.
func YAML() []byte { return document }

// JSON returns the document as JSON, keys in the order they are written.
// It is converted once; the caller must not modify it.
func JSON() []byte { return jsonDocument() }

var jsonDocument = sync.OnceValue(func() []byte {
	b, err := yamlToJSON(document)
	if err != nil {
		// The document is part of the source and tested; this is a bug.
		panic("openapi: openapi.yaml does not convert to JSON: " + err.Error())
	}
	return b
})
