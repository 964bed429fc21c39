package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
)

func testSandbox(t *testing.T, db *database.DB) {
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	t.Run("faults", func(t *testing.T) {
		s := db.Faults
		f := fault.Fault{ID: 7, TenantID: "t1", Endpoint: "queryfaultyuser", LatencyMS: 200, Code: "5", Remaining: 2, Percent: 100, CreatedAt: at}
		if err := s.CreateFault(ctx, f); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateFault(ctx, f); !errors.Is(err, aiccd.ErrConflict) {
			t.Fatalf("duplicate ID: %v", err)
		}
		all, err := s.Faults(ctx)
		if err != nil || len(all) != 1 || all[0] != f {
			t.Fatalf("Faults = %+v, %v", all, err)
		}
		for i, want := range []bool{true, true, false} {
			if ok, err := s.ClaimFault(ctx, 7); ok != want || err != nil {
				t.Fatalf("claim %d: %v %v", i, ok, err)
			}
		}
		if err := s.DeleteFault(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteFault(ctx, 7); !errors.Is(err, aiccd.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})

	t.Run("journal", func(t *testing.T) {
		s := db.Journal
		var es []journal.Entry
		for i := range 5 {
			for _, tenantID := range []string{"a", "b"} {
				es = append(es, journal.Entry{TenantID: tenantID, At: at.Add(time.Duration(i) * time.Second),
					RequestID: fmt.Sprint(tenantID, i), Method: "POST", Path: "/x", Route: "POST /x", Status: 200,
					DurationMS: 1.5, Code: "0", Caller: "k", RequestBody: `{"a":1}`})
				if i == 4 && tenantID == "a" {
					es[len(es)-1].Detail = "limit: 2.5 is not an integer"
					es[len(es)-1].IgnoredKeys = []string{"LIMIT", "a\nb \"c\""}
				}
			}
		}
		// A request whose connection a fault rule reset got no status.
		es[8].Status, es[8].Outcome, es[8].Code = 0, journal.OutcomeReset, ""
		if err := s.AddEntries(ctx, es); err != nil {
			t.Fatal(err)
		}
		got, err := s.Entries(ctx, "a", 3)
		if err != nil || len(got) != 3 || got[0].RequestID != "a4" || got[2].RequestID != "a2" || !reflect.DeepEqual(got[0], es[8]) || !reflect.DeepEqual(got[1], es[6]) {
			t.Fatalf("Entries(a, 3) = %+v, %v", got, err)
		}
		if err := s.TrimEntries(ctx, 2); err != nil {
			t.Fatal(err)
		}
		for _, tenantID := range []string{"a", "b"} {
			if got, _ := s.Entries(ctx, tenantID, 10); len(got) != 2 || got[1].RequestID != tenantID+"3" {
				t.Fatalf("after trimming to 2: %s has %+v", tenantID, got)
			}
		}
		if all, _ := s.Entries(ctx, "", 10); len(all) != 4 {
			t.Fatalf("every tenant: %d entries", len(all))
		}
	})
}
