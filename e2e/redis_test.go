package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	goredis "github.com/redis/go-redis/v9"
)

// redisURL returns the test Redis, skipping (or failing under CI=true)
// when it is unreachable. Its timeouts are seconds rather than aiccd's
// 250 ms, so that a Redis that is up counts as up on a loaded machine.
func redisURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("AICCD_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	url += "?dial_timeout=3s&read_timeout=3s&write_timeout=3s&pool_timeout=3s"
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is unreachable and CI=true: %v", url, err)
		}
		t.Skipf("Redis tests skipped: %s is unreachable (%v)", url, err)
	}
	return url
}

// TestReplicasShareLimitsThroughRedis runs two aiccd processes on one
// PostgreSQL and one Redis: failures counted on either count towards one
// lockout (of the app key from this address), which both replicas
// enforce.
func TestReplicasShareLimitsThroughRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two servers")
	}
	rurl := redisURL(t)
	dsn := dbtest.PostgresURL(t)
	dir := t.TempDir()
	a := start(t, dir, "--database", dsn, "--redis", rurl)
	b := start(t, dir, "--database", dsn, "--redis", rurl)

	k := newAppKey(t, a)
	token := func(s *server, secret string) int { return tokenByAkSk(t, s, k.AppKey, secret) }
	// Two failures on one replica, three on the other: locked on both.
	for i, s := range []*server{a, b, a, b, a} {
		if code := token(s, "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	for _, s := range []*server{a, b} {
		if code := token(s, k.AppSecret); code != http.StatusTooManyRequests {
			t.Fatalf("the right secret after five shared failures: %d, want 429", code)
		}
	}
	// Clean up the lock this test made in the shared Redis.
	opts, _ := goredis.ParseURL(rurl)
	c := goredis.NewClient(opts)
	defer c.Close()
	c.Del(context.Background(), "aiccd:lock:app:"+k.AppKey+"@127.0.0.1", "aiccd:fail:app:"+k.AppKey)
	if code := token(b, k.AppSecret); code != 200 {
		t.Fatalf("after the lock was lifted: %d", code)
	}
}

// appKey is an app key and its secret.
type appKey struct{ AppKey, AppSecret string }

// newAppKey creates a tenant of the test's own and an app key of it
// through s's admin API: keys no other test, nor another run sharing the
// Redis, locks or throttles.
func newAppKey(t *testing.T, s *server) appKey {
	t.Helper()
	tenant := fmt.Sprintf("redis-%d", time.Now().UnixNano())
	resp, err := adminPost(s.URL+"/admin/v1/tenants", `{"id":"`+tenant+`"}`)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create tenant: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = adminPost(s.URL+"/admin/v1/tenants/"+tenant+"/appkeys", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	json.NewDecoder(resp.Body).Decode(&raw)
	resp.Body.Close()
	return appKey{AppKey: raw["app_key"].(string), AppSecret: raw["app_secret"].(string)}
}

// tokenByAkSk asks s for a gateway token and returns the status.
func tokenByAkSk(t *testing.T, s *server, key, secret string) int {
	t.Helper()
	resp, err := httpClient.Post(s.URL+"/apigovernance/api/oauth/tokenByAkSk", "application/json",
		strings.NewReader(`{"app_key":"`+key+`","app_secret":"`+secret+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRedisOutage starts aiccd while its Redis (behind a proxy the test
// controls) is down: it serves, authentications take no longer than
// without Redis, lockouts hold in the process, and the locks taken
// meanwhile reach Redis once it is back.
func TestRedisOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("stops and restarts a Redis connection")
	}
	rurl := redisURL(t)
	u, err := url.Parse(rurl)
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	p.stop()
	u.Host = p.addr
	s := start(t, t.TempDir(), "--redis", u.String())
	if !strings.Contains(s.logs.String(), "redis unreachable") {
		t.Errorf("no warning that Redis is unreachable:\n%s", s.logs)
	}
	k := newAppKey(t, s)
	slowest := time.Duration(0)
	timed := func(secret string) int {
		began := time.Now()
		code := tokenByAkSk(t, s, k.AppKey, secret)
		slowest = max(slowest, time.Since(began))
		return code
	}
	for i := range 5 {
		if code := timed("wrong"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d during the outage: %d", i, code)
		}
	}
	if code := timed(k.AppSecret); code != http.StatusTooManyRequests {
		t.Fatalf("the right secret after five failures during the outage: %d, want 429", code)
	}
	t.Logf("slowest token request during the outage: %s", slowest)
	if slowest > time.Second {
		t.Errorf("a token request took %s during the outage", slowest)
	}

	opts, _ := goredis.ParseURL(rurl)
	direct := goredis.NewClient(opts)
	defer direct.Close()
	lock := "aiccd:lock:app:" + k.AppKey + "@127.0.0.1"
	defer direct.Del(context.Background(), lock)
	p.start(t)
	for deadline := time.Now().Add(15 * time.Second); direct.Exists(context.Background(), lock).Val() == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the lock taken during the outage did not reach Redis within 15 s\n%s", s.logs)
		}
		timed(k.AppSecret) // requests start the probes
	}
	if ttl := direct.PTTL(context.Background(), lock).Val(); ttl < 4*time.Minute {
		t.Fatalf("the lock reached Redis for %s, want what was left of 5 minutes", ttl)
	}
}
