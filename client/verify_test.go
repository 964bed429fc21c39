package client_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/client"
)

// TestExactlyOneQueryFaultyUserCall is the test docs/quickstart-integrators.md
// shows: an integrator's test that asserts what its code called on the
// platform, through the request journal.
func TestExactlyOneQueryFaultyUserCall(t *testing.T) {
	ctx := context.Background()
	admin := must(client.New(demoURL, client.WithAdminToken(adminToken))).Admin()
	if _, err := admin.ClearRequests(ctx, "demo"); err != nil {
		t.Fatal(err)
	}

	// The code under test looks a subscriber up once.
	c := must(client.New(demoURL, client.WithAppKey(demoAppKey, demoAppSecret)))
	if _, err := c.QueryFaultyUser(ctx, client.FaultyUserQuery{
		MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1",
	}); err != nil {
		t.Fatal(err)
	}

	// Exactly one queryfaultyuser call with that msisdn was made.
	err := admin.ExpectRequests(ctx, 1, client.RequestFilter{
		TenantID: "demo",
		Endpoint: "queryfaultyuser",
		Body:     map[string]string{"msisdn": "6680512100869"},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRequestJournalThroughTheClient filters, counts, pages and clears the
// journal with the client, and reads ExpectRequests's report of a
// mismatch.
func TestRequestJournalThroughTheClient(t *testing.T) {
	ctx := context.Background()
	admin := must(client.New(demoURL, client.WithAdminToken(adminToken))).Admin()
	if _, err := admin.ClearRequests(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	c := must(client.New(demoURL, client.WithAppKey(demoAppKey, demoAppSecret)))
	for _, msisdn := range []string{"6680512100871", "6680512100872", "6680512100871"} {
		if _, err := c.QueryFaultyUser(ctx, client.FaultyUserQuery{MSISDN: msisdn, FaultTime: "1721283133000", ComplaintScene: "1"}); err != nil {
			t.Fatal(err)
		}
	}
	// The token exchange and the three queries.
	if n, err := admin.CountRequests(ctx, client.RequestFilter{TenantID: "demo"}); n != 4 || err != nil {
		t.Fatalf("count: %d, %v", n, err)
	}
	f := client.RequestFilter{TenantID: "demo", Endpoint: "queryfaultyuser", Status: client.Ptr(200),
		Header: map[string]string{"x-app-key": demoAppKey}, Body: map[string]string{"msisdn": "6680512100871"}}
	es, err := admin.Requests(ctx, f)
	if err != nil || len(es) != 2 || es[0].ID <= es[1].ID || strings.Contains(es[0].RequestBody, "6680512100871") {
		t.Fatalf("requests: %+v, %v", es, err)
	}
	f.Limit = 1
	if first, _ := admin.Requests(ctx, f); len(first) != 1 || first[0].ID != es[0].ID {
		t.Fatalf("first page: %+v", first)
	}
	f.Before = es[0].ID
	if next, _ := admin.Requests(ctx, f); len(next) != 1 || next[0].ID != es[1].ID {
		t.Fatalf("next page: %+v", next)
	}
	err = admin.ExpectRequests(ctx, 1, client.RequestFilter{TenantID: "demo", Body: map[string]string{"msisdn": "6680512100871"}})
	if err == nil || !strings.Contains(err.Error(), "2 requests match") || strings.Count(err.Error(), "queryfaultyuser") != 2 {
		t.Fatalf("a mismatch: %v", err)
	}
	_, err = admin.Requests(ctx, client.RequestFilter{Endpoint: "nosuchendpoint"})
	if client.StatusOf(err) != 400 || !strings.Contains(err.Error(), "names no endpoint") {
		t.Fatalf("an unknown endpoint: %v", err)
	}
	if n, err := admin.ClearRequests(ctx, "demo"); n != 4 || err != nil {
		t.Fatalf("clear: %d, %v", n, err)
	}
}
