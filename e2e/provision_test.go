package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// world is what the contract suite provisions through the admin CLI, on
// one database, before it starts aiccd.
type world struct {
	dir, dsn string
	now      time.Time

	acme, globex tenantKeys
	trialMall    string // mall token of the trial tenant acme-trial
	lockKey      string // an app key of acme the suite locks out
	lockSecret   string

	partnerAK, partnerSK string // of the partner account acme-partner
	plainAK, plainSK     string // of acme-plain, a cloud account that is not a partner

	codes map[string]string // "tenant/access code" → ID
}

type tenantKeys struct {
	appKey, appSecret, mall string
}

const (
	partnerID       = "acme-partner"
	plainID         = "acme-plain"
	partnerUser     = "ops"
	partnerPassword = "Acme-partner-pw1"
	affectedMSISDN  = "6680000000001" // a DATA record in the faulty cell
	healthyMSISDN   = "6680000000002" // a DATA record in a healthy cell
	busyMSISDN      = "6680000000003" // busyRecords records, one every 25 ms
	busyRecords     = 100_001
	faultyCell      = "LAC_TAC=L100&SAI_CGI_ECGI=C100"
)

// admin runs `aiccd admin …` on the suite's database and returns its
// standard output.
func (w *world) admin(t *testing.T, args ...string) string {
	t.Helper()
	return cli(t, w.dir, append(append([]string{"admin"}, args...), "--database", w.dsn)...)
}

// adminJSON runs an admin command with -o json and decodes its output.
func (w *world) adminJSON(t *testing.T, out any, args ...string) {
	t.Helper()
	s := w.admin(t, append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(s), out); err != nil {
		t.Fatalf("aiccd admin %s: %v\n%s", strings.Join(args, " "), err, s)
	}
}

func millis(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

// provision creates the suite's tenants, credentials, access codes,
// routes, SmartCare data and partner directory through the CLI.
func provision(t *testing.T, dir, dsn string) *world {
	t.Helper()
	w := &world{dir: dir, dsn: dsn, now: time.Now().UTC().Truncate(time.Second), codes: map[string]string{}}
	now := w.now

	cli(t, dir, "migrate", "--database", dsn) // admin commands never create a database

	w.admin(t, "tenant", "create", "acme", "--name", "Acme Ltd", "--company", "Acme Trading Co", "--contact", "lilei",
		"--email", "lilei@acme.example", "--mobile", "13800138000", "--vdn", "201", "--portal-url", "https://acme.example/portal")
	w.admin(t, "tenant", "create", "globex", "--name", "Globex", "--company", "Globex Corporation", "--contact", "hank",
		"--email", "hank@globex.example", "--mobile", "13800138111", "--vdn", "202")
	w.admin(t, "tenant", "create", "acme-trial", "--kind", "trial", "--trial-expires", millis(now.Add(30*24*time.Hour)),
		"--company", "Acme Trial Co", "--contact", "hanmeimei", "--email", "han@acme.example", "--mobile", "13900139000")
	w.admin(t, "resource", "add", "--tenant", "acme", "--id", "acme-agents", "--type", "agent", "--spec", "voice-agent-standard",
		"--quantity", "10", "--start", millis(now.Add(-24*time.Hour)), "--end", millis(now.Add(365*24*time.Hour)))

	key := func(tenant, name string) (string, string) {
		var k struct {
			AppKey    string `json:"app_key"`
			AppSecret string `json:"app_secret"`
		}
		w.adminJSON(t, &k, "appkey", "create", "--tenant", tenant, "--name", name)
		return k.AppKey, k.AppSecret
	}
	mall := func(tenant string) string {
		var m struct {
			Token string `json:"token"`
		}
		w.adminJSON(t, &m, "malltoken", "issue", "--tenant", tenant)
		return m.Token
	}
	w.acme.appKey, w.acme.appSecret = key("acme", "crm")
	w.globex.appKey, w.globex.appSecret = key("globex", "crm")
	w.lockKey, w.lockSecret = key("acme", "lock-me")
	w.acme.mall, w.globex.mall, w.trialMall = mall("acme"), mall("globex"), mall("acme-trial")

	w.admin(t, "account", "create", partnerID, "--partner")
	w.admin(t, "account", "create", plainID)
	w.admin(t, "iamuser", "create", partnerUser, "--account", partnerID, "--password", partnerPassword)
	aksk := func(account string) (string, string) {
		var k struct {
			AK string `json:"ak"`
			SK string `json:"sk"`
		}
		w.adminJSON(t, &k, "aksk", "create", "--account", account)
		return k.AK, k.SK
	}
	w.partnerAK, w.partnerSK = aksk(partnerID)
	w.plainAK, w.plainSK = aksk(plainID)
	w.admin(t, "customer", "create", "--partner", partnerID, "--name", "taken-name-01", "--email", "taken@acme.example",
		"--mobile", "0086-13600000000", "--password", "Taken-pass-1")

	code := func(tenant, code string, args ...string) {
		var out struct {
			ID string `json:"id"`
		}
		w.adminJSON(t, &out, append([]string{"accesscode", "add", code, "--tenant", tenant}, args...)...)
		w.codes[tenant+"/"+code] = out.ID
	}
	code("acme", "4008001000", "--media-type", "5", "--description", "Main hotline", "--n400-number", "400-800-1000", "--call-attr", "3")
	code("acme", "4008001001", "--media-type", "2", "--description", "Web click-to-dial", "--call-attr", "1")
	code("acme", "4008001002", "--media-type", "53")
	code("globex", "4008001000", "--media-type", "5", "--description", "Globex hotline")
	w.admin(t, "calledroute", "add", "--tenant", "acme", "--access-code", "4008001000", "--device-type", "skill-queue",
		"--device-id", "7", "--device-desc", "Sales queue")
	w.admin(t, "calledroute", "add", "--tenant", "acme", "--access-code", "4008001000", "--ext-code", "1", "--device-type", "ivr",
		"--device-id", "3", "--device-desc", "Self-service IVR")
	w.admin(t, "calledroute", "add", "--tenant", "globex", "--access-code", "4008001000", "--device-type", "skill-queue", "--device-id", "1")

	// SmartCare: an ongoing DATA fault in cell L100/C100, an SMS fault
	// that ended an hour ago, and the records of two subscribers.
	w.admin(t, "smartcare", "settings", "--tenant", "acme", "--time-zone", "UTC", "--retention-days", "30")
	w.admin(t, "smartcare", "scene", "create", "1", "--tenant", "acme", "--name", "SMS and data", "--codes", "SMS,DATA")
	w.admin(t, "smartcare", "scene", "create", "1", "--tenant", "globex", "--name", "Voice", "--codes", "VOICE")
	w.admin(t, "smartcare", "rule", "create", "--tenant", "acme", "--scene-code", "DATA", "--rule", faultyCell,
		"--from", millis(now.Add(-2*time.Hour)), "--description", "cell L100 out of data service")
	w.admin(t, "smartcare", "rule", "create", "--tenant", "acme", "--scene-code", "SMS", "--rule", "FAILURE_CAUSE=F1",
		"--from", millis(now.Add(-3*time.Hour)), "--until", millis(now.Add(-time.Hour)))
	records := strings.Join([]string{
		fmt.Sprintf(`{"msisdn":%q,"eventTime":%d,"ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"L100","SAI_CGI_ECGI":"C100","RAT":"4G"}}`, affectedMSISDN, now.Add(-20*time.Minute).UnixMilli()),
		fmt.Sprintf(`{"msisdn":%q,"eventTime":%d,"ccmSceneCode":"SMS","dimensions":{"FAILURE_CAUSE":"F1","LAC_TAC":"L100"}}`, affectedMSISDN, now.Add(-30*time.Minute).UnixMilli()),
		fmt.Sprintf(`{"msisdn":%q,"eventTime":%d,"ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"L200","SAI_CGI_ECGI":"C200"}}`, healthyMSISDN, now.Add(-20*time.Minute).UnixMilli()),
	}, "\n") + "\n"
	// A subscriber busier than a query may load: more than
	// smartcare.MaxQueryRecords records in the last 42 minutes.
	var busy strings.Builder
	for i := range busyRecords {
		fmt.Fprintf(&busy, `{"msisdn":%q,"eventTime":%d,"ccmSceneCode":"DATA","dimensions":{"LAC_TAC":"L300"}}`+"\n",
			busyMSISDN, now.Add(-42*time.Minute).Add(time.Duration(i)*25*time.Millisecond).UnixMilli())
	}
	records += busy.String()
	file := filepath.Join(dir, "records.ndjson")
	if err := os.WriteFile(file, []byte(records), 0o644); err != nil {
		t.Fatal(err)
	}
	cli(t, dir, "import", "records", "--tenant", "acme", file, "--database", dsn)
	return w
}
