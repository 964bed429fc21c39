package httpapi

import (
	"net/http/httptest"
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/demo"
)

// BenchmarkQueryTenantBasic is aiccd's own work for the mall's most
// frequent read, without the network: the middleware, the mall token and
// the tenant from the read models (the server follows the change feed, as
// aiccd serve does), the masked answer encoded.
//
//	go test -run XXX -bench BenchmarkQueryTenantBasic -benchmem ./httpapi
func BenchmarkQueryTenantBasic(b *testing.B) {
	e := newEnv(b, demoData.URL(b, database.SQLite))
	e.srv.journalBodies = false // serve's default
	e.follow()
	b.ReportAllocs()
	for b.Loop() {
		// A request per call, as the server gets: middleware wraps its
		// body.
		r := httptest.NewRequest("GET", "/rest/oma/softwareconsole/tenant/querytenantbasic", nil)
		r.Header.Set("X-Auth-Token", demo.MallToken)
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("querytenantbasic: %d %s", w.Code, w.Body)
		}
	}
}
