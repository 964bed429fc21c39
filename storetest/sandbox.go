package storetest

import (
	"context"
	"encoding/json"
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
		// An override keeps its body byte for byte (key order, spacing),
		// its headers and its body match with their JSON types.
		o := fault.Fault{ID: 8, AppKey: "k1", Endpoint: "queryfaultyuser", Status: 200, Remaining: -1, Percent: 50, CreatedAt: at,
			Body: json.RawMessage(`{"returnCode": 0, "description": "ok"}`), Headers: map[string]string{"Retry-After": "3"},
			FreeForm: true, BodyMatch: map[string]any{"msisdn": "8613800000000", "data.n": 2.5, "ok": true, "none": nil}}
		if err := s.CreateFault(ctx, o); err != nil {
			t.Fatal(err)
		}
		all, err := s.Faults(ctx)
		if err != nil || len(all) != 2 || !reflect.DeepEqual(all[0], f) || !reflect.DeepEqual(all[1], o) {
			t.Fatalf("Faults = %+v, %v", all, err)
		}
		if err := s.DeleteFault(ctx, 8); err != nil {
			t.Fatal(err)
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
		got, err := s.Entries(ctx, journal.Query{TenantID: "a", Limit: 3})
		if err != nil || len(got) != 3 || got[0].RequestID != "a4" || got[2].RequestID != "a2" ||
			!reflect.DeepEqual(withoutID(got[0]), es[8]) || !reflect.DeepEqual(withoutID(got[1]), es[6]) || got[0].ID <= got[1].ID {
			t.Fatalf("Entries(a, 3) = %+v, %v", got, err)
		}
		if err := s.TrimEntries(ctx, 2); err != nil {
			t.Fatal(err)
		}
		for _, tenantID := range []string{"a", "b"} {
			if got, _ := s.Entries(ctx, journal.Query{TenantID: tenantID, Limit: 10}); len(got) != 2 || got[1].RequestID != tenantID+"3" {
				t.Fatalf("after trimming to 2: %s has %+v", tenantID, got)
			}
		}
		if all, _ := s.Entries(ctx, journal.Query{Limit: 10}); len(all) != 4 {
			t.Fatalf("every tenant: %d entries", len(all))
		}
		if n, err := s.DeleteEntries(ctx, "a"); n != 2 || err != nil {
			t.Fatalf("DeleteEntries(a) = %d, %v", n, err)
		}
		if n, err := s.CountEntries(ctx, journal.Query{}); n != 2 || err != nil {
			t.Fatalf("after clearing a: %d entries, %v", n, err)
		}
	})

	t.Run("journal queries", func(t *testing.T) {
		s := db.Journal
		ok, forbidden, zero := 200, 401, 0
		code1, reset := "1", journal.OutcomeReset
		es := []journal.Entry{
			{TenantID: "q", At: at, RequestID: "r0", Route: "POST /a", Status: 200, Code: "0", MatchKeys: []string{"k1", "k2"}},
			{TenantID: "q", At: at.Add(time.Second), RequestID: "r1", Route: "POST /a", Status: 401, Code: "1", MatchKeys: []string{"k1"}},
			{TenantID: "q", At: at.Add(2 * time.Second), RequestID: "r2", Route: "POST /b", Status: 0, Outcome: reset, MatchKeys: []string{"k2", "k3"}},
			{TenantID: "", At: at.Add(3 * time.Second), RequestID: "r3", Route: "unmatched", Status: 401, Code: "1"},
			{TenantID: "qq", At: at.Add(4 * time.Second), RequestID: "r4", Route: "POST /a", Status: 200, Code: "0", MatchKeys: []string{"k1", "k2"}},
		}
		if err := s.AddEntries(ctx, es); err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]struct {
			q    journal.Query
			want string
		}{
			"tenant":            {journal.Query{TenantID: "q"}, "[r2 r1 r0]"},
			"route":             {journal.Query{TenantID: "q", Route: "POST /a"}, "[r1 r0]"},
			"status":            {journal.Query{Status: &forbidden}, "[r3 r1]"},
			"no answer":         {journal.Query{Status: &zero}, "[r2]"},
			"status of tenant":  {journal.Query{TenantID: "q", Status: &ok}, "[r0]"},
			"code":              {journal.Query{Code: &code1}, "[r3 r1]"},
			"outcome":           {journal.Query{Outcome: &reset}, "[r2]"},
			"from":              {journal.Query{TenantID: "q", From: at.Add(time.Second)}, "[r2 r1]"},
			"to, exclusive":     {journal.Query{TenantID: "q", To: at.Add(time.Second)}, "[r0]"},
			"a key":             {journal.Query{TenantID: "q", Keys: []string{"k2"}}, "[r2 r0]"},
			"every key":         {journal.Query{Keys: []string{"k1", "k2"}}, "[r4 r0]"},
			"no such key":       {journal.Query{Keys: []string{"k"}}, "[]"},
			"a key's substring": {journal.Query{Keys: []string{"1"}}, "[]"},
		} {
			tc.q.Limit = 10
			got, err := s.Entries(ctx, tc.q)
			if err != nil || fmt.Sprint(requestIDs(got)) != tc.want {
				t.Errorf("%s: %v, %v; want %s", name, requestIDs(got), err, tc.want)
			}
			if n, err := s.CountEntries(ctx, tc.q); err != nil || fmt.Sprint(n) != fmt.Sprint(len(got)) {
				t.Errorf("%s: counted %d, %v; listed %d", name, n, err, len(got))
			}
		}
		// Paging: the next page is the entries before the last one seen.
		page, err := s.Entries(ctx, journal.Query{TenantID: "q", Limit: 2})
		if err != nil || len(page) != 2 {
			t.Fatalf("first page: %v, %v", page, err)
		}
		next, err := s.Entries(ctx, journal.Query{TenantID: "q", Limit: 2, Before: page[1].ID})
		if err != nil || fmt.Sprint(requestIDs(next)) != "[r0]" {
			t.Fatalf("next page: %v, %v", requestIDs(next), err)
		}
	})
}

func withoutID(e journal.Entry) journal.Entry {
	e.ID = 0
	return e
}

func requestIDs(es []journal.Entry) []string {
	ids := []string{}
	for _, e := range es {
		ids = append(ids, e.RequestID)
	}
	return ids
}
