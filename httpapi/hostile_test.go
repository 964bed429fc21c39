package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/openapi/openapitest"
)

// hostileBodies are malformed or malicious request bodies: truncated and
// deeply nested JSON, wrong types, huge numbers, invalid UTF-8, NUL bytes,
// duplicate keys, oversized values and bodies.
var hostileBodies = []string{
	``,
	`{`,
	`{"searchType":"name","searchKey":`,
	strings.Repeat("[", 100_000),
	strings.Repeat(`{"a":`, 10_000) + "1" + strings.Repeat("}", 10_000),
	`[1,2,3]`,
	`null`,
	`"just a string"`,
	`{"app_key":[],"app_secret":{},"msisdn":123,"searchType":true,"limit":"ten","accessCode":false,"auth":7,"id":null}`,
	`{"limit":1e400,"offset":-99999999999999999999999,"faultTime":1e309,"backtraceDuration":-1,"ttl_seconds":9e18}`,
	"\xff\xfe{\"msisdn\":\"\xc3\x28\",\"searchKey\":\"\xed\xa0\x80\"}",
	"{\"msisdn\":\"\x00\x00\x00\",\"searchKey\":\"a\x00b\",\"app_key\":\"\x00\"}",
	`{"searchType":"name","searchType":"email","searchKey":"a","searchKey":"b","app_key":"x","app_key":"y"}`,
	`{"searchKey":"` + strings.Repeat("长", 30_000) + `"}`,
	`{"description":"` + strings.Repeat("%_\\", 5000) + `","accessCode":"%%%"}`,
	`{"x":1} trailing garbage`,
	strings.Repeat("A", 70<<10), // over the 64 KiB body limit
}

// hostileHeaders are header sets of a request, besides valid credentials.
var hostileHeaders = []map[string]string{
	nil,
	{"Content-Type": "text/xml"},
	{"X-APP-Key": strings.Repeat("k", 5000), "X-Request-Id": strings.Repeat("r", 5000)},
	{"X-Sdk-Date": "not-a-date", "Authorization": "SDK-HMAC-SHA256 Access=" + strings.Repeat("A", 300) + ", SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64)},
	{"X-Filler": strings.Repeat("h", 20<<10)}, // over the 16 KiB header limit
}

// hostileSegments replace path wildcards: traversal, encodings, sizes.
var hostileSegments = []string{"demo", "..%2F..%2Fetc%2Fpasswd", "%00", strings.Repeat("p", 300), "%E4%B8%AD%E6%96%87", "demo-partner"}

// TestHostileInput drives malformed requests at every endpoint of a
// running server: no answer is a 5xx or a panic, every answer is in its
// family's format and matches the OpenAPI document.
func TestHostileInput(t *testing.T) {
	e := newEnv(t, dbtest.SQLiteURL(t))
	var logs bytes.Buffer
	var mu sync.Mutex
	e.srv.logger = slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	token := e.gatewayToken()
	iam := e.do(request{method: "POST", path: "/v3/auth/tokens", body: `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` +
		demo.PartnerUser + `","password":"` + demo.PartnerPassword + `","domain":{"name":"` + demo.PartnerID + `"}}}},"scope":{"domain":{"name":"` + demo.PartnerID + `"}}}}`}).Header().Get("X-Subject-Token")
	if iam == "" {
		t.Fatal("no IAM token")
	}
	credentials := map[family]map[string]string{
		familyPartner:   {"X-Auth-Token": iam},
		familyCC:        {"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey},
		familySmartCare: {"Authorization": "Bearer " + token, "X-APP-Key": demo.AppKey},
		familyOMA:       {"X-Auth-Token": demo.MallToken},
		familyAdmin:     {"Authorization": "Bearer " + testAdminToken},
	}

	spec := openapitest.MustShared(t)
	sent := 0
	for _, pattern := range e.srv.patterns {
		method, path, _ := strings.Cut(pattern, " ")
		if path == "/admin/debug/pprof/" || path == "/metrics" || path == "/openapi.yaml" {
			continue // profiles, Prometheus text and YAML, not an API's answers
		}
		for si, seg := range hostileSegments {
			target := fillWildcards(path, seg)
			for hi, extra := range hostileHeaders {
				for bi, body := range hostileBodies {
					// Every body with the plain headers; every header set
					// with a few bodies; every segment with one body.
					if (hi > 0 && bi%5 != 0) || (si > 0 && (hi > 0 || bi%4 != 1)) {
						continue
					}
					req, err := http.NewRequest(method, ts.URL+target, strings.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					for k, v := range credentials[familyOf(req.URL.Path)] {
						req.Header.Set(k, v)
					}
					for k, v := range extra {
						req.Header.Set(k, v)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatalf("%s %s: %v", method, target, err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					sent++
					checkFamilyFormat(t, method+" "+target, resp, b)
					if err := spec.CheckResponse(req, resp.StatusCode, resp.Header, b); err != nil && !errors.Is(err, openapitest.ErrNoOperation) {
						t.Errorf("an answer breaks openapi.yaml: %v", err)
					}
				}
			}
		}
	}
	if sent < 500 {
		t.Fatalf("only %d hostile requests sent", sent)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), "msg=panic") {
		t.Fatalf("a request panicked:\n%s", grepLines(logs.String(), "panic"))
	}
	t.Logf("%d hostile requests over %d endpoints, none answered 5xx or out of format", sent, len(e.srv.patterns))
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// fillWildcards replaces every {name} or {name...} segment with seg.
func fillWildcards(path, seg string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			parts[i] = seg
		}
	}
	return strings.Join(parts, "/")
}

// checkFamilyFormat fails unless an answer is not a 5xx (other than the
// gateway's documented 502 for a failing backend, which a sound database
// never causes here) and has its family's shape.
func checkFamilyFormat(t *testing.T, what string, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode >= 500 {
		t.Fatalf("%s: %d %.300s", what, resp.StatusCode, body)
	}
	ct := resp.Header.Get("Content-Type")
	fam := familyOf(resp.Request.URL.Path)
	if fam == familyOMA && strings.HasPrefix(ct, "text/plain") {
		if len(body) == 0 {
			t.Fatalf("%s: an empty OMA error, status %d", what, resp.StatusCode)
		}
		return
	}
	if resp.StatusCode == http.StatusNoContent {
		return
	}
	if ct != contentTypeJSON {
		t.Fatalf("%s: %d with Content-Type %q: %.300s", what, resp.StatusCode, ct, body)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("%s: %d, not a JSON object: %.300s", what, resp.StatusCode, body)
	}
	if resp.StatusCode < 300 && fam != familySmartCare {
		return // a success of its own shape
	}
	keys := map[family][]string{
		familyGateway: {"error_code", "error_msg"}, familyPartner: {"error_code", "error_msg"},
		familyCC: {"returnCode"}, familySmartCare: {"returnCode", "description"},
		familyIAM: {"error"}, familyAdmin: {"error"}, familyOMA: {"returnCode"},
	}[fam]
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			// An APIG answer in front of a family is its own format too.
			if _, apig := m["error_code"]; apig && fam != familyIAM && fam != familyAdmin {
				return
			}
			t.Fatalf("%s: %d lacks %q for family %s: %.300s", what, resp.StatusCode, k, fam, body)
		}
	}
}
