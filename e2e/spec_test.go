package e2e

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/openapi/openapitest"
)

// specCheck is an http.RoundTripper that validates every answer against
// the OpenAPI document and remembers which operations and statuses it saw.
type specCheck struct {
	t    testing.TB
	spec *openapitest.Spec
	base http.RoundTripper

	mu   sync.Mutex
	seen map[string]map[int]int // "POST /v3/auth/tokens" → status → answers
}

func newSpecCheck(t testing.TB) *specCheck {
	return &specCheck{t: t, spec: openapitest.MustShared(t), seen: map[string]map[int]int{},
		base: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 30 * time.Second}}
}

// HTTPClient is an http.Client whose answers are checked.
func (s *specCheck) HTTPClient() *http.Client {
	return &http.Client{Transport: s, Timeout: 30 * time.Second}
}

func (s *specCheck) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := s.spec.CheckResponse(req, resp.StatusCode, resp.Header, body); err != nil {
		if errors.Is(err, openapitest.ErrNoOperation) {
			s.t.Errorf("%s %s: no operation of openapi.yaml answers it", req.Method, req.URL.Path)
		} else {
			s.t.Errorf("an answer breaks openapi.yaml: %v", err)
		}
	} else {
		route, _, _ := s.spec.Operation(req)
		op := req.Method + " " + route.Path
		s.mu.Lock()
		if s.seen[op] == nil {
			s.seen[op] = map[int]int{}
		}
		s.seen[op][resp.StatusCode]++
		s.mu.Unlock()
	}
	return resp, nil
}

// checkCoverage fails unless every operation of the document answered at
// least once, and logs the statuses seen per operation.
func (s *specCheck) checkCoverage(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var missing, lines []string
	answers := 0
	for _, statuses := range s.seen {
		for _, n := range statuses {
			answers += n
		}
	}
	for path, item := range s.spec.Doc.Paths.Map() {
		for method := range item.Operations() {
			op := method + " " + path
			statuses, ok := s.seen[op]
			if !ok {
				missing = append(missing, op)
				continue
			}
			var codes []string
			for _, st := range slices.Sorted(maps.Keys(statuses)) {
				codes = append(codes, strconv.Itoa(st))
			}
			lines = append(lines, op+": "+strings.Join(codes, " "))
		}
	}
	sort.Strings(lines)
	t.Logf("%d answers validated; statuses answered, by operation:\n%s", answers, strings.Join(lines, "\n"))
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("operations never called:\n%s", strings.Join(missing, "\n"))
	}
}
