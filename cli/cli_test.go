package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
)

// syncBuffer is a bytes.Buffer that the server's goroutines and the test
// can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testMasterKey seals the secrets of servers the tests start.
const testMasterKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// runCLI runs aiccd with args on the database dsn and returns its output.
func runCLI(t *testing.T, dsn string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(context.Background(), append(args, "--database", dsn, "--master-key", testMasterKey), nil, &out, &errOut)
	return out.String(), errOut.String(), err
}

// migrated creates aiccd's schema in the empty database dsn, as `aiccd
// migrate` does (admin and import commands never create a database), and
// returns dsn.
func migrated(t *testing.T, dsn string) string {
	t.Helper()
	if _, errOut, err := runCLI(t, dsn, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errOut)
	}
	return dsn
}

// migratedSQLite returns a new SQLite database holding the schema `aiccd
// migrate` creates: a copy of the template dbtest migrates once per test
// binary, for tests about what comes after migrating (TestMigrateAndVersion
// runs migrate itself).
func migratedSQLite(t *testing.T) string {
	t.Helper()
	return dbtest.MigratedURL(t, database.SQLite)
}

// runner returns runCLI bound to one database.
func runner(t *testing.T, dsn string) func(args ...string) (stdout, stderr string, err error) {
	return func(args ...string) (string, string, error) { return runCLI(t, dsn, args...) }
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer runs `aiccd serve` in-process on a free port and returns its
// base URL, its output, and a function that stops it and returns Run's error.
func startServer(t *testing.T, args ...string) (base string, stdout *syncBuffer, stop func() error) {
	t.Helper()
	args = append(args, "--master-key", testMasterKey)
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), nil, stdout, stderr)
	}()
	// 30 s, as clitest.Start: with the package's tests in parallel under
	// -race, a start with --demo takes longer than 10 s on a busy machine.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			base = "http://" + m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\n%s", err, stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr)
		}
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = fmt.Errorf("serve did not stop within 10s")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return base, stdout, stop
}

func TestServeOnBothEngines(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		base, stdout, stop := startServer(t, "--database", dsn, "--demo")
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
		}
		// The mall pages' examples, from the demo dataset.
		for path, want := range map[string]string{
			"/rest/oma/softwareconsole/tenant/querytenantbasic":     `"mobilePhone":"153****0991","company":"Huawei XXXXXXXXX","customerName":"zXXXXXX","email":"sunk****@huawei.com","vdn":"150","createDate":1681203525000,"tenantSpaceStatus":"2"`,
			"/rest/oma/softwareconsole/trialtenant/querytenantinfo": `"expiryDate":1684650886000,"mobilePhone":"132****7077"`,
		} {
			req, _ := http.NewRequest("GET", base+path, nil)
			token := "demo-mall-token"
			if strings.Contains(path, "trial") {
				token = "demo-trial-token"
			}
			req.Header.Set("X-Auth-Token", token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), want) || resp.Header.Get("Content-Type") != "application/json;charset=UTF-8" {
				t.Fatalf("%s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		}
		if !strings.Contains(stdout.String(), "demo-app-key") || !strings.Contains(stdout.String(), "WARNING") {
			t.Fatalf("demo credentials not printed with a warning:\n%s", stdout)
		}
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		// A second start on the same database loads nothing twice.
		_, _, stop = startServer(t, "--database", dsn, "--demo")
		if err := stop(); err != nil {
			t.Fatalf("restart: %v", err)
		}
	})
}

// TestServeDemoRefusesTenantsNotInService starts serve --demo on a
// database that already holds an integrator's trial whose period ended:
// that trial expires as any would (only the demo's own trial is kept in
// service), and the demo's tenants that are not in service, printed with
// the other credentials, are refused over HTTP with the pages' 401.
func TestServeDemoRefusesTenantsNotInService(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		run := runner(t, dsn)
		if _, stderr, err := run("admin", "tenant", "create", "acme-trial", "--kind", "trial",
			"--created", "2024-01-01T00:00:00Z", "--trial-expires", "2024-02-01T00:00:00Z"); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		out, stderr, err := run("admin", "malltoken", "issue", "--tenant", "acme-trial", "-o", "json")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var issued struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal([]byte(out), &issued); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		base, stdout, _ := startServer(t, "--database", dsn, "--demo")
		send := func(method, path, header, value, body string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
			if header != "" {
				req.Header.Set(header, value)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		const trialInfo = "/rest/oma/softwareconsole/trialtenant/querytenantinfo"
		const refused = "Unauthorized operation. Check whether related services are authorized."
		if code, body := send("GET", trialInfo, "X-Auth-Token", issued.Token, ""); code != 401 || body != refused {
			t.Fatalf("the integrator's expired trial: %d %s", code, body)
		}
		if code, body := send("GET", trialInfo, "X-Auth-Token", demo.TrialMallToken, ""); code != 200 || !strings.Contains(body, `"tenantSpaceStatus":"5"`) {
			t.Fatalf("the demo's trial: %d %s", code, body)
		}
		for _, l := range demo.LapsedTenants {
			if !strings.Contains(stdout.String(), l.AppKey+" / "+l.AppSecret+" / "+l.MallToken) {
				t.Fatalf("%s's credentials not printed:\n%s", l.TenantID, stdout)
			}
			code, body := send("POST", "/apigovernance/api/oauth/tokenByAkSk", "Content-Type", "application/json",
				`{"app_key":"`+l.AppKey+`","app_secret":"`+l.AppSecret+`"}`)
			if code != 401 || !strings.Contains(body, `"error_code":"APIG.0301","error_msg":"Unauthorized operation. 1. Check whether you have purchased related services. 2. Contact customer service to check the status of your account."`) {
				t.Fatalf("%s's tokenByAkSk: %d %s", l.TenantID, code, body)
			}
			if code, body := send("POST", "/rest/oma/softwareconsole/tenant/queryresource", "X-Auth-Token", l.MallToken, ""); code != 401 || body != refused {
				t.Fatalf("%s's queryresource: %d %s", l.TenantID, code, body)
			}
		}
	})
}

func TestMigrateAndVersion(t *testing.T) {
	t.Parallel()
	dsn := dbtest.SQLiteURL(t)
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"migrate", "--database", dsn}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"migrate", "--status", "--database", dsn}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`sqlite schema at version (\d+); this binary knows (\d+)`).MatchString(out.String()) {
		t.Fatalf("migrate output: %s", out.String())
	}
	out.Reset()
	if err := Run(context.Background(), []string{"version"}, nil, &out, &out); err != nil || !strings.HasPrefix(out.String(), "aiccd ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
}

// TestCommandsNeverCreateADatabase: run from the wrong directory, or
// against an empty PostgreSQL database, every command but serve and
// migrate refuses, says where it looked and how to point it elsewhere, and
// leaves nothing behind.
func TestCommandsNeverCreateADatabase(t *testing.T) {
	t.Parallel()
	csvPath := filepath.Join(t.TempDir(), "tenants.csv")
	os.WriteFile(csvPath, []byte("id\nalpha\n"), 0o600)
	commands := [][]string{
		{"admin", "tenant", "list"},
		{"admin", "tenant", "create", "acme"},
		{"admin", "requests"},
		{"import", "tenants", csvPath},
		{"backup", filepath.Join(t.TempDir(), "backup.db")},
		{"check"},
		{"migrate", "--status"},
	}
	dbtest.EmptyEngines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		dir := t.TempDir()
		where := dsn
		if strings.HasPrefix(dsn, "postgres") {
			where = "holds no aiccd schema"
		} else {
			dsn = filepath.Join(dir, "aiccd-data", "aiccd.db")
			where = dsn + " does not exist"
		}
		for _, args := range commands {
			var out, errOut bytes.Buffer
			err := Run(context.Background(), append(args, "--database", dsn, "--master-key-file", filepath.Join(dir, "master.key")), nil, &out, &errOut)
			if err == nil {
				t.Fatalf("%v: no error\n%s", args, out.String())
			}
			for _, want := range []string{where, "--database", "AICCD_DATABASE", "--config", "aiccd migrate"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%v: the error does not say %q:\n%v", args, want, err)
				}
			}
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("left behind: %v", entries)
		}
		if strings.HasPrefix(dsn, "postgres") {
			db, err := database.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if current, _, err := db.SchemaVersion(context.Background()); err != nil || current != 0 {
				t.Fatalf("schema version %d, %v: migrated by a command that must not create", current, err)
			}
		}
	})
}

func TestServeRejectsBadConfig(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := Run(context.Background(), []string{"serve", "--log-format", "xml"}, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "log-format") {
		t.Fatalf("err = %v", err)
	}
	err = Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--master-key-file", filepath.Join(t.TempDir(), "master.key")},
		[]string{"AICCD_DATABASE=postgres://nobody@127.0.0.1:1/x?connect_timeout=1"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "open database") {
		t.Fatalf("unreachable database: err = %v", err)
	}
}

func TestAdminTenantCreateAndList(t *testing.T) {
	t.Parallel()
	dsn := migratedSQLite(t)
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := Run(context.Background(), append(args, "--database", dsn), nil, &out, &errOut)
		return out.String(), err
	}
	if _, err := run("admin", "tenant", "create", "acme", "--name", "Acme 股份"); err != nil {
		t.Fatal(err)
	}
	if _, err := run("admin", "tenant", "create", "acme"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate tenant: %v", err)
	}
	if _, err := run("admin", "tenant", "create", "Bad ID"); err == nil || !strings.Contains(err.Error(), "tenant ID") {
		t.Fatalf("invalid tenant ID: %v", err)
	}
	out, err := run("admin", "tenant", "list")
	if err != nil || !regexp.MustCompile(`(?m)^ID\s+NAME\s+KIND\s+STATUS\s+VDN\s+CREATED\s+TRIAL EXPIRES\nacme\s+Acme 股份\s+formal\s+2 \(active\)\s+\d{4}-`).MatchString(out) {
		t.Fatalf("table: %v\n%s", err, out)
	}
	out, err = run("admin", "tenant", "list", "-o", "json")
	if err != nil || !strings.Contains(out, `"id": "acme"`) || !strings.Contains(out, `"name": "Acme 股份"`) {
		t.Fatalf("json: %v\n%s", err, out)
	}
}

func TestImportTenants(t *testing.T) {
	t.Parallel()
	dsn := migratedSQLite(t)
	csvPath := filepath.Join(t.TempDir(), "tenants.csv")
	os.WriteFile(csvPath, []byte("id,name\nalpha,Alpha\nBAD ID,x\nbeta,Beta\nalpha,again\n"), 0o600)
	var out, errOut bytes.Buffer
	err := Run(context.Background(), []string{"import", "tenants", csvPath, "--database", dsn}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "2 rows rejected") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "imported 2 tenants, rejected 2") {
		t.Fatalf("summary: %s", out.String())
	}
	if !strings.Contains(errOut.String(), "line 3: tenant ID") || !strings.Contains(errOut.String(), "line 5: tenant \"alpha\" already exists") {
		t.Fatalf("report: %s", errOut.String())
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "aiccd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

func TestServeTLSAndProfiler(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	base, _, _ := startServer(t, "--database", migratedSQLite(t), "--tls-cert", cert, "--tls-key", key,
		"--admin-token", "profiler-admin-token-0123")
	base = strings.Replace(base, "http://", "https://", 1)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("healthz over TLS: %d", resp.StatusCode)
	}
	get := func(token string) int {
		req, _ := http.NewRequest("GET", base+"/admin/debug/pprof/goroutine?debug=1", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(""); code != 401 {
		t.Fatalf("profiler without the admin token: %d", code)
	}
	if code := get("profiler-admin-token-0123"); code != 200 {
		t.Fatalf("profiler with the admin token: %d", code)
	}
}
