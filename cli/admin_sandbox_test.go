package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/journal"
)

func TestFaultAddRefusesUnknownEndpoints(t *testing.T) {
	t.Parallel()
	run := runner(t, migratedSQLite(t))
	if _, _, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err)
	}
	_, _, err := run("admin", "fault", "add", "--tenant", "acme", "--endpoint", "nosuchendpoint", "--status", "503")
	if err == nil || !strings.Contains(err.Error(), `endpoint "nosuchendpoint" is not one that fault rules apply to; give one of querytenantbasic,`) {
		t.Fatalf("err = %v", err)
	}
	if _, _, err := run("admin", "fault", "add", "--tenant", "acme", "--endpoint", "queryfaultyuser", "--status", "503"); err != nil {
		t.Fatal(err)
	}
	if out, _, _ := run("admin", "fault", "list"); strings.Contains(out, "nosuchendpoint") || !strings.Contains(out, "queryfaultyuser") {
		t.Fatalf("rules:\n%s", out)
	}
}

// TestRequestsListCountClear queries, counts and clears the journal a
// server wrote, through the CLI, on both engines: the masked number found
// by its digest, a refused request under the tenant its app key names.
func TestRequestsListCountClear(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		base, _, stop := startServer(t, "--database", dsn, "--demo")
		ctx := context.Background()
		c, err := client.New(base, client.WithAppKey(demo.AppKey, demo.AppSecret))
		if err != nil {
			t.Fatal(err)
		}
		for _, msisdn := range []string{"6680512100869", "6680512100870", "6680512100869"} {
			if _, err := c.QueryFaultyUser(ctx, client.FaultyUserQuery{MSISDN: msisdn, FaultTime: "1721283133000", ComplaintScene: "1"}); err != nil {
				t.Fatal(err)
			}
		}
		refused, _ := client.New(base, client.WithAppKey(demo.AppKey, "wrong-secret"), client.WithRetry(client.Retry{Attempts: 1}))
		refused.QueryFaultyUser(ctx, client.FaultyUserQuery{MSISDN: "6680512100869"})
		if err := stop(); err != nil { // the journal is written on the way out
			t.Fatal(err)
		}
		run := runner(t, dsn)
		out, stderr, err := run("admin", "requests", "list", "--tenant", "demo", "--endpoint", "queryfaultyuser", "--body", "msisdn=6680512100869", "-o", "json")
		var list struct{ Items []journal.Entry }
		if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list.Items) != 2 || strings.Contains(out, "6680512100869") {
			t.Fatalf("list: %v %s\n%s", err, stderr, out)
		}
		for args, want := range map[string]string{
			"--tenant demo": "5", // the token, three queries, the refused token
			"--tenant demo --status 401 --endpoint tokenByAkSk":  "1",
			"--tenant demo --body msisdn=6680512100870":          "1",
			"--tenant demo --header X-App-Key=" + demo.AppKey:    "3",
			"--tenant demo --from 2000-01-01T00:00:00Z --code 0": "2",
		} {
			out, stderr, err := run(append([]string{"admin", "requests", "count"}, strings.Fields(args)...)...)
			if err != nil || strings.TrimSpace(out) != want {
				t.Errorf("count %s: %q, want %s (%v %s)", args, out, want, err, stderr)
			}
		}
		if _, _, err := run("admin", "requests", "count", "--stauts", "200"); err == nil {
			t.Error("an unknown flag was accepted")
		}
		if _, _, err := run("admin", "requests", "count", "--body", "msisdn"); err == nil || !strings.Contains(err.Error(), "give NAME=VALUE") {
			t.Errorf("a body filter without value: %v", err)
		}
		if _, _, err := run("admin", "requests", "list", "--status", "abc"); err == nil || !strings.Contains(err.Error(), `"abc" is not an HTTP status`) {
			t.Errorf("a bad status: %v", err)
		}
		out, _, err = run("admin", "requests", "clear", "--tenant", "demo", "-o", "json")
		if err != nil || strings.TrimSpace(out) != `{
  "deleted": 5
}` {
			t.Fatalf("clear: %v %q", err, out)
		}
		if out, _, _ := run("admin", "requests", "count", "--tenant", "demo"); strings.TrimSpace(out) != "0" {
			t.Fatalf("after clear: %s", out)
		}
	})
}

// TestServeCORSOrigins: --cors-origins reaches the server; a preflight
// from the origin is answered.
func TestServeCORSOrigins(t *testing.T) {
	t.Parallel()
	base, _, _ := startServer(t, "--database", migratedSQLite(t), "--demo", "--cors-origins", "http://localhost:3000")
	req, _ := http.NewRequest("OPTIONS", base+"/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Fatalf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

// TestFaultOverrideThroughCLI adds an override with the CLI while aiccd
// serves the same database, and calls the endpoint with the Go client: the
// running server applies it (the change feed) for the matched msisdn only.
// The admin API's refusal of a body that breaks the wire format reaches the
// CLI as the same message.
func TestFaultOverrideThroughCLI(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		base, _, _ := startServer(t, "--database", dsn, "--demo")
		run := runner(t, dsn)
		bodyFile := filepath.Join(t.TempDir(), "answer.json")
		const answer = `{"returnCode":0,"description":"Query succeeded. Data is found in the query result.","data":[{"rules":[{"reflectionRule":"CELL=4711","ccmSceneCode":"VOICE"}],"msisdn":"6680512100872"}]}`
		if err := os.WriteFile(bodyFile, []byte(answer), 0o600); err != nil {
			t.Fatal(err)
		}
		out, errOut, err := run("admin", "fault", "add", "--tenant", "demo", "--endpoint", "queryfaultyuser", "--body", "@"+bodyFile,
			"--match", "msisdn=6680512100872", "--header", "Retry-After: 3", "--count", "-1", "-o", "json")
		if err != nil {
			t.Fatalf("fault add: %v\n%s", err, errOut)
		}
		var created struct {
			ID        string            `json:"id"`
			Status    int               `json:"status"`
			Headers   map[string]string `json:"headers"`
			BodyMatch map[string]any    `json:"body_match"`
			Body      json.RawMessage   `json:"body"`
		}
		if err := json.Unmarshal([]byte(out), &created); err != nil || created.Status != 200 || created.Headers["Retry-After"] != "3" ||
			created.BodyMatch["msisdn"] != "6680512100872" || compact(created.Body) != answer {
			t.Fatalf("fault add -o json: %v\n%s", err, out)
		}
		c, err := client.New(base, client.WithAppKey(demo.AppKey, demo.AppSecret))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		q := client.FaultyUserQuery{MSISDN: "6680512100872", FaultTime: "1721283133000", ComplaintScene: "1"}
		deadline := time.Now().Add(5 * time.Second)
		for {
			res, err := c.QueryFaultyUser(ctx, q)
			if err == nil && res.ReturnCode == 0 && len(res.Data) == 1 && res.Data[0].Rules[0].ReflectionRule == "CELL=4711" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the override did not answer within 5 s: %+v, %v", res, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		q.MSISDN = "6680512100873"
		if res, err := c.QueryFaultyUser(ctx, q); err != nil || res.ReturnCode == 0 {
			t.Fatalf("another msisdn: %+v, %v", res, err)
		}
		_, _, err = run("admin", "fault", "add", "--tenant", "demo", "--endpoint", "queryfaultyuser",
			"--body", `{"returnCode":"0","description":"x","data":[]}`)
		if err == nil || !strings.Contains(err.Error(), "body is not an answer queryfaultyuser gives with status 200: returnCode is string, want integer") {
			t.Fatalf("a body of the wrong type: %v", err)
		}
		if out, _, _ := run("admin", "fault", "list"); !strings.Contains(out, "body of ") {
			t.Fatalf("fault list does not show the override:\n%s", out)
		}
	})
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}
