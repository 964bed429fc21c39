package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/journal"
	"github.com/aiccd/aiccd/openapi/openapitest"
)

// hostileBodies are malformed or malicious request bodies: truncated and
// deeply nested JSON, wrong types, huge numbers, invalid UTF-8, NUL bytes
// (raw, and escaped in the search terms, keys and names that reach a
// store), duplicate keys, keys that encoding/json folds onto a field,
// oversized values and bodies.
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
	`{"description":"web\u0000shop","accessCode":"99\u000011","extCode":"1\u0000","deviceDesc":"ivr\u0000","searchType":"name","searchKey":"a\u0000bcde",` +
		`"search_type":"name","search_value":"a\u0000bcde","msisdn":"668\u000000","taskId":"\u0000","app_key":"demo\u0000","app_secret":"s"}`,
	`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u\u0000","password":"p","domain":{"name":"d\u0000"}}}},"scope":{"domain":{"id":"d\u0000"}}}}`,
	`{"paſsword":"` + hostileSecret + `","PASSWORD":"` + hostileSecret + `","App_ſecret":"` + hostileSecret + `","Mobile_Phone":"` + hostileSecret +
		`","DOMAIN_NAME":"hostile-customer","ſearchKey":"hostile-key","DESCRIPTION":"x"}`,
	strings.Repeat("A", 70<<10), // over the 64 KiB body limit
}

// hostileSecret is a secret or personal value of the hostile bodies,
// under keys spelled otherwise than the fields they are decoded into: the
// request journal must never keep it.
const hostileSecret = "hostile-secret-13700000000"

// hostileHeaders are header sets of a request, besides valid credentials.
var hostileHeaders = []map[string]string{
	nil,
	{"Content-Type": "text/xml"},
	{"X-APP-Key": strings.Repeat("k", 5000), "X-Request-Id": strings.Repeat("r", 5000)},
	{"X-Sdk-Date": "not-a-date", "Authorization": "SDK-HMAC-SHA256 Access=" + strings.Repeat("A", 300) + ", SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64)},
	{"Authorization": "SDK-HMAC-SHA256 Access=DEMO\xffAK, SignedHeaders=x-sdk-date, Signature=" + strings.Repeat("0", 64)},
	{"X-Filler": strings.Repeat("h", 20<<10)}, // over the 16 KiB header limit
}

// hostileSegments replace path wildcards: traversal, encodings, sizes.
var hostileSegments = []string{"demo", "..%2F..%2Fetc%2Fpasswd", "%00", "%FF", strings.Repeat("p", 300), "%E4%B8%AD%E6%96%87", "demo-partner"}

// hostileContentHashes are X-Sdk-Content-Sha256 headers sent beside a
// valid AK/SK signature of the demo partner that does not vouch for the
// body sent: unsigned (another body's hash, the body's own,
// UNSIGNED-PAYLOAD) or signed but another body's hash. Each is refused
// with APIG.0301, or a captured signature would carry any body.
var hostileContentHashes = []struct {
	name   string
	value  func(body string) string
	signed bool
}{
	{"another body's hash, unsigned", func(string) string { return sha256Hex(`{"search_type":"name","search_value":"demo-customer-01"}`) }, false},
	{"the body's hash, unsigned", sha256Hex, false},
	{"UNSIGNED-PAYLOAD, unsigned", func(string) string { return "UNSIGNED-PAYLOAD" }, false},
	{"another body's hash, signed", func(string) string { return sha256Hex(`{}`) }, true},
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestHostileInput drives malformed requests at every endpoint of a
// running server on each engine: no answer is a 5xx or a panic, every
// answer is in its family's format and matches the OpenAPI document.
// The test is the package's longest: its halves run one after the other,
// in the slot the test takes as the parallel tests start, rather than
// queue as parallel subtests behind every other test and finish last.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, testHostileInput)
}

func testHostileInput(t *testing.T, dsn string) {
	e := newEnv(t, dsn)
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
	send := func(req *http.Request) (status int, body []byte) {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		sent++
		checkFamilyFormat(t, req.Method+" "+req.URL.RequestURI(), resp, b)
		if err := spec.CheckResponse(req, resp.StatusCode, resp.Header, b); err != nil && !errors.Is(err, openapitest.ErrNoOperation) {
			t.Errorf("an answer breaks openapi.yaml: %v", err)
		}
		return resp.StatusCode, b
	}
	for _, pattern := range e.srv.patterns {
		method, path, _ := strings.Cut(pattern, " ")
		if strings.HasPrefix(path, "/admin/debug/pprof/") || path == "/metrics" || path == "/openapi.yaml" {
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
					send(req)
				}
			}
		}
	}

	// Every body to every partner endpoint, signed with the demo
	// partner's AK/SK, with each content hash that does not vouch for it,
	// then with a signed UNSIGNED-PAYLOAD, which authenticates and so
	// resets the lockout (fewer refusals in a row than credential.MaxFailures).
	signed := func(method, target, body string, hash string, signHash bool) *http.Request {
		req, err := http.NewRequest(method, ts.URL+target, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Sdk-Date", e.clock.Now().UTC().Format(credential.SDKDateLayout))
		req.Header.Set("X-Sdk-Content-Sha256", hash)
		headers := []string{"host", "x-sdk-date"}
		if signHash {
			headers = []string{"host", "x-sdk-content-sha256", "x-sdk-date"}
		}
		sig, err := credential.Sign(credential.SignedRequest{Method: method, EscapedPath: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery,
			Host: req.Host, Header: req.Header.Values, BodySHA256: sha256Hex(body)}, headers, []byte(demo.PartnerSK))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", credential.SDKHMACSHA256+" Access="+demo.PartnerAK+", SignedHeaders="+strings.Join(headers, ";")+", Signature="+sig)
		return req
	}
	for _, pattern := range e.srv.patterns {
		method, path, _ := strings.Cut(pattern, " ")
		if familyOf(path) != familyPartner {
			continue
		}
		target := fillWildcards(path, demo.PartnerID)
		for _, body := range hostileBodies {
			for _, h := range hostileContentHashes {
				status, answer := send(signed(method, target, body, h.value(body), h.signed))
				if status != http.StatusRequestEntityTooLarge && (status != http.StatusUnauthorized || !bytes.Contains(answer, []byte("APIG.0301"))) {
					t.Errorf("%s with %s and %.40q: %d %s", pattern, h.name, body, status, answer)
				}
			}
			if status, answer := send(signed(method, target, body, "UNSIGNED-PAYLOAD", true)); status == http.StatusUnauthorized || status == http.StatusTooManyRequests {
				t.Errorf("%s with a signed UNSIGNED-PAYLOAD and %.40q: %d %s", pattern, body, status, answer)
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

// TestHostileBodiesLeaveNoSecretInTheJournal: whatever the spelling of
// their keys, the hostile bodies' secrets and personal data are masked as
// the request journal keeps bodies.
func TestHostileBodiesLeaveNoSecretInTheJournal(t *testing.T) {
	t.Parallel()
	for _, body := range hostileBodies {
		if kept := journal.MaskBody([]byte(body)); strings.Contains(kept, hostileSecret) {
			t.Errorf("the journal keeps %s", kept)
		}
	}
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
