package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

// acknowledged is what the server confirmed it stored.
type acknowledged struct {
	mu      sync.Mutex
	tenants []string
	keys    map[string]string // app key -> secret
}

func (a *acknowledged) add(tenant, key, secret string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if tenant != "" {
		a.tenants = append(a.tenants, tenant)
	}
	if key != "" {
		a.keys[key] = secret
	}
}

func adminPost(url, body string) (*http.Response, error) {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	return httpClient.Do(req)
}

// writeUntilKilled creates tenants and app keys from several clients until
// the server dies, recording every write it acknowledged.
func writeUntilKilled(base string, round int, ack *acknowledged) {
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("crash-%d-%d-%d", round, w, i)
				resp, err := adminPost(base+"/admin/v1/tenants", `{"id":"`+id+`"}`)
				if err != nil {
					return // the server is gone
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					return
				}
				ack.add(id, "", "")
				resp, err = adminPost(base+"/admin/v1/tenants/"+id+"/appkeys", `{"name":"crash"}`)
				if err != nil {
					return
				}
				var k struct {
					AppKey    string `json:"app_key"`
					AppSecret string `json:"app_secret"`
				}
				err = json.NewDecoder(resp.Body).Decode(&k)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusCreated {
					return
				}
				ack.add("", k.AppKey, k.AppSecret)
			}
		})
	}
	wg.Wait()
}

// TestCrashSafety kills the server at random moments while clients write
// to it, restarts it, and checks that every acknowledged write survived and
// the database passes its integrity check, on both engines.
func TestCrashSafety(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills and restarts servers")
	}
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		dir := t.TempDir()
		ack := &acknowledged{keys: map[string]string{}}
		for round := range 3 {
			s := start(t, dir, "--database", dsn)
			done := make(chan struct{})
			go func() { writeUntilKilled(s.URL, round, ack); close(done) }()
			time.Sleep(time.Duration(150+rand.IntN(500)) * time.Millisecond)
			s.kill()
			<-done
		}
		s := start(t, dir, "--database", dsn)
		req, _ := http.NewRequest("GET", s.URL+"/admin/v1/tenants", nil)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var list struct {
			Items []struct{ ID string } `json:"items"`
		}
		json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		stored := map[string]bool{}
		for _, it := range list.Items {
			stored[it.ID] = true
		}
		for _, id := range ack.tenants {
			if !stored[id] {
				t.Errorf("acknowledged tenant %s is lost", id)
			}
		}
		for key, secret := range ack.keys {
			resp, err := httpClient.Post(s.URL+"/apigovernance/api/oauth/tokenByAkSk", "application/json",
				strings.NewReader(`{"app_key":"`+key+`","app_secret":"`+secret+`"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("acknowledged app key %s does not authenticate: %d", key, resp.StatusCode)
			}
		}
		t.Logf("%d tenants and %d app keys acknowledged across 3 crashes, all present", len(ack.tenants), len(ack.keys))
		if err := s.stop(); err != nil {
			t.Fatal(err)
		}
		if out := cli(t, dir, "check", "--database", dsn); !strings.Contains(out, "database ok") {
			t.Fatalf("integrity check: %s", out)
		}
	})
}

// TestImportSurvivesKill kills an import at a random moment and resumes
// it: every row ends up imported once, the database intact.
func TestImportSurvivesKill(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills an importer")
	}
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		dir := t.TempDir()
		const rows = 20_000
		var b strings.Builder
		b.WriteString("id,name\n")
		for i := range rows {
			fmt.Fprintf(&b, "imp-%05d,Imported %d\n", i, i)
		}
		file := filepath.Join(dir, "tenants.csv")
		os.WriteFile(file, []byte(b.String()), 0o600)

		cli(t, dir, "migrate", "--database", dsn) // imports never create a database
		cmd := command(dir, "import", "tenants", file, "--database", dsn)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once it has committed a batch or more: mid-import.
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := os.Stat(file + ".import-position"); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the import saved no position within 30s")
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		if n := countImported(t, dir, dsn); n == 0 || n >= rows {
			t.Fatalf("the kill did not interrupt the import: %d of %d rows in", n, rows)
		}

		// A batch committed just before the kill but after the last saved
		// position is offered again and reported as existing; every other
		// row is imported now.
		resume := command(dir, "import", "tenants", file, "--resume", "--database", dsn)
		out, _ := resume.CombinedOutput()
		if !strings.Contains(string(out), "imported ") {
			t.Fatalf("resume: %s", out)
		}
		if n := countImported(t, dir, dsn); n != rows {
			t.Fatalf("%d of %d rows imported after a kill and a resume\n%s", n, rows, out)
		}
		if out := cli(t, dir, "check", "--database", dsn); !strings.Contains(out, "database ok") {
			t.Fatalf("integrity check: %s", out)
		}
	})
}

func countImported(t *testing.T, dir, dsn string) int {
	t.Helper()
	list := cli(t, dir, "admin", "tenant", "list", "-o", "json", "--database", dsn)
	var ts struct{ Items []struct{ ID string } }
	if err := json.Unmarshal([]byte(list), &ts); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tn := range ts.Items {
		if strings.HasPrefix(tn.ID, "imp-") {
			n++
		}
	}
	return n
}
