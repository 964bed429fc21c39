package config

import (
	"fmt"
	"reflect"
	"time"

	"github.com/spf13/pflag"
)

// usage is the help text of each setting, shown by --help.
var usage = map[string]string{
	"addr":                "address to listen on (host:port; port 0 picks a free one)",
	"database":            "SQLite file path or sqlite: URL (the default), or a postgres:// URL",
	"demo":                "load the public demo dataset at start-up (idempotent)",
	"node-id":             "number of this process (0 to 1023) in the IDs it makes; give replicas sharing a database different ones",
	"log-format":          "log format: text or json",
	"log-level":           "log level: debug, info, warn or error",
	"shutdown-timeout":    "how long in-flight requests may take to finish on SIGINT/SIGTERM",
	"read-header-timeout": "how long a client may take to send the request headers",
	"read-timeout":        "how long a client may take to send the whole request",
	"write-timeout":       "how long writing a response may take",
	"idle-timeout":        "how long an idle keep-alive connection is kept open",
	"max-body-bytes":      "largest request body accepted; larger ones get 413",
	"max-header-bytes":    "largest request header block accepted",
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
