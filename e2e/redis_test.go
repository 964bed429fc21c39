package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	goredis "github.com/redis/go-redis/v9"
)

// redisURL returns the test Redis, skipping (or failing under CI=true)
// when it is unreachable.
func redisURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("AICCD_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
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

	tenant := fmt.Sprintf("redis-%d", time.Now().UnixNano())
	resp, err := adminPost(a.URL+"/admin/v1/tenants", `{"id":"`+tenant+`"}`)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("create tenant: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = adminPost(a.URL+"/admin/v1/tenants/"+tenant+"/appkeys", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	var k struct{ AppKey, AppSecret string }
	var raw map[string]any
	json.NewDecoder(resp.Body).Decode(&raw)
	resp.Body.Close()
	k.AppKey, k.AppSecret = raw["app_key"].(string), raw["app_secret"].(string)

	token := func(s *server, secret string) int {
		resp, err := httpClient.Post(s.URL+"/apigovernance/api/oauth/tokenByAkSk", "application/json",
			strings.NewReader(`{"app_key":"`+k.AppKey+`","app_secret":"`+secret+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
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
