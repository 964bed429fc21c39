package config

import (
	"fmt"
	"reflect"
	"time"

	"github.com/spf13/pflag"
)

// usage is the help text of each setting, shown by --help.
var usage = map[string]string{
	"addr":                     "address to listen on (host:port; port 0 picks a free one)",
	"database":                 "SQLite file path or sqlite: URL (the default), or a postgres:// URL; only serve and migrate create it",
	"demo":                     "load the public demo dataset at start-up (idempotent)",
	"log-format":               "log format: text or json",
	"log-level":                "log level: debug, info, warn or error",
	"shutdown-timeout":         "how long in-flight requests may take to finish on SIGINT/SIGTERM",
	"shutdown-delay":           "on SIGINT/SIGTERM, keep serving this long with /readyz answering 503, so load balancers stop sending first",
	"read-header-timeout":      "how long a client may take to send the request headers",
	"read-timeout":             "how long a client may take to send the whole request",
	"write-timeout":            "how long writing a response may take",
	"idle-timeout":             "how long an idle keep-alive connection is kept open",
	"max-body-bytes":           "largest request body accepted; larger ones get 413",
	"max-header-bytes":         "largest request header block accepted",
	"gc-heap-floor-bytes":      "heap size below which the garbage collector does not run, while the live heap is under half of it: fewer collections for a small live heap (0, or GOGC set: Go's default)",
	"max-import-bytes":         "largest streamed record upload of the admin API (POST .../smartcare/records)",
	"admin-token":              "bearer token of the admin API under /admin/v1/ (off when empty; at least 16 characters)",
	"console-idle-timeout":     "a console session ends after this long without a page asked for (at least 1m)",
	"console-session-lifetime": "a console session ends this long after sign-in, however much it is used (at least the idle timeout, at most 720h)",
	"master-key":               "key sealing secrets at rest: 32 bytes, base64 or hex (default: the key file)",
	"master-key-file":          "key file, created with mode 0600 on first start (default: beside the SQLite file, or aiccd-data/master.key)",
	"rate-limit":               "requests per second allowed per credential (0: no limit)",
	"rate-burst":               "requests a credential may send at once above its rate",
	"node-id":                  "this replica's number (0-1023) in generated IDs; -1 picks one at random",
	"journal-size":             "requests kept per tenant in the request journal (0: no journal)",
	"journal-bodies":           "keep request and response bodies in the journal, secrets and personal data masked",
	"cors-origins":             "comma-separated origins (https://app.example.com) whose pages may call the vendor endpoints, or * for every origin (off when empty)",
	"tls-cert":                 "PEM certificate file: serve HTTPS (with --tls-key)",
	"tls-key":                  "PEM private key file of --tls-cert",
	"redis":                    "redis:// URL: share lockouts and rate limits between replicas (default: per process)",

	"partner-mobile-limit": "how many partner customer accounts may share one mobile number",
	"password-concurrency": "password checks (argon2id, 19 MiB each) run at once; more wait briefly or are refused with 429 (0: half the CPUs)",

	"smartcare-retention-interval": "how often subscriber records older than their tenant's retention are deleted (0: never, on this replica)",
	"smartcare-workers":            "goroutines processing SmartCare delimitation tasks (0: none, on this replica)",
	"smartcare-max-queued-tasks":   "delimitation tasks one tenant may have queued or running at once; more are refused with 429 APIG.0308",
}

// AddFlags defines a flag on fs for each named setting, with its default
// and help text. Each flag only overrides the other layers when it is set.
func AddFlags(fs *pflag.FlagSet, keys ...string) {
	def := toMap(Default())
	for _, key := range keys {
		help, ok := usage[key]
		if !ok {
			panic("config: no setting " + key)
		}
		help += " (env " + EnvName(key) + ")"
		switch v := def[key].(type) {
		case string:
			fs.String(key, v, help)
		case bool:
			fs.Bool(key, v, help)
		case time.Duration:
			fs.Duration(key, v, help)
		case int64:
			fs.Int64(key, v, help)
		case int:
			fs.Int(key, v, help)
		case float64:
			fs.Float64(key, v, help)
		default:
			panic(fmt.Sprintf("config: setting %s has unsupported type %T", key, v))
		}
	}
}

// AddConfigFlag defines --config, the optional configuration file.
func AddConfigFlag(fs *pflag.FlagSet) {
	fs.String("config", "", "configuration file, YAML (.yaml, .yml) or TOML (.toml) (env "+EnvPrefix+"CONFIG)")
}

// toMap lists c's settings by key.
func toMap(c Config) map[string]any {
	v := reflect.ValueOf(c)
	m := make(map[string]any, v.NumField())
	for i := range v.NumField() {
		if key := v.Type().Field(i).Tag.Get("koanf"); key != "" {
			m[key] = v.Field(i).Interface()
		}
	}
	return m
}
