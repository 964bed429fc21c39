package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestRateLimitAppliesToTokenByAkSk: with --rate-limit, one app key cannot
// mint tokens faster than the limit (nor one address ask for them).
func TestRateLimitAppliesToTokenByAkSk(t *testing.T) {
	s := start(t, t.TempDir(), "--demo", "--rate-limit", "1", "--rate-burst", "1")
	statuses := map[int]int{}
	var refusal map[string]any
	for range 5 {
		resp, err := httpClient.Post(s.URL+"/apigovernance/api/oauth/tokenByAkSk", "application/json",
			strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
		if err != nil {
			t.Fatal(err)
		}
		statuses[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			json.NewDecoder(resp.Body).Decode(&refusal)
		}
		resp.Body.Close()
	}
	if statuses[http.StatusOK] > 2 || refusal["error_code"] != "APIG.0308" {
		t.Fatalf("5 token requests at once with --rate-limit 1: %v, refusal %v", statuses, refusal)
	}
}
