package postgres_test

import (
	"context"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/accesscode/accesscodetest"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/postgres"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/tenant"
)

// A tenant's searches are planned by figures of its own rows: another
// tenant's rows, holding the very terms searched for, change none of them.
func TestPlanFiguresArePerTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.Open(t, dbtest.PostgresURL(t))
	ids, _ := snowflake.New(1, aiccd.SystemClock)
	svc := accesscode.NewService(accesscode.Options{Store: db.AccessCodes, Clock: aiccd.SystemClock, IDs: ids})
	tenants := tenant.NewService(tenant.Options{Store: db.Tenants, Clock: aiccd.SystemClock})
	for _, id := range []string{"mine", "theirs"} {
		if _, err := tenants.Create(ctx, id, id); err != nil {
			t.Fatal(err)
		}
	}
	s := db.AccessCodes.(*postgres.AccessCodeStore)
	figures := func() []string {
		t.Helper()
		var out []string
		for _, term := range []string{"zebra crossing", "store 4217", "hotline store"} {
			f, err := postgres.PlanFigures(ctx, s, "mine", term)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, f)
		}
		return out
	}
	if err := accesscodetest.Store(ctx, svc, "mine", 1, 6000, nil); err != nil {
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
