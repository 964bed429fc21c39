package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	AddConfigFlag(fs)
	AddFlags(fs, "addr", "database", "demo", "log-format", "log-level", "shutdown-timeout", "max-body-bytes", "cors-origins")
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrecedence(t *testing.T) {
	yamlFile := writeFile(t, "aiccd.yaml", "addr: file:1\ndatabase: file.db\nlog-level: debug\nshutdown-timeout: 7s\nmax-body-bytes: 2048\n")
	tomlFile := writeFile(t, "aiccd.toml", "addr = \"toml:1\"\ndemo = true\n")

	for _, tc := range []struct {
		name    string
		args    []string
		environ []string
		check   func(Config) bool
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c == Default()
		}},
		{"file over defaults", []string{"--config", yamlFile}, nil, func(c Config) bool {
			return c.Addr == "file:1" && c.Database == "file.db" && c.LogLevel == "debug" &&
				c.ShutdownTimeout == 7*time.Second && c.MaxBodyBytes == 2048 && c.LogFormat == "text"
		}},
		{"GOGC turns the heap floor off", nil, []string{"GOGC=200", "AICCD_GC_HEAP_FLOOR_BYTES=1048576"}, func(c Config) bool {
			return c.GCHeapFloorBytes == 0
		}},
		{"an empty GOGC does not", nil, []string{"GOGC="}, func(c Config) bool {
			return c.GCHeapFloorBytes == Default().GCHeapFloorBytes
		}},
		{"file named by env", nil, []string{"AICCD_CONFIG=" + tomlFile}, func(c Config) bool {
			return c.Addr == "toml:1" && c.Demo
		}},
		{"env over file", []string{"--config", yamlFile}, []string{"AICCD_ADDR=env:1", "AICCD_SHUTDOWN_TIMEOUT=3s", "AICCD_DEMO=true"}, func(c Config) bool {
			return c.Addr == "env:1" && c.Database == "file.db" && c.ShutdownTimeout == 3*time.Second && c.Demo
		}},
		{"flags over env", []string{"--config", yamlFile, "--addr", "flag:1", "--max-body-bytes", "99"}, []string{"AICCD_ADDR=env:1", "AICCD_MAX_BODY_BYTES=5"}, func(c Config) bool {
			return c.Addr == "flag:1" && c.MaxBodyBytes == 99 && c.Database == "file.db"
		}},
		{"unset flags do not override", []string{"--config", yamlFile}, []string{"AICCD_LOG_FORMAT=json"}, func(c Config) bool {
			return c.Addr == "file:1" && c.LogFormat == "json"
		}},
		{"partner mobile limit from env", nil, []string{"AICCD_PARTNER_MOBILE_LIMIT=3"}, func(c Config) bool {
			return c.PartnerMobileLimit == 3
		}},
		{"partner mobile limit defaults to 5", nil, nil, func(c Config) bool {
			return c.PartnerMobileLimit == 5
		}},
		{"task quota from env", nil, []string{"AICCD_SMARTCARE_MAX_QUEUED_TASKS=20"}, func(c Config) bool {
			return c.SmartCareMaxQueuedTasks == 20
		}},
		{"a bare zero duration", []string{"--config", yamlFile}, []string{"AICCD_SHUTDOWN_DELAY=0"}, func(c Config) bool {
			return c.ShutdownDelay == 0
		}},
		{"whole numbers, durations and switches as files write them", []string{"--config", writeFile(t, "ok.yaml", "node-id: 7\nshutdown-delay: 0\nidle-timeout: 90s\ndemo: true\nrate-limit: 2\naddr: 127.0.0.1:9\n")}, nil, func(c Config) bool {
			return c.NodeID == 7 && c.IdleTimeout == 90*time.Second && c.Demo && c.RateLimit == 2 && c.Addr == "127.0.0.1:9"
		}},
		{"unrelated env is ignored", nil, []string{"AICCD_NOT_A_SETTING=1", "PATH=/bin", "AICCD_ADDR"}, func(c Config) bool {
			return c == Default()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(flags(t, tc.args...), tc.environ)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Fatalf("got %+v", c)
			}
		})
	}
}

func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"unknown file key", []string{"--config", writeFile(t, "a.yaml", "adr: x\n")}, nil, `unknown setting "adr"`},
		{"bad extension", []string{"--config", writeFile(t, "a.json", "{}")}, nil, "must end in"},
		{"missing file", []string{"--config", "/nonexistent/aiccd.yaml"}, nil, "config file"},
		{"bad log format", nil, []string{"AICCD_LOG_FORMAT=xml"}, "log-format"},
		{"bad level", []string{"--log-level", "loud"}, nil, "log-level"},
		{"bad duration", nil, []string{"AICCD_SHUTDOWN_TIMEOUT=soon"}, "shutdown-timeout"},
		{"non-positive body limit", []string{"--max-body-bytes", "0"}, nil, "max-body-bytes"},
		{"negative heap floor", nil, []string{"AICCD_GC_HEAP_FLOOR_BYTES=-1"}, "gc-heap-floor-bytes: -1 is outside"},
		{"zero partner mobile limit", nil, []string{"AICCD_PARTNER_MOBILE_LIMIT=0"}, "partner-mobile-limit"},
		{"partner mobile limit not a number", nil, []string{"AICCD_PARTNER_MOBILE_LIMIT=five"}, "partner-mobile-limit"},
		{"zero task quota", nil, []string{"AICCD_SMARTCARE_MAX_QUEUED_TASKS=0"}, "smartcare-max-queued-tasks"},
		{"unknown file key lists the keys", []string{"--config", writeFile(t, "a.yaml", "adr: x\n")}, nil, "the settings are addr, admin-token,"},
		{"a number that is not", []string{"--config", writeFile(t, "n.yaml", "max-body-bytes: lots\n")}, nil, `n.yaml: max-body-bytes: "lots" is not a whole number`},
		{"a fraction for a count", []string{"--config", writeFile(t, "f.yaml", "node-id: 1.5\n")}, nil, `f.yaml: node-id: 1.5 is not a whole number`},
		{"not a switch", []string{"--config", writeFile(t, "b.yaml", "demo: maybe\n")}, nil, `b.yaml: demo: "maybe" is not true or false`},
		{"a duration without its unit", []string{"--config", writeFile(t, "d.yaml", "shutdown-timeout: 5\n")}, nil, `d.yaml: shutdown-timeout: 5 has no unit; write a duration such as 5s`},
		{"a TOML type error", []string{"--config", writeFile(t, "t.toml", "demo = 3\n")}, nil, `t.toml: demo: 3 is not true or false`},
		{"a list for a value", []string{"--config", writeFile(t, "l.yaml", "addr: [a, b]\n")}, nil, `l.yaml: addr:`},
		{"an environment type error", nil, []string{"AICCD_NODE_ID=x"}, `environment variable AICCD_NODE_ID (node-id): "x" is not a whole number`},
		{"an environment duration", nil, []string{"AICCD_SHUTDOWN_DELAY=5"}, `environment variable AICCD_SHUTDOWN_DELAY (shutdown-delay): 5 has no unit`},
		{"a CORS origin with a path", []string{"--cors-origins", "https://app.example.com/"}, nil, `cors-origins: "https://app.example.com/" is not an origin`},
		{"a CORS origin without scheme", nil, []string{"AICCD_CORS_ORIGINS=app.example.com"}, `cors-origins: "app.example.com" is not an origin`},
		{"a CORS origin in capitals", nil, []string{"AICCD_CORS_ORIGINS=https://App.example.com"}, `is not an origin as browsers send it`},
		{"* among CORS origins", []string{"--cors-origins", "*,https://a.example"}, nil, `* allows every origin; give it alone`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(flags(t, tc.args...), tc.environ)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestCORSOriginsFromEachLayer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"off by default", nil, nil, "[]"},
		{"flag", []string{"--cors-origins", "https://a.example, http://localhost:3000"}, nil, "[https://a.example http://localhost:3000]"},
		{"environment", nil, []string{"AICCD_CORS_ORIGINS=*"}, "[*]"},
		{"file", []string{"--config", writeFile(t, "c.yaml", "cors-origins: https://a.example:8443\n")}, nil, "[https://a.example:8443]"},
	} {
		c, err := Load(flags(t, tc.args...), tc.environ)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := c.CORSOriginList()
		if err != nil || fmt.Sprint(got) != tc.want && !(got == nil && tc.want == "[]") {
			t.Errorf("%s: %v, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

func TestLogValueMasksSecrets(t *testing.T) {
	c := Default()
	c.Database = "postgres://aiccd:s3cret@db:5432/aiccd?sslmode=disable"
	out := c.LogValue().String()
	if strings.Contains(out, "s3cret") {
		t.Fatalf("password printed: %s", out)
	}
	if !strings.Contains(out, "aiccd:xxxxx@db") {
		t.Fatalf("masked URL missing: %s", out)
	}
}

func TestMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@h/db":             "postgres://u:xxxxx@h/db",
		"postgres://u@h/db?password=p":    "postgres://u@h/db?password=xxxxx",
		"./aiccd-data/aiccd.db":           "./aiccd-data/aiccd.db",
		"postgres://h/db?sslmode=disable": "postgres://h/db?sslmode=disable",
	} {
		if got := MaskURL(in); got != want {
			t.Errorf("MaskURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMasterKeyPath(t *testing.T) {
	for _, tc := range []struct{ database, file, want string }{
		{"aiccd-data/aiccd.db", "", "aiccd-data/master.key"},
		{"/var/lib/aiccd/x.db", "", "/var/lib/aiccd/master.key"},
		{"sqlite:///srv/a.db", "", "/srv/master.key"},
		{"postgres://h/db", "", "aiccd-data/master.key"},
		{"postgres://h/db", "/etc/aiccd/key", "/etc/aiccd/key"},
	} {
		c := Default()
		c.Database, c.MasterKeyFile = tc.database, tc.file
		if got := c.MasterKeyPath(); got != tc.want {
			t.Errorf("MasterKeyPath(%q, %q) = %q, want %q", tc.database, tc.file, got, tc.want)
		}
	}
}

func TestSecretsAreMasked(t *testing.T) {
	c := Default()
	c.AdminToken, c.MasterKey = "admin-token-0123456789", "c2VjcmV0LWtleQ=="
	out := c.LogValue().String()
	if strings.Contains(out, "admin-token-0123456789") || strings.Contains(out, "c2VjcmV0LWtleQ") {
		t.Fatalf("a secret is printed: %s", out)
	}
}
