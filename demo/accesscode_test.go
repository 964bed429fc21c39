package demo_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"unicode"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func loadDemo(t *testing.T, dsn string) demo.Services {
	t.Helper()
	svc := newServices(dbtest.Open(t, dsn), aiccd.SystemClock)
	for range 2 { // loading again adds nothing and fails on nothing
		if err := demo.Load(context.Background(), svc, discard); err != nil {
			t.Fatal(err)
		}
	}
	return svc
}

// TestPageExample checks that the page's example request, without its
// description filter, answers exactly the page's example row.
func TestPageExample(t *testing.T) {
	t.Parallel()
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		svc := loadDemo(t, dsn).AccessCodes
		// The page's example request as httpapi reads it
		// (TestAccessCodeListBody), without its description filter.
		q := accesscode.Query{Filter: accesscode.Filter{AccessCode: "9911411", MediaType: 5}, Limit: 10}
		page, err := svc.Query(context.Background(), demo.TenantID, q)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || len(page.Items) != 1 {
			t.Fatalf("total %d, %d rows; want the page's one row", page.Total, len(page.Items))
		}
		a := page.Items[0]
		if a.ID != 1124167935465633793 || a.Code != "9911411" || a.MediaType != 5 || a.N400Number != nil ||
			a.Description != nil || a.CallAttr != 3 || a.TenantID != demo.TenantID {
			t.Fatalf("row = %+v", a)
		}

		// With its description filter, the example finds nothing: a code
		// without a description never matches one (docs/compatibility.md).
		q.Description = "access code"
		if page, err := svc.Query(context.Background(), demo.TenantID, q); err != nil || page.Total != 0 {
			t.Fatalf("with the description filter: %+v, %v", page, err)
		}
	})
}

func ptr(s string) *string { return &s }

// TestDemoDataset checks what the dataset promises: 30 codes besides the
// page's, every media type, English and Chinese descriptions, several
// mentioning "access code", and routes.
func TestDemoDataset(t *testing.T) {
	t.Parallel()
	services := loadDemo(t, dbtest.SQLiteURL(t))
	svc := services.AccessCodes
	ctx := context.Background()
	page, err := svc.List(ctx, demo.TenantID, accesscode.ListOptions{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total < 31 || page.Total != len(demo.AccessCodes) {
		t.Fatalf("%d demo access codes", page.Total)
	}
	media := map[accesscode.MediaType]int{}
	var english, chinese int
	for _, a := range page.Items {
		media[a.MediaType]++
		if a.Description == nil {
			continue
		}
		for _, r := range *a.Description {
			if unicode.Is(unicode.Han, r) {
				chinese++
				break
			}
		}
		if strings.ContainsAny(*a.Description, "aeiou") {
			english++
		}
	}
	for _, m := range accesscode.MediaTypes {
		if media[m] < 3 {
			t.Errorf("media type %d has %d codes", m, media[m])
		}
	}
	if english < 10 || chinese < 10 {
		t.Errorf("%d English and %d Chinese descriptions", english, chinese)
	}
	if p, _ := svc.Query(ctx, demo.TenantID, accesscode.Query{Filter: accesscode.Filter{Description: "access code"}, Limit: 100}); p.Total < 5 {
		t.Errorf("%d descriptions mention access code", p.Total)
	}
	routes, err := svc.QueryRoutes(ctx, demo.TenantID, accesscode.RouteQuery{Limit: 100})
	if err != nil || routes.Total != len(demo.Routes) {
		t.Fatalf("routes: %d, %v", routes.Total, err)
	}
	// Data an integrator changed is left as it is on the next load.
	if _, err := svc.Update(ctx, demo.TenantID, demo.PageAccessCodeID, accesscode.Patch{Description: ptr("mine now")}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteRoute(ctx, demo.TenantID, demo.Routes[5].ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, demo.TenantID, demo.AccessCodes[5].ID); err != nil {
		t.Fatal(err)
	}
	// Another code took the number of a deleted demo code.
	if _, err := svc.Add(ctx, demo.TenantID, accesscode.Draft{Code: demo.AccessCodes[5].Code, MediaType: 5, CallAttr: 1}); err != nil {
		t.Fatal(err)
	}
	if err := demo.Load(ctx, services, discard); err != nil {
		t.Fatal(err)
	}
	if a, _ := svc.Get(ctx, demo.TenantID, demo.PageAccessCodeID); a.Description == nil || *a.Description != "mine now" {
		t.Fatalf("the demo load overwrote a change: %+v", a)
	}
	if _, err := svc.Get(ctx, demo.TenantID, demo.AccessCodes[5].ID); aiccd.KindOf(err) != aiccd.KindNotFound {
		t.Fatalf("the demo load duplicated a number taken since: %v", err)
	}
}
