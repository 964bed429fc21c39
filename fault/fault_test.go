package fault

import (
	"strings"
	"testing"
)

var endpoints = []string{"POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser", "POST /v1.0/{partner_id}/partner/customer-mgr/check-user"}

func TestValidate(t *testing.T) {
	for _, ok := range []Fault{
		{TenantID: "t", LatencyMS: 10, Remaining: 1},
		{TenantID: "t", LatencyMS: 10, Remaining: 1, Endpoint: "queryfaultyuser"},
		{TenantID: "t", LatencyMS: 10, Remaining: 1, Endpoint: "check-user"},
		{TenantID: "t", LatencyMS: 10, Remaining: 1, Endpoint: endpoints[1]},
	} {
		if f, err := Validate(ok, endpoints); err != nil || f.Percent != 100 {
			t.Fatalf("Validate(%+v) = %+v, %v", ok, f, err)
		}
	}
	for name, f := range map[string]Fault{
		"no scope":         {LatencyMS: 10, Remaining: 1},
		"no effect":        {TenantID: "t", Remaining: 1},
		"negative latency": {TenantID: "t", LatencyMS: -1, Remaining: 1},
		"latency over 60s": {TenantID: "t", LatencyMS: 60_001, Remaining: 1},
		"status 99":        {TenantID: "t", Status: 99, Remaining: 1},
		"reset and status": {TenantID: "t", Reset: true, Status: 500, Remaining: 1},
		"zero remaining":   {TenantID: "t", LatencyMS: 1},
		"remaining -2":     {TenantID: "t", LatencyMS: 1, Remaining: -2},
		"percent 101":      {TenantID: "t", LatencyMS: 1, Remaining: 1, Percent: 101},
		"unknown endpoint": {TenantID: "t", LatencyMS: 1, Remaining: 1, Endpoint: "nosuchendpoint"},
		"endpoint's case":  {TenantID: "t", LatencyMS: 1, Remaining: 1, Endpoint: "QueryFaultyUser"},
	} {
		if _, err := Validate(f, endpoints); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err := Validate(Fault{TenantID: "t", LatencyMS: 1, Remaining: 1, Endpoint: "nosuchendpoint"}, endpoints)
	if err == nil || !strings.Contains(err.Error(), `endpoint "nosuchendpoint"`) || !strings.Contains(err.Error(), "queryfaultyuser, check-user") {
		t.Fatalf("the refusal does not list the endpoints: %v", err)
	}
}

func TestMatches(t *testing.T) {
	const route = "POST /apiaccess/CC-Management/v1/smartcare/queryfaultyuser"
	for _, tc := range []struct {
		f                     Fault
		tenant, appKey, route string
		want                  bool
	}{
		{Fault{TenantID: "a"}, "a", "k", route, true},
		{Fault{TenantID: "a"}, "b", "k", route, false},
		{Fault{AppKey: "k"}, "b", "k", route, true},
		{Fault{TenantID: "a", AppKey: "k"}, "a", "other", route, false},
		{Fault{TenantID: "a", Endpoint: "queryfaultyuser"}, "a", "", route, true},
		{Fault{TenantID: "a", Endpoint: route}, "a", "", route, true},
		{Fault{TenantID: "a", Endpoint: "queryAccessCodeList"}, "a", "", route, false},
	} {
		if got := tc.f.matches(tc.tenant, tc.appKey, tc.route); got != tc.want {
			t.Errorf("%+v matches(%s, %s) = %v", tc.f, tc.tenant, tc.appKey, got)
		}
	}
}
