package sqlite_test

import (
	"context"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/accesscode/accesscodetest"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/sqlite"
	"github.com/aiccd/aiccd/tenant"
)

// A tenant's searches are planned by figures of its own rows: another
// tenant's rows, holding the very terms searched for, change none of them.
func TestPlanFiguresArePerTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.Open(t, dbtest.SQLiteURL(t))
	ids, _ := snowflake.New(1, aiccd.SystemClock)
	svc := accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: aiccd.SystemClock, IDs: ids})
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: aiccd.SystemClock})
	for _, id := range []string{"mine", "theirs"} {
		if _, err := tenants.Create(ctx, id, id); err != nil {
			t.Fatal(err)
		}
	}
	s := db.AccessCodes.(*sqlite.AccessCodeStore)
	figures := func() []string {
		t.Helper()
		var out []string
		for _, q := range []struct {
			term string
			code bool
		}{{"zebra crossing", false}, {"store 4217", false}, {"hotline", false}, {"ze", false}, {"4217", true}, {"0000", true}} {
			f, err := sqlite.PlanFigures(ctx, s, "mine", q.term, q.code)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, f)
		}
		return out
	}
	if err := accesscodetest.Store(ctx, svc, "mine", 1, 3000, nil); err != nil {
		t.Fatal(err)
	}
	before := figures()
	only := "zebra crossing, store 4217 hotline"
	if err := accesscodetest.Store(ctx, svc, "theirs", 2, 5000, &only); err != nil {
		t.Fatal(err)
	}
	after := figures()
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("another tenant's rows changed a plan's figures:\nbefore %.300s\nafter  %.300s", before[i], after[i])
		}
	}
}
