package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/snowflake"
	"github.com/aiccd/aiccd/tenant"
)

func TestAdminSmartCare(t *testing.T) {
	t.Parallel()
	dsn := migratedSQLite(t)
	must := func(args ...string) string {
		t.Helper()
		out, errOut, err := runCLI(t, dsn, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut)
		}
		return out
	}
	must("admin", "tenant", "create", "acme")
	out := must("admin", "smartcare", "scene", "create", "1", "--tenant", "acme", "--codes", "sms,DATA", "--name", "SMS and data")
	if !strings.Contains(out, "DATA,SMS") {
		t.Fatalf("scene create:\n%s", out)
	}
	must("admin", "smartcare", "scene", "update", "1", "--tenant", "acme", "--codes", "SMS,DATA,VOICE")
	out = must("admin", "smartcare", "scene", "list", "--tenant", "acme", "-o", "json")
	if !strings.Contains(out, `"ccm_scene_codes": [`) || !strings.Contains(out, `"VOICE"`) || !strings.Contains(out, `"name": "SMS and data"`) {
		t.Fatalf("scene list:\n%s", out)
	}

	// A malformed rule is refused with the offending condition.
	_, _, err := runCLI(t, dsn, "admin", "smartcare", "rule", "create", "--tenant", "acme", "--scene-code", "DATA",
		"--rule", "LAC_TAC=5200504B2007&SAI_CGI_ECGI", "--from", "2026-11-23T00:00:00Z")
	if err == nil || !strings.Contains(err.Error(), `condition 2 "SAI_CGI_ECGI": has no '='`) {
		t.Fatalf("malformed rule: %v", err)
	}
	out = must("admin", "smartcare", "rule", "create", "--tenant", "acme", "--scene-code", "data",
		"--rule", "sai_cgi_ecgi=5200504B2007&LAC_TAC=5200504B2007", "--from", "2024-07-18T00:00:00Z", "-o", "json")
	var created struct {
		ID             string     `json:"id"`
		ReflectionRule string     `json:"reflection_rule"`
		ActiveUntil    *time.Time `json:"active_until"`
	}
	if err := json.Unmarshal([]byte(out), &created); err != nil ||
		created.ReflectionRule != "LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007" || created.ActiveUntil != nil {
		t.Fatalf("rule create: %v\n%s", err, out)
	}
	id := created.ID
	out = must("admin", "smartcare", "rule", "update", id, "--tenant", "acme", "--until", "2024-07-18T06:00:00Z")
	if !strings.Contains(out, "2024-07-18T06:00:00Z") {
		t.Fatalf("rule update:\n%s", out)
	}
	out = must("admin", "smartcare", "rule", "update", id, "--tenant", "acme", "--until", "ongoing")
	if !strings.Contains(out, "(ongoing)") {
		t.Fatalf("rule update to ongoing:\n%s", out)
	}
	if out := must("admin", "smartcare", "rule", "check", "rat = 4G&lac_tac=X"); out != "REFLECTION RULE\nLAC_TAC=X&RAT=4G\n" {
		t.Fatalf("rule check: %q", out)
	}
	out = must("admin", "smartcare", "settings", "--tenant", "acme", "--time-zone", "Asia/Bangkok", "--retention-days", "0", "-o", "json")
	if !strings.Contains(out, `"time_zone": "Asia/Bangkok"`) || !strings.Contains(out, `"retention_days": 0`) || !strings.Contains(out, `"default_backtrace_seconds": 3600`) {
		t.Fatalf("settings:\n%s", out)
	}
	if _, _, err := runCLI(t, dsn, "admin", "smartcare", "settings", "--tenant", "acme", "--default-backtrace", "30"); err == nil {
		t.Fatal("a default backtrace of 30 s was accepted")
	}

	// Records, then the query the API would answer.
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "records.csv")
	os.WriteFile(csvPath, []byte("msisdn,eventTime,ccmSceneCode,LAC_TAC,SAI_CGI_ECGI,RAT\n"+
		"6680512100869,2024-07-18T05:10:00Z,DATA,5200504B2007,5200504B2007,4G\n"+
		"bad,2024-07-18T05:10:00Z,DATA,5200504B2007,5200504B2007,4G\n"+
		"6680512100869,2024-07-18T05:20:00Z,VOICE,5200504B2007,,\n"), 0o600)
	out, errOut, err := runCLI(t, dsn, "import", "records", "--tenant", "acme", csvPath)
	if err == nil || !strings.Contains(out, "imported 2 records, rejected 1") || !strings.Contains(errOut, `line 3: msisdn has 3 characters`) {
		t.Fatalf("import records: %v\n%s%s", err, out, errOut)
	}
	out = must("admin", "smartcare", "query", "--tenant", "acme", "--msisdn", "6680512100869", "--fault-time", "1721280600000", "--scene", "1")
	want := `{
  "returnCode": 0,
  "description": "Query succeeded. Data is found in the query result.",
  "data": [
    {
      "rules": [
        {
          "reflectionRule": "LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007",
          "ccmSceneCode": "DATA"
        }
      ],
      "msisdn": "6680512100869",
      "ttid": "2024-07-18 12:10:00"
    }
  ]
}
`
	if out != want {
		t.Fatalf("query:\n%s\nwant\n%s", out, want)
	}
	out = must("admin", "smartcare", "query", "--tenant", "acme", "--msisdn", "6680512100869", "--fault-time", "1721280600000", "--scene", "7")
	if !strings.Contains(out, `"returnCode": 4`) {
		t.Fatalf("unknown scene:\n%s", out)
	}
	out = must("admin", "smartcare", "records", "--tenant", "acme", "--msisdn", "6680512100869", "--from", "2024-07-18T00:00:00Z", "--to", "2024-07-18T23:59:59Z")
	if !strings.Contains(out, "LAC_TAC=5200504B2007 RAT=4G SAI_CGI_ECGI=5200504B2007") || !strings.Contains(out, "VOICE") {
		t.Fatalf("records:\n%s", out)
	}
	must("admin", "smartcare", "rule", "delete", id, "--tenant", "acme")
	must("admin", "smartcare", "scene", "delete", "1", "--tenant", "acme")
	if _, _, err := runCLI(t, dsn, "admin", "smartcare", "scene", "delete", "1", "--tenant", "acme"); err == nil || !strings.Contains(err.Error(), `scene "1" does not exist`) {
		t.Fatalf("deleting a missing scene: %v", err)
	}
}

func TestDemoDataImportsOnBothEngines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	feed, rules := filepath.Join(dir, "feed.ndjson.gz"), filepath.Join(dir, "rules.ndjson")
	csvFeed := filepath.Join(dir, "feed.csv")
	gen := func(args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := Run(context.Background(), append([]string{"demo", "smartcare-data", "--seed", "3"}, args...), nil, &out, &errOut); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errOut.String())
		}
	}
	gen("--records", "3000", "--out", feed, "--rules", rules, "--history-rules", "50")
	gen("--records", "2000", "--out", csvFeed)
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		for _, args := range [][]string{
			{"admin", "tenant", "create", "load"},
			{"admin", "smartcare", "scene", "create", "3", "--tenant", "load", "--codes", "SMS,DATA,VOICE"},
			{"import", "rules", "--tenant", "load", rules},
			{"import", "records", "--tenant", "load", feed},
			{"import", "records", "--tenant", "load", csvFeed},
		} {
			out, errOut, err := runCLI(t, dsn, args...)
			if err != nil {
				t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
			}
		}
		out, _, _ := runCLI(t, dsn, "admin", "smartcare", "rule", "list", "--tenant", "load", "--limit", "1000", "-o", "json")
		var rs struct{ Items []map[string]any }
		if err := json.Unmarshal([]byte(out), &rs); err != nil || len(rs.Items) != 56 {
			t.Fatalf("%d rules imported (%v), want 6 faults and 50 past ones", len(rs.Items), err)
		}
	})
}

// TestServeRunsSmartCareJobs checks that serve deletes expired records and
// processes delimitation tasks another process queued.
func TestServeRunsSmartCareJobs(t *testing.T) {
	t.Parallel()
	dsn := migratedSQLite(t)
	old := time.Now().UTC().Add(-72 * time.Hour).Truncate(time.Hour)
	path := filepath.Join(t.TempDir(), "old.ndjson")
	os.WriteFile(path, []byte(`{"msisdn":"5550001","eventTime":"`+old.Format(time.RFC3339)+`","ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"L1"}}`+"\n"), 0o600)
	for _, args := range [][]string{
		{"admin", "tenant", "create", "ret"},
		{"admin", "smartcare", "settings", "--tenant", "ret", "--retention-days", "0"},
		{"import", "records", "--tenant", "ret", path},
		{"admin", "smartcare", "settings", "--tenant", "ret", "--retention-days", "1"},
		{"admin", "smartcare", "scene", "create", "1", "--tenant", "ret", "--codes", "DATA"},
	} {
		if out, errOut, err := runCLI(t, dsn, args...); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out, errOut)
		}
	}
	db := dbtest.Open(t, dsn)
	stored := func() int {
		recs, err := db.SmartCare.Records(context.Background(), "ret", "5550001", old, old, 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	if stored() != 1 {
		t.Fatal("the record was not imported")
	}
	ids, _ := snowflake.New(1, aiccd.SystemClock)
	other := smartcare.NewService(smartcare.Options{Store: db.SmartCare, Tenants: tenant.NewService(tenant.Options{Store: db.Tenants, Clock: aiccd.SystemClock}), Clock: aiccd.SystemClock, IDs: ids})
	task, err := other.SubmitQuickDelimit(context.Background(), "ret", smartcare.FaultyUserRequest{
		MSISDN: "5550001", FaultTime: strconv.FormatInt(time.Now().UnixMilli(), 10), ComplaintScene: "1", QueryFlag: "1",
	})
	if err != nil {
		t.Fatal(err)
	}

	_, _, stop := startServer(t, "--database", dsn, "--smartcare-retention-interval", "20ms")
	deadline := time.Now().Add(10 * time.Second)
	for stored() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("serve's retention job did not delete the expired record")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		v, err := other.QueryQuickResult(context.Background(), "ret", smartcare.FormatID(task.Task.ID))
		if err != nil {
			t.Fatal(err)
		}
		if v.Task.Status == smartcare.TaskFinished && !v.Found() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve's worker did not process the task: status %s, %d matches", v.Task.Status, len(v.Task.Matches))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
}
