package cli

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/fixture"
)

var proxyListening = regexp.MustCompile(`msg="proxy listening" addr=(\S+)`)

// startProxy runs `aiccd proxy` in-process and returns its base URL.
func startProxy(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"proxy", "--listen", "127.0.0.1:0"}, args...), nil, stdout, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("proxy: %v\n%s", err, stderr)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := proxyListening.FindStringSubmatch(stderr.String()); m != nil {
			return "http://" + m[1]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("proxy exited: %v\n%s", err, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("proxy did not listen:\n%s", stderr)
	return ""
}

// contractCalls makes one call of each credential kind through base: an
// app gateway token and queryfaultyuser and queryAccessCodeList with it,
// querytenantbasic with a mall token, check-user signed with AK/SK.
func contractCalls(t *testing.T, base string) {
	t.Helper()
	ctx := context.Background()
	app, err := client.New(base, client.WithAppKey(demo.AppKey, demo.AppSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.QueryFaultyUser(ctx, client.FaultyUserQuery{MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1",
		BacktraceDuration: "3600", SessionID: "20240709"}); err != nil {
		t.Fatal(err)
	}
	if _, err := app.QueryAccessCodeList(ctx, client.AccessCodeQuery{Limit: client.Ptr(10)}); err != nil {
		t.Fatal(err)
	}
	mall := must(client.New(base, client.WithMallToken(demo.MallToken)))(t)
	if _, err := mall.QueryTenantBasic(ctx); err != nil {
		t.Fatal(err)
	}
	partner := must(client.New(base, client.WithAKSK(demo.PartnerID, demo.PartnerAK, demo.PartnerSK)))(t)
	if _, err := partner.CheckUser(ctx, "", client.SearchMobile, demo.SharedMobile); err != nil {
		t.Fatalf("check-user through the proxy (the signature must survive it): %v", err)
	}
}

// TestProxyRecordAndVerify records the contract calls through `aiccd
// proxy` in front of one aiccd, verifies the recording against a second
// aiccd on a database of its own, then verifies recordings edited to
// disagree (a changed type, a missing field, another return code).
func TestProxyRecordAndVerify(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		upstream, _, _ := startServer(t, "--database", dsn, "--demo")
		dir := t.TempDir()
		proxy := startProxy(t, "--upstream", upstream, "--record", dir, "--keep-request-personal")
		contractCalls(t, proxy)

		xs, err := fixture.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range xs {
			names = append(names, filepath.Base(x.File))
		}
		want := []string{"000001-post-tokenbyaksk.json", "000002-post-queryfaultyuser.json", "000003-post-queryaccesscodelist.json",
			"000004-get-querytenantbasic.json", "000005-post-check-user.json"}
		if !slices.Equal(names, want) {
			t.Fatalf("recorded %v, want %v", names, want)
		}
		// Secrets masked, in headers and bodies.
		token, _ := os.ReadFile(filepath.Join(dir, want[0]))
		signed, _ := os.ReadFile(filepath.Join(dir, want[4]))
		for _, leak := range []string{demo.AppSecret, demo.PartnerSK, demo.MallToken} {
			for _, b := range [][]byte{token, signed} {
				if strings.Contains(string(b), leak) {
					t.Fatalf("a recording holds a secret:\n%s", b)
				}
			}
		}
		if !strings.Contains(string(token), `"app_secret": "*****"`) || !strings.Contains(string(token), `"AccessToken": "*****"`) ||
			!strings.Contains(string(signed), `Signature=*****`) {
			t.Fatalf("secrets not masked as the journal masks them:\n%s\n%s", token, signed)
		}
		// Personal data in answers is masked; the request's kept, as asked.
		if x := xs[1]; !strings.Contains(compact(x.Request.Body), `"msisdn":"6680512100869"`) || !strings.Contains(compact(x.Response.Body), `"msisdn":"6***********9"`) ||
			!strings.Contains(compact(x.Response.Body), `"LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007"`) {
			t.Fatalf("queryfaultyuser recorded as %s → %s", x.Request.Body, x.Response.Body)
		}

		// A fresh aiccd: a database of its own, of the same engine.
		fresh := dbtest.MigratedURL(t, database.EngineOf(dsn))
		against, _, _ := startServer(t, "--database", fresh, "--demo")
		creds := []string{"--against", against, "--app-key", demo.AppKey, "--app-secret", demo.AppSecret,
			"--mall-token", demo.MallToken, "--ak", demo.PartnerAK, "--sk", demo.PartnerSK}
		out, errOut, err := runCLI(t, "", append([]string{"verify", dir, "-o", "json"}, creds...)...)
		if err != nil {
			t.Fatalf("verify against a fresh aiccd: %v\n%s\n%s", err, out, errOut)
		}
		results := verifyJSON(t, out)
		for _, r := range results {
			if r.Result != "agree" {
				t.Fatalf("%s: %+v", r.File, r)
			}
		}
		// The table, for people.
		table, _, err := runCLI(t, "", append([]string{"verify", dir}, creds...)...)
		if err != nil || !strings.Contains(table, "000005-post-check-user.json") || !strings.Contains(table, "agree") {
			t.Fatalf("verify's table: %v\n%s", err, table)
		}

		// Edited to disagree: each edit is reported for its exchange only.
		edit(t, filepath.Join(dir, want[1]), func(m map[string]any) { m["returnCode"] = "0" })
		edit(t, filepath.Join(dir, want[2]), func(m map[string]any) { m["extra"] = "recorded only" })
		edit(t, filepath.Join(dir, want[4]), func(m map[string]any) { m["error_code"] = "CBC.0100" })
		out, _, err = runCLI(t, "", append([]string{"verify", dir, "-o", "json"}, creds...)...)
		if err == nil || !strings.Contains(err.Error(), "3 of 5 exchanges do not agree with the recording") {
			t.Fatalf("verify of an edited recording: %v", err)
		}
		got := map[string]verifyResult{}
		for _, r := range verifyJSON(t, out) {
			got[r.File] = r
		}
		for file, wantDiffs := range map[string][]string{
			want[0]: nil,
			want[1]: {"returnCode is a number, recorded a string"},
			want[2]: {"extra is missing"},
			want[3]: nil,
			want[4]: {`error_code "CBC.0000", recorded "CBC.0100"`},
		} {
			r := got[file]
			if (len(wantDiffs) == 0) != (r.Result == "agree") || !slices.Equal(r.Differences, append([]string{}, wantDiffs...)) {
				t.Errorf("%s: %+v, want differences %q", file, r, wantDiffs)
			}
		}
	})
}

func verifyJSON(t *testing.T, out string) []verifyResult {
	t.Helper()
	var v struct{ Items []verifyResult }
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v.Items) == 0 {
		t.Fatalf("verify -o json: %v\n%s", err, out)
	}
	return v.Items
}

// edit changes the recorded answer's body of the fixture file name.
func edit(t *testing.T, name string, change func(body map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var x fixture.Exchange
	var body map[string]any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(x.Response.Body, &body); err != nil {
		t.Fatal(err)
	}
	change(body)
	x.Response.Body, _ = json.Marshal(body)
	b, _ = json.MarshalIndent(x, "", "  ")
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestProxyUpstreamDown answers a call the upstream does not answer with
// the family's 502, records it, refuses a body over --max-body, and
// refuses an upstream with a path (it would change the signed path).
func TestProxyUpstreamDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	proxy := startProxy(t, "--upstream", down, "--record", dir, "--max-body", "100")
	resp, err := http.Post(proxy+"/apiaccess/CC-Management/v1/smartcare/queryfaultyuser", "application/json", strings.NewReader(`{"msisdn":"1"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.Contains(string(body), `"error_code":"APIG.0202"`) {
		t.Fatalf("upstream down: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Post(proxy+"/v3/auth/tokens", "application/json", strings.NewReader(strings.Repeat("x", 101)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("a body over --max-body: %d", resp.StatusCode)
	}
	xs, err := fixture.Load(dir)
	if err != nil || len(xs) != 1 || xs[0].Response.Status != 502 || !strings.Contains(compact(xs[0].Response.Body), `"error_code":"APIG.0202"`) {
		t.Fatalf("recorded %+v, %v", xs, err)
	}
	if _, _, err := runCLI(t, "", "proxy", "--upstream", "http://example.com/prefix", "--record", t.TempDir()); err == nil || !strings.Contains(err.Error(), "has a path") {
		t.Fatalf("an upstream with a path: %v", err)
	}
}
