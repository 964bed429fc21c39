package httpapi

import (
	"bufio"
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aiccd/aiccd/openapi"
	"github.com/aiccd/aiccd/openapi/openapitest"
)

// The OpenAPI document (openapi/openapi.yaml) is held to what aiccd does:
// it describes exactly the routes aiccd serves, and every answer the tests
// of this package see (golden files included) must validate against it.

// TestEveryRouteIsDocumented cross-checks the route table and the
// document in both directions.
func TestEveryRouteIsDocumented(t *testing.T) {
	t.Parallel()
	spec := openapitest.MustShared(t)
	documented := map[string]bool{}
	for path, item := range spec.Doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	routed := map[string]bool{}
	for _, p := range New(Options{}).Routes() {
		// A trailing wildcard, {name...}, is a path parameter to OpenAPI.
		p = strings.Replace(p, "...}", "}", 1)
		routed[p] = true
		if !documented[p] {
			t.Errorf("aiccd serves %s, which openapi.yaml does not document", p)
		}
	}
	for p := range documented {
		if !routed[p] {
			t.Errorf("openapi.yaml documents %s, which aiccd does not serve", p)
		}
	}
	if len(routed) < 70 {
		t.Fatalf("only %d routes", len(routed))
	}
}

// TestServesTheDocument fetches /openapi.json and /openapi.yaml.
func TestServesTheDocument(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	for _, tc := range []struct {
		path, contentType string
		body              []byte
	}{
		{"/openapi.json", contentTypeJSON, openapi.JSON()},
		{"/openapi.yaml", "application/yaml", openapi.YAML()},
	} {
		w := do(s, "GET", tc.path, nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != tc.contentType || !bytes.Equal(w.Body.Bytes(), tc.body) {
			t.Errorf("GET %s: %d %s, %d bytes", tc.path, w.Code, w.Header().Get("Content-Type"), w.Body.Len())
		}
		checkAnswer(t, httptest.NewRequest("GET", tc.path, nil), w)
	}
}

// asked remembers the request each recorder answered, so that golden
// files can record it.
var asked sync.Map // *httptest.ResponseRecorder → *http.Request

// checkAnswer validates an answer against the OpenAPI document. Answers to
// requests the document has no operation for (unknown paths and methods)
// are left to the tests of the families' formats.
func checkAnswer(t testing.TB, r *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	answered(w, r)
	err := openapitest.MustShared(t).CheckResponse(r, w.Code, w.Header(), w.Body.Bytes())
	if err != nil && !errors.Is(err, openapitest.ErrNoOperation) {
		t.Errorf("an answer breaks openapi.yaml: %v", err)
	}
}

// answered records that w holds the answer to r, for golden files, when a
// test serves r through a handler of its own rather than e.do.
func answered(w *httptest.ResponseRecorder, r *http.Request) { asked.Store(w, r) }

// goldenRequest is the first line of a golden file: the method and the
// path template of the operation answered, or, for a request the document
// has no operation for, the request's own target. Cases that share a
// golden file (the same answer to different values) share the template.
func goldenRequest(t testing.TB, w *httptest.ResponseRecorder) string {
	v, ok := asked.Load(w)
	if !ok {
		t.Fatal("golden: the answer's request is unknown; serve it with e.do, e.serve or answered()")
	}
	r := v.(*http.Request)
	route, _, err := openapitest.MustShared(t).Operation(r)
	if err != nil {
		return r.Method + " " + r.URL.RequestURI()
	}
	return r.Method + " " + route.Path
}

// TestGoldenFilesMatchTheDocument validates every golden file's answer
// against the operation of the request it records.
func TestGoldenFilesMatchTheDocument(t *testing.T) {
	t.Parallel()
	spec := openapitest.MustShared(t)
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.golden"))
	if err != nil || len(files) < 80 {
		t.Fatalf("golden files: %d, %v", len(files), err)
	}
	validated := 0
	for _, f := range files {
		r, status, header, body, err := readGolden(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		err = spec.CheckResponse(r, status, header, body)
		switch {
		case errors.Is(err, openapitest.ErrNoOperation):
			// An unknown path or method: no endpoint answers it.
		case err != nil:
			t.Errorf("%s: %v", filepath.Base(f), err)
		default:
			validated++
		}
	}
	if validated < 70 {
		t.Fatalf("only %d golden files matched an operation", validated)
	}
}

// readGolden parses a golden file: the request line, the status, headers,
// an empty line and the body.
func readGolden(path string) (*http.Request, int, http.Header, []byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, nil, nil, err
	}
	head, body, ok := bytes.Cut(b, []byte("\n\n"))
	if !ok {
		return nil, 0, nil, nil, errors.New("no empty line before the body")
	}
	sc := bufio.NewScanner(bytes.NewReader(head))
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) < 2 {
		return nil, 0, nil, nil, errors.New("no request line (regenerate with go test ./httpapi -update)")
	}
	method, target, ok := strings.Cut(lines[0], " ")
	if !ok {
		return nil, 0, nil, nil, errors.New("the first line is not a request line (regenerate with go test ./httpapi -update)")
	}
	status, err := strconv.Atoi(lines[1])
	if err != nil {
		return nil, 0, nil, nil, errors.New("the second line is not a status")
	}
	header := http.Header{}
	for _, l := range lines[2:] {
		k, v, _ := strings.Cut(l, ": ")
		header.Set(k, v)
	}
	return httptest.NewRequest(method, target, nil), status, header, body, nil
}
