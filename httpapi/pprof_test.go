package httpapi

import (
	"os"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/database"
)

// TestPprofHidesTheCommandLine: the profiler answers, but not with the
// command line, which holds the master key, the admin token and the
// database password of a server started with them as flags.
func TestPprofHidesTheCommandLine(t *testing.T) {
	t.Parallel()
	e := newEnv(t, demoData.URL(t, database.SQLite))
	args := os.Args
	os.Args = []string{"aiccd", "serve", "--master-key=c2VjcmV0LW1hc3Rlci1rZXk", "--admin-token", "secret-admin-token",
		"--database", "postgres://aiccd:secret-db-password@db/aiccd"}
	defer func() { os.Args = args }()
	admin := map[string]string{"Authorization": "Bearer " + testAdminToken}
	for _, path := range []string{"/admin/debug/pprof/cmdline", "/admin/debug/pprof/cmdline/", "/admin/debug/pprof/cmdlin%65"} {
		w := e.do(request{method: "GET", path: path, header: admin})
		if w.Code != 404 || strings.Contains(w.Body.String(), "secret") {
			t.Errorf("GET %s: %d %s", path, w.Code, w.Body)
		}
	}
	if w := e.do(request{method: "GET", path: "/admin/debug/pprof/symbol", header: admin}); w.Code != 200 {
		t.Errorf("the profiler's symbol table: %d %s", w.Code, w.Body)
	}
	if w := e.do(request{method: "GET", path: "/admin/debug/pprof/cmdline"}); w.Code != 401 {
		t.Errorf("without the admin token: %d %s", w.Code, w.Body)
	}
}
