// Package openapitest checks aiccd's answers against its OpenAPI document
// with kin-openapi, validating JSON Schema 2020-12 as OpenAPI 3.1 means
// it. It is for tests only (httpapi's, e2e's): the aiccd binary never
// links kin-openapi.
package openapitest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"

	"github.com/aiccd/aiccd/openapi"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// ErrNoOperation reports a request the document has no operation for:
// an unknown path or method, which aiccd answers in its family's format
// without an endpoint behind it.
var ErrNoOperation = errors.New("the document has no operation for this request")

// Spec is the loaded, validated document with a router to its operations.
type Spec struct {
	Doc    *openapi3.T
	router routers.Router
	// passed holds the answers that passed, by answerKey: kin-openapi
	// compiles the answer's JSON Schema afresh on every check (most of the
	// checking's cost under -race), and tests give many answers alike
	// (refusals to hostile input above all).
	passed sync.Map
}

// Load reads openapi.yaml, validates it as OpenAPI 3.1 (examples
// included) and builds its router. The router ignores the document's
// servers, so that answers from any address are found.
func Load() (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.YAML())
	if err != nil {
		return nil, fmt.Errorf("loading openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	routed := *doc
	routed.Servers = nil
	router, err := gorillamux.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("routing openapi.yaml: %w", err)
	}
	return &Spec{Doc: doc, router: router}, nil
}

var loadOnce = sync.OnceValues(Load)

// Shared returns the document loaded once per test binary.
func Shared() (*Spec, error) { return loadOnce() }

// TB is the part of testing.TB the helpers use.
type TB interface {
	Helper()
	Fatal(args ...any)
	Errorf(format string, args ...any)
}

// MustShared returns the shared document or fails the test.
func MustShared(t TB) *Spec {
	t.Helper()
	s, err := Shared()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Operation returns the operation a request is for, or ErrNoOperation.
func (s *Spec) Operation(req *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
			return nil, nil, ErrNoOperation
		}
		return nil, nil, err
	}
	return route, params, nil
}

// CheckResponse validates an answer to req against the document: its
// status must be documented (or fall under the operation's default), and
// its body must match the schema of its media type. It returns
// ErrNoOperation when the document has no operation for req.
func (s *Spec) CheckResponse(req *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := s.Operation(req)
	if err != nil {
		return err
	}
	key := answerKey(req.Method, route, status, header, body)
	if _, ok := s.passed.Load(key); ok {
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableJSONSchema2020()},
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s answered %d %s: %w\nbody: %s", req.Method, req.URL.Path, status, header.Get("Content-Type"), err, truncate(body))
	}
	s.passed.Store(key, struct{}{})
	return nil
}

// answerKey is everything ValidateResponse reads of an answer: the
// request's method (a HEAD answer has no body to check), the operation,
// the status, the headers the operation documents and Content-Type, and
// the body, in which a request ID counts as any other: the document
// declares every request_id a plain string, so that answers that differ
// in it alone pass or fail together. Nothing else of the request counts.
func answerKey(method string, route *routers.Route, status int, header http.Header, body []byte) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s %s %d\n", method, route.Method, route.Path, status)
	keep := http.Header{"Content-Type": header.Values("Content-Type")}
	if route.Operation != nil && route.Operation.Responses != nil {
		for _, r := range route.Operation.Responses.Map() {
			if r.Value == nil {
				continue
			}
			for name := range r.Value.Headers {
				keep[http.CanonicalHeaderKey(name)] = header.Values(name)
			}
		}
	}
	keep.Write(&b)
	b.WriteString("\n")
	b.Write(requestID.ReplaceAll(body, []byte(`"request_id":"…"`)))
	return b.String()
}

// requestID matches the request IDs aiccd hands out, in a JSON body.
var requestID = regexp.MustCompile(`"request_id":"[0-9a-f]{32}"`)

func truncate(b []byte) []byte {
	if len(b) > 2048 {
		return append(b[:2048:2048], "…"...)
	}
	return b
}

func init() {
	// Media types aiccd answers that kin-openapi has no decoder for: the
	// profiler's index page and the record stream are plain text to it.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
}
