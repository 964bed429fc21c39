package httpapi

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/accesscode/accesscodetest"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
)

// BenchmarkHotPath is aiccd's own work, without the network, for the
// requests of bench/run.sh that read more than the tenant: check-user
// (a mobile number, with an IAM token), queryAccessCodeList and
// queryfaultyuser (the pages' examples), on the demo data, the server
// following the change feed as aiccd serve does.
//
//	go test -run XXX -bench BenchmarkHotPath -benchmem ./httpapi
func BenchmarkHotPath(b *testing.B) {
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		e := newEnv(b, engine.dsn(b))
		e.srv.journalBodies = false // serve's default
		e.follow()
		iam, gateway := e.iamToken(), e.gatewayToken()
		for _, c := range []struct {
			name, path, body string
			header           map[string]string
		}{
			{"check-user", checkUserPath, `{"searchType":"mobile","searchKey":"0086-13700000000"}`,
				map[string]string{"X-Auth-Token": iam}},
			{"queryAccessCodeList", ccPath + "accessCodeInfo/queryAccessCodeList", `{"accessCode":"9911411","mediatypeId":5,"limit":10,"offset":0}`,
				map[string]string{"Authorization": "Bearer " + gateway, "X-APP-Key": demo.AppKey}},
			{"queryfaultyuser", scPath + "queryfaultyuser", exampleRequest(),
				map[string]string{"Authorization": "Bearer " + gateway, "X-APP-Key": demo.AppKey}},
		} {
			b.Run(engine.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r := httptest.NewRequest("POST", c.path, strings.NewReader(c.body))
					r.Header.Set("Content-Type", "application/json")
					for k, v := range c.header {
						r.Header.Set(k, v)
					}
					w := httptest.NewRecorder()
					e.srv.ServeHTTP(w, r)
					if w.Code != 200 {
						b.Fatalf("%s: %d %s", c.name, w.Code, w.Body)
					}
				}
			})
		}
	}
}

// BenchmarkHotPathLargeTenant is queryAccessCodeList's page example
// (7 digits) and a code of 32 digits on the demo tenant with 100,000 more
// access codes, beyond what is answered from memory: the store's indexed
// search, as in bench/run.sh's volume run. A search asked again is
// answered from memory until the tenant's codes change; "each new" asks a
// new one every time.
//
//	go test -run XXX -bench BenchmarkHotPathLargeTenant -benchmem ./httpapi
func BenchmarkHotPathLargeTenant(b *testing.B) {
	for _, engine := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", dbtest.SQLiteURL}, {"postgres", dbtest.PostgresURL}} {
		e := newEnv(b, engine.dsn(b))
		e.srv.journalBodies = false // serve's default
		e.follow()
		ctx := context.Background()
		codes := accesscode.NewService(accesscode.Options{Store: e.db.AccessCodes, Clock: aiccd.SystemClock, IDs: &testIDs{}})
		batch := make([]accesscode.AccessCode, 0, 100_000)
		for d := range accesscodetest.Drafts(1, 100_000) { // 8-digit codes, none holding 9911411
			a, err := codes.Prepare(demo.TenantID, d)
			if err != nil {
				b.Fatal(err)
			}
			batch = append(batch, a)
		}
		if err := codes.CreateBatch(ctx, demo.TenantID, batch); err != nil {
			b.Fatal(err)
		}
		if err := codes.Maintain(ctx); err != nil {
			b.Fatal(err)
		}
		gateway := e.gatewayToken()
		for _, c := range []struct {
			name string
			body func(i int) string
		}{
			{"7 digits", func(int) string { return `{"accessCode":"9911411","mediatypeId":5,"limit":10,"offset":0}` }},
			{"32 digits", func(int) string { return `{"accessCode":"12345678901234567890123456789012","limit":10,"offset":0}` }},
			// A term not asked before on every request: the store's search
			// each time, as for the first asking of any search.
			{"7 digits, each new", func(i int) string {
				return fmt.Sprintf(`{"accessCode":"%07d","mediatypeId":5,"limit":10,"offset":0}`, 9_000_000+i)
			}},
		} {
			b.Run(engine.name+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					i++
					r := httptest.NewRequest("POST", ccPath+"accessCodeInfo/queryAccessCodeList", strings.NewReader(c.body(i)))
					r.Header.Set("Content-Type", "application/json")
					r.Header.Set("Authorization", "Bearer "+gateway)
					r.Header.Set("X-APP-Key", demo.AppKey)
					w := httptest.NewRecorder()
					e.srv.ServeHTTP(w, r)
					if w.Code != 200 {
						b.Fatalf("%s: %d %s", c.name, w.Code, w.Body)
					}
				}
			})
		}
	}
}
