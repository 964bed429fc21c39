package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
)

// iamLogin is POST /v3/auth/tokens for user of the demo partner, its
// domain named by ID or by name, sent from source (host:port).
func (e *env) iamLogin(source, user, password string, domainByID bool) *httptest.ResponseRecorder {
	e.t.Helper()
	domain := fmt.Sprintf(`"name":%q`, demo.PartnerID)
	if domainByID {
		domain = fmt.Sprintf(`"id":%q`, demo.PartnerID)
	}
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{%s}}}},"scope":{"domain":{%s}}}}`,
		user, password, domain, domain)
	r := httptest.NewRequest("POST", "/v3/auth/tokens", strings.NewReader(body))
	r.RemoteAddr = source
	r.Header.Set("X-Request-Id", "test-request-id")
	r.Header.Set("Content-Type", "application/json")
	return e.serve(r)
}

// TestIAMTokensUnderFlood sends concurrent logins of made-up users from as
// many addresses, as a flood spread over many hosts would: password
// checks beyond the bound are refused at once in the IAM format instead
// of each taking its 19 MiB.
func TestIAMTokensUnderFlood(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	const clients = 48
	answers := make([]*httptest.ResponseRecorder, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			answers[i] = e.iamLogin(fmt.Sprintf("198.51.100.%d:40000", i), fmt.Sprint("flood-", i), "Wr0ng-pass", false)
		})
	}
	wg.Wait()
	counts := map[int]int{}
	var busy *httptest.ResponseRecorder
	for _, w := range answers {
		counts[w.Code]++
		if w.Code == http.StatusTooManyRequests {
			busy = w
		}
	}
	if counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != clients || busy == nil {
		t.Fatalf("answers by status: %v; want 401s and, beyond the bound, 429s", counts)
	}
	golden(t, "iam_busy.golden", busy)
}

// TestIAMTokensPerSourceLimit: one address trying many user names is
// throttled before its attempts cost password checks.
func TestIAMTokensPerSourceLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	var last *httptest.ResponseRecorder
	for i := range 21 {
		last = e.iamLogin("198.51.100.1:40000", fmt.Sprint("guess-", i), "Wr0ng-pass", false)
		if i < 20 && last.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d %s", i, last.Code, last.Body)
		}
	}
	golden(t, "iam_throttled.golden", last)
	if w := e.iamLogin("192.0.2.1:40000", demo.PartnerUser, demo.PartnerPassword, false); w.Code != http.StatusCreated {
		t.Fatalf("a login from another address: %d %s", w.Code, w.Body)
	}
}

// TestIAMLockoutCountsOneUser: failures naming the demo partner's domain
// by ID and by name lock its user after five, not ten.
func TestIAMLockoutCountsOneUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	const from = "198.51.100.2:40000"
	for i := range 5 {
		if w := e.iamLogin(from, demo.PartnerUser, "Wr0ng-pass", i%2 == 0); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d %s", i, w.Code, w.Body)
		}
	}
	golden(t, "iam_locked.golden", e.iamLogin(from, demo.PartnerUser, demo.PartnerPassword, true))
	if w := e.iamLogin(from, demo.PartnerUser, demo.PartnerPassword, false); w.Code != http.StatusTooManyRequests {
		t.Fatalf("the domain by name after five failures: %d %s", w.Code, w.Body)
	}
}

// TestLockoutIsPerSource: whoever knows the demo app key can lock it for
// their own address, not for its owner's.
func TestLockoutIsPerSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	token := func(source, secret string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/apigovernance/api/oauth/tokenByAkSk",
			strings.NewReader(fmt.Sprintf(`{"app_key":%q,"app_secret":%q}`, demo.AppKey, secret)))
		r.RemoteAddr = source
		r.Header.Set("Content-Type", "application/json")
		return e.serve(r)
	}
	for range 5 {
		token("198.51.100.3:40000", "wrong")
	}
	if w := token("198.51.100.3:40001", demo.AppSecret); w.Code != http.StatusTooManyRequests {
		t.Fatalf("the right secret from the failing address: %d %s", w.Code, w.Body)
	}
	if w := token("192.0.2.1:40000", demo.AppSecret); w.Code != http.StatusOK {
		t.Fatalf("the owner from its own address: %d %s", w.Code, w.Body)
	}
	// IPv6 addresses count by their /64.
	for range 5 {
		token("[2001:db8:0:1::a]:40000", "wrong")
	}
	if w := token("[2001:db8:0:1::b]:40000", demo.AppSecret); w.Code != http.StatusTooManyRequests {
		t.Fatalf("another address of the failing /64: %d %s", w.Code, w.Body)
	}
	if w := token("[2001:db8:0:2::a]:40000", demo.AppSecret); w.Code != http.StatusOK {
		t.Fatalf("another /64: %d %s", w.Code, w.Body)
	}
}
