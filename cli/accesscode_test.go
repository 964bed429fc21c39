package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
)

func TestAdminAccessCodesAndRoutes(t *testing.T) {
	t.Parallel()
	run := runner(t, migratedSQLite(t))
	if _, _, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run("admin", "accesscode", "add", "9911411", "--tenant", "acme", "--id", "1124167935465633793")
	if err != nil || !regexp.MustCompile(`(?m)^1124167935465633793\s+9911411\s+5 audio-video\s+-\s+-\s+3 both`).MatchString(out) {
		t.Fatalf("add: %v\n%s", err, out)
	}
	if _, _, err := run("admin", "accesscode", "add", "4001", "--tenant", "acme", "--media-type", "multimedia",
		"--call-attr", "inbound", "--description", "Sales 热线", "--n400-number", "400-800-1234"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run("admin", "accesscode", "add", "4002", "--tenant", "acme", "--media-type", "7"); err == nil ||
		!strings.Contains(err.Error(), "mediatypeId: 7 is not one of 2, 5, 18, 19, 53") {
		t.Fatalf("bad media type: %v", err)
	}
	if _, _, err := run("admin", "accesscode", "add", "4002", "--tenant", "nobody"); err == nil || !strings.Contains(err.Error(), `tenant "nobody" does not exist`) {
		t.Fatalf("unknown tenant: %v", err)
	}
	out, _, err = run("admin", "accesscode", "list", "--tenant", "acme", "--description", "热线", "-o", "json")
	var page struct{ Items []accesscode.AccessCode }
	if err != nil || json.Unmarshal([]byte(out), &page) != nil || len(page.Items) != 1 || page.Items[0].Code != "4001" ||
		*page.Items[0].N400Number != "400-800-1234" || !strings.Contains(out, `"id": "`) {
		t.Fatalf("list -o json: %v\n%s", err, out)
	}
	id := page.Items[0].ID
	idArg := strings.TrimSpace(regexp.MustCompile(`"id": "(\d+)"`).FindStringSubmatch(out)[1])

	out, _, err = run("admin", "calledroute", "add", "--tenant", "acme", "--access-code", "4001", "--ext-code", "2",
		"--device-type", "ivr", "--device-id", "7", "--device-desc", "Night IVR")
	if err != nil || !regexp.MustCompile(`(?m)^\d+\s+1\s+4001\s+2\s+53 multimedia\s+ivr 7\s+Night IVR\s+0`).MatchString(out) {
		t.Fatalf("route add: %v\n%s", err, out)
	}
	routeID := strings.Fields(strings.Split(out, "\n")[1])[0]
	if _, _, err := run("admin", "calledroute", "add", "--tenant", "acme", "--access-code", "4001", "--device-type", "queue", "--device-id", "1"); err == nil ||
		!strings.Contains(err.Error(), "devicetype") {
		t.Fatalf("bad device type: %v", err)
	}
	if _, _, err := run("admin", "calledroute", "update", routeID, "--tenant", "acme", "--editable", "3", "--device-desc", ""); err != nil {
		t.Fatal(err)
	}
	out, _, err = run("admin", "calledroute", "list", "--tenant", "acme", "--device-type", "3")
	if err != nil || !regexp.MustCompile(`ivr 7\s+-\s+3`).MatchString(out) {
		t.Fatalf("route list: %v\n%s", err, out)
	}
	if _, _, err := run("admin", "accesscode", "delete", idArg, "--tenant", "acme"); err == nil || !strings.Contains(err.Error(), "used by called routes") {
		t.Fatalf("delete a routed code: %v", err)
	}
	if _, _, err := run("admin", "calledroute", "delete", routeID, "--tenant", "acme"); err != nil {
		t.Fatal(err)
	}
	out, _, err = run("admin", "accesscode", "update", idArg, "--tenant", "acme", "--description", "", "--call-attr", "both")
	if err != nil || !regexp.MustCompile(`4001\s+53 multimedia\s+400-800-1234\s+-\s+3 both`).MatchString(out) {
		t.Fatalf("update: %v\n%s", err, out)
	}
	if _, _, err := run("admin", "accesscode", "update", idArg, "--tenant", "acme"); err == nil || !strings.Contains(err.Error(), "nothing to change") {
		t.Fatalf("empty update: %v", err)
	}
	if _, _, err := run("admin", "accesscode", "delete", idArg, "--tenant", "acme"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run("admin", "accesscode", "delete", idArg, "--tenant", "acme"); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("second delete of %d: %v", id, err)
	}
	if _, _, err := run("admin", "accesscode", "delete", "x1", "--tenant", "acme"); err == nil || !strings.Contains(err.Error(), `ID "x1" is not a positive 64-bit number`) {
		t.Fatalf("bad ID: %v", err)
	}
}

func TestImportAccessCodes(t *testing.T) {
	t.Parallel()
	dsn := migratedSQLite(t)
	run := runner(t, dsn)
	if _, _, err := run("admin", "tenant", "create", "acme"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "codes.csv")
	os.WriteFile(csvPath, []byte("accessCode,mediatypeId,numCallAttr,n400Number,description,id\n"+
		"100,5,3,,Hello,\n"+
		"101,7,3,,bad media,\n"+
		"102,multimedia,inbound,4001, spaced 热线 ,\n"+
		"100,5,3,,duplicate,\n"+
		"10x,,,,not digits,\n"+
		"103,,,,,1124167935465633793\n"), 0o600)
	out, errOut, err := run("import", "accesscodes", "--tenant", "acme", csvPath)
	if err == nil || !strings.Contains(err.Error(), "3 rows rejected") || !strings.Contains(out, "imported 3 access codes, rejected 3") {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	for _, want := range []string{
		"line 3: mediatypeId: 7 is not one of 2, 5, 18, 19, 53",
		`line 5: access code 100 or ID`,
		`line 6: accessCode: "10x" must consist of the digits 0-9 only`,
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q:\n%s", want, errOut)
		}
	}
	out, _, _ = run("admin", "accesscode", "list", "--tenant", "acme", "-o", "json")
	var page struct{ Items []accesscode.AccessCode }
	json.Unmarshal([]byte(out), &page)
	got := page.Items
	if len(got) != 3 || got[1].Code != "102" || *got[1].Description != " spaced 热线 " || got[1].CallAttr != 1 ||
		got[2].ID != 1124167935465633793 || got[2].MediaType != 5 || got[2].CallAttr != 3 || got[2].Description != nil {
		t.Fatalf("imported: %s", out)
	}

	// NDJSON in the form queryAccessCodeList answers imports as it is.
	ndjson := filepath.Join(dir, "codes.ndjson")
	os.WriteFile(ndjson, []byte(`{"id":"1124167935465633794","accessCode":"9911411","mediatypeId":5,"n400Number":null,"description":null,"numCallAttr":3}`+"\n"+
		`{"accessCode":"200","mediatypeId":"5"}`+"\n"+
		`{"accessCode":"201","numCallAttr":4}`+"\n"), 0o600)
	out, errOut, err = run("import", "accesscodes", "--tenant", "acme", ndjson)
	if err == nil || !strings.Contains(out, "imported 1 access codes, rejected 2") ||
		!strings.Contains(errOut, "line 2: mediatypeId: must be an integer, not a string") ||
		!strings.Contains(errOut, "line 3: numCallAttr: 4 is not 1 (inbound), 2 (outbound) or 3 (both)") {
		t.Fatalf("ndjson: %v\n%s%s", err, out, errOut)
	}
	if _, _, err := run("import", "accesscodes", "--tenant", "nobody", csvPath); err == nil || !strings.Contains(err.Error(), `tenant "nobody" does not exist`) {
		t.Fatalf("unknown tenant: %v", err)
	}
}

// FuzzAccessCodeCSVRow reads arbitrary CSV through the import's row parser:
// every row is either a valid access code or an Invalid error with a
// message, and no input panics.
func FuzzAccessCodeCSVRow(f *testing.F) {
	for _, seed := range []string{
		"100,5,3,,Hello,",
		"102,multimedia,inbound,4001, spaced 热线 ,",
		"101,7,3,,bad,",
		`"9911411","5","3","","access code","1124167935465633793"`,
		"1,,,,,x",
		",,,,,",
		"1,5,3,+86-400,\x01,",
		"1,53,both,400-800,描述,-1",
	} {
		f.Add(seed)
	}
	svc := accesscode.NewService(accesscode.Options{Clock: aiccd.SystemClock, IDs: &seqIDs{}})
	f.Fuzz(func(t *testing.T, line string) {
		r := csv.NewReader(strings.NewReader("accessCode,mediatypeId,numCallAttr,n400Number,description,id\n" + line))
		r.FieldsPerRecord = -1
		header, _ := r.Read()
		parse, err := accesscode.CSV(header)
		if err != nil {
			t.Fatal(err)
		}
		for {
			rec, err := r.Read()
			if err != nil {
				return
			}
			d, err := parse(rec)
			if err == nil {
				_, err = svc.Prepare("t", d)
			}
			if err != nil && (aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.MessageOf(err, "") == "") {
				t.Fatalf("%q: %v is not an Invalid error with a message", line, err)
			}
		}
	})
}

// FuzzAccessCodeNDJSONRow does the same for NDJSON lines.
func FuzzAccessCodeNDJSONRow(f *testing.F) {
	for _, seed := range []string{
		`{"id":"1124167935465633793","accessCode":"9911411","mediatypeId":5,"n400Number":null,"description":null,"numCallAttr":3}`,
		`{"accessCode":"1","mediatypeId":5.5}`, `{"accessCode":1}`, `{"id":12,"accessCode":"1"}`, `[]`, `{"numCallAttr":"x"}`,
	} {
		f.Add([]byte(seed))
	}
	svc := accesscode.NewService(accesscode.Options{Clock: aiccd.SystemClock, IDs: &seqIDs{}})
	f.Fuzz(func(t *testing.T, line []byte) {
		d, err := accesscode.FromJSON(line)
		if err == nil {
			_, err = svc.Prepare("t", d)
		}
		if err != nil && (aiccd.KindOf(err) != aiccd.KindInvalid || aiccd.MessageOf(err, "") == "") {
			t.Fatalf("%q: %v is not an Invalid error with a message", line, err)
		}
	})
}

type seqIDs struct{ n int64 }

func (s *seqIDs) NextID() int64 { s.n++; return s.n }
