package console_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
)

// BenchmarkConsolePages measures the console's heavier pages through a
// real aiccd serve on SQLite, signed in, over loopback HTTP:
//
//	go test ./console -run '^$' -bench ConsolePages -benchtime 200x
func BenchmarkConsolePages(b *testing.B) {
	srv := startServer(b, dbtest.SQLiteURL(b))
	c := newClient(b, srv.URL)
	c.signIn("vic")
	_, list := c.do("GET", "/console/tenants/demo/accesscodes", nil, nil)
	route := routeLink.FindString(list)
	if route == "" {
		b.Fatal("the demo tenant lists no called route")
	}
	for _, page := range []struct{ name, path string }{
		{"accesscodes", "/console/tenants/demo/accesscodes"},
		{"accesscodes-search", "/console/tenants/demo/accesscodes?code=114&description=line"},
		{"route", route},
		{"smartcare-example", "/console/tenants/demo/smartcare?msisdn=6680512100869&faultTime=1721283133000&complaintScene=1&backtraceDuration=3600"},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				if res, _ := c.do("GET", page.path, nil, nil); res.StatusCode != http.StatusOK {
					b.Fatalf("GET %s: %d", page.path, res.StatusCode)
				}
			}
		})
	}
}

var routeLink = regexp.MustCompile(`/console/tenants/demo/routes/[0-9]+`)
