// Package config defines aiccd's one typed configuration and loads it in
// layers: defaults, then an optional YAML or TOML file, then AICCD_*
// environment variables, then command-line flags. Each later layer wins.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aiccd/aiccd/database"
	"github.com/knadh/koanf/parsers/toml/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"
)

// EnvPrefix starts every environment variable aiccd reads.
const EnvPrefix = "AICCD_"

// Config is everything aiccd can be told. The koanf tags are the keys in a
// config file, the flag names, and (upper-cased, '-' as '_', prefixed with
// AICCD_) the environment variable names.
type Config struct {
	Addr     string `koanf:"addr"`
	Database string `koanf:"database"`
	Demo     bool   `koanf:"demo"`

	LogFormat string `koanf:"log-format"`
	LogLevel  string `koanf:"log-level"`

	ShutdownTimeout   time.Duration `koanf:"shutdown-timeout"`
	ShutdownDelay     time.Duration `koanf:"shutdown-delay"`
	ReadHeaderTimeout time.Duration `koanf:"read-header-timeout"`
	ReadTimeout       time.Duration `koanf:"read-timeout"`
	WriteTimeout      time.Duration `koanf:"write-timeout"`
	IdleTimeout       time.Duration `koanf:"idle-timeout"`
	MaxBodyBytes      int64         `koanf:"max-body-bytes"`
	MaxImportBytes    int64         `koanf:"max-import-bytes"`
	MaxHeaderBytes    int           `koanf:"max-header-bytes"`
	GCHeapFloorBytes  int64         `koanf:"gc-heap-floor-bytes"`

	AdminToken                 string        `koanf:"admin-token"`
	ConsoleIdleTimeout         time.Duration `koanf:"console-idle-timeout"`
	ConsoleSessionLifetime     time.Duration `koanf:"console-session-lifetime"`
	MasterKey                  string        `koanf:"master-key"`
	MasterKeyFile              string        `koanf:"master-key-file"`
	RateLimit                  float64       `koanf:"rate-limit"`
	RateBurst                  int           `koanf:"rate-burst"`
	PasswordConcurrency        int           `koanf:"password-concurrency"`
	Redis                      string        `koanf:"redis"`
	TLSCert                    string        `koanf:"tls-cert"`
	TLSKey                     string        `koanf:"tls-key"`
	NodeID                     int           `koanf:"node-id"`
	JournalSize                int           `koanf:"journal-size"`
	JournalBodies              bool          `koanf:"journal-bodies"`
	CORSOrigins                string        `koanf:"cors-origins"`
	PartnerMobileLimit         int           `koanf:"partner-mobile-limit"`
	SmartCareRetentionInterval time.Duration `koanf:"smartcare-retention-interval"`
	SmartCareWorkers           int           `koanf:"smartcare-workers"`
	SmartCareMaxQueuedTasks    int           `koanf:"smartcare-max-queued-tasks"`
}

// Default returns the configuration used when nothing else is said.
func Default() Config {
	return Config{
		Addr:               "127.0.0.1:8080",
		Database:           filepath.Join("aiccd-data", "aiccd.db"),
		LogFormat:          "text",
		LogLevel:           "info",
		ShutdownTimeout:    15 * time.Second,
		ReadHeaderTimeout:  5 * time.Second,
		ReadTimeout:        30 * time.Second,
		WriteTimeout:       30 * time.Second,
		IdleTimeout:        120 * time.Second,
		MaxBodyBytes:       1 << 20,
		MaxImportBytes:     10 << 30,
		MaxHeaderBytes:     64 << 10,
		GCHeapFloorBytes:   48 << 20,
		RateBurst:          20,
		NodeID:             -1,
		JournalSize:        100,
		PartnerMobileLimit: 5,

		SmartCareRetentionInterval: 10 * time.Minute,
		SmartCareWorkers:           1,
		ConsoleIdleTimeout:         30 * time.Minute,
		ConsoleSessionLifetime:     12 * time.Hour,
		SmartCareMaxQueuedTasks:    1000,
	}
}

// secretKeys are never printed in the clear.
var secretKeys = []string{"admin-token", "master-key"}

// Load builds the configuration from its layers. fs holds the command's
// parsed flags (only flags the user set override the other layers) and its
// "config" flag, if set, names the file; environ is the process environment
// in os.Environ form, whose AICCD_CONFIG also names the file.
func Load(fs *pflag.FlagSet, environ []string) (Config, error) {
	k := koanf.New(".")
	def := Default()
	if err := k.Load(confmap.Provider(toMap(def), "."), nil); err != nil {
		return Config{}, err
	}
	known := k.Keys()

	path := lookupEnv(environ, EnvPrefix+"CONFIG")
	if f := fs.Lookup("config"); f != nil && f.Changed {
		path = f.Value.String()
	}
	if path != "" {
		parser, err := parserFor(path)
		if err != nil {
			return Config{}, err
		}
		fk := koanf.New(".")
		if err := fk.Load(file.Provider(path), parser); err != nil {
			return Config{}, fmt.Errorf("config file %s: %w", path, err)
		}
		values := fk.All()
		for _, key := range fk.Keys() {
			v := values[key]
			if !slices.Contains(known, key) {
				return Config{}, fmt.Errorf("config file %s: unknown setting %q; the settings are %s", path, key, strings.Join(known, ", "))
			}
			if err := checkValue(key, v); err != nil {
				return Config{}, fmt.Errorf("config file %s: %s: %w", path, key, err)
			}
		}
		if err := k.Merge(fk); err != nil {
			return Config{}, err
		}
	}

	envKeys := map[string]string{}
	for _, key := range known {
		envKeys[EnvName(key)] = key
	}
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if key, ok := envKeys[name]; ok {
			if err := checkValue(key, value); err != nil {
				return Config{}, fmt.Errorf("environment variable %s (%s): %w", name, key, err)
			}
		}
	}
	err := k.Load(env.Provider(".", env.Opt{
		Prefix:      EnvPrefix,
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(name, value string) (string, any) {
			return envKeys[name], value // "" drops variables that are not settings
		},
	}), nil)
	if err != nil {
		return Config{}, err
	}

	err = k.Load(posflag.ProviderWithFlag(fs, ".", k, func(f *pflag.Flag) (string, any) {
		if !f.Changed || !slices.Contains(known, f.Name) {
			return "", nil
		}
		return f.Name, posflag.FlagVal(fs, f)
	}), nil)
	if err != nil {
		return Config{}, err
	}

	var c Config
	if err := k.UnmarshalWithConf("", &c, koanf.UnmarshalConf{Tag: "koanf", FlatPaths: true}); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	// GOGC is the Go runtime's own setting of the collector: given, it
	// stands, and the heap floor is off.
	if lookupEnv(environ, "GOGC") != "" {
		c.GCHeapFloorBytes = 0
	}
	return c, c.Validate()
}

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("addr: must not be empty"))
	}
	if c.Database == "" {
		errs = append(errs, errors.New("database: must not be empty"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: %q is neither text nor json", c.LogFormat))
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.MaxBodyBytes < 1 {
		errs = append(errs, fmt.Errorf("max-body-bytes: %d is not positive", c.MaxBodyBytes))
	}
	if c.GCHeapFloorBytes < 0 || c.GCHeapFloorBytes > 1<<40 {
		errs = append(errs, fmt.Errorf("gc-heap-floor-bytes: %d is outside 0..%d", c.GCHeapFloorBytes, int64(1<<40)))
	}
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		errs = append(errs, errors.New("admin-token: use at least 16 characters"))
	}
	if c.RateLimit < 0 || c.RateBurst < 1 {
		errs = append(errs, fmt.Errorf("rate-limit %v / rate-burst %d: the rate must not be negative and the burst at least 1", c.RateLimit, c.RateBurst))
	}
	if c.PasswordConcurrency < 0 || c.PasswordConcurrency > 1024 {
		errs = append(errs, fmt.Errorf("password-concurrency: %d is outside 0..1024", c.PasswordConcurrency))
	}
	if c.NodeID < -1 || c.NodeID > 1023 {
		errs = append(errs, fmt.Errorf("node-id: %d is outside -1..1023", c.NodeID))
	}
	if c.JournalSize < 0 || c.JournalSize > 100_000 {
		errs = append(errs, fmt.Errorf("journal-size: %d is outside 0..100000", c.JournalSize))
	}
	if _, err := c.CORSOriginList(); err != nil {
		errs = append(errs, err)
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key: give both or neither"))
	}
	if c.PartnerMobileLimit < 1 || c.PartnerMobileLimit > 1000 {
		errs = append(errs, fmt.Errorf("partner-mobile-limit: %d is outside 1..1000", c.PartnerMobileLimit))
	}
	if c.MaxImportBytes < c.MaxBodyBytes {
		errs = append(errs, fmt.Errorf("max-import-bytes: %d is below max-body-bytes", c.MaxImportBytes))
	}
	if c.MaxHeaderBytes < 1024 {
		errs = append(errs, fmt.Errorf("max-header-bytes: %d is below 1024", c.MaxHeaderBytes))
	}
	if c.ShutdownDelay < 0 || c.ShutdownDelay > 5*time.Minute {
		errs = append(errs, fmt.Errorf("shutdown-delay: %s is outside 0..5m", c.ShutdownDelay))
	}
	if c.SmartCareRetentionInterval < 0 {
		errs = append(errs, fmt.Errorf("smartcare-retention-interval: %s is negative", c.SmartCareRetentionInterval))
	}
	if c.SmartCareWorkers < 0 || c.SmartCareWorkers > 64 {
		errs = append(errs, fmt.Errorf("smartcare-workers: %d is outside 0..64", c.SmartCareWorkers))
	}
	if c.SmartCareMaxQueuedTasks < 1 || c.SmartCareMaxQueuedTasks > 1_000_000 {
		errs = append(errs, fmt.Errorf("smartcare-max-queued-tasks: %d is outside 1..1000000", c.SmartCareMaxQueuedTasks))
	}
	if c.ConsoleIdleTimeout < time.Minute || c.ConsoleSessionLifetime < c.ConsoleIdleTimeout || c.ConsoleSessionLifetime > 720*time.Hour {
		errs = append(errs, fmt.Errorf("console-idle-timeout %s / console-session-lifetime %s: the idle timeout is at least 1m, "+
			"the lifetime at least the idle timeout and at most 720h", c.ConsoleIdleTimeout, c.ConsoleSessionLifetime))
	}
	for name, d := range map[string]time.Duration{
		"shutdown-timeout": c.ShutdownTimeout, "read-header-timeout": c.ReadHeaderTimeout,
		"read-timeout": c.ReadTimeout, "write-timeout": c.WriteTimeout, "idle-timeout": c.IdleTimeout,
	} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s: %s is not positive", name, d))
		}
	}
	return errors.Join(errs...)
}

// MasterKeyPath is where the master key file is: the configured path, or
// beside a SQLite database, or ./aiccd-data/master.key for PostgreSQL.
func (c Config) MasterKeyPath() string {
	if c.MasterKeyFile != "" {
		return c.MasterKeyFile
	}
	if database.EngineOf(c.Database) == database.SQLite {
		path := strings.TrimPrefix(strings.TrimPrefix(c.Database, "sqlite://"), "sqlite:")
		return filepath.Join(filepath.Dir(path), "master.key")
	}
	return filepath.Join("aiccd-data", "master.key")
}

// ParseLevel reads a log level name: debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log-level: %q is not one of debug, info, warn, error", s)
	}
	return l, nil
}

// LogValue prints the configuration with secrets masked, so that it can be
// logged at start-up.
func (c Config) LogValue() slog.Value {
	m := toMap(c)
	attrs := make([]slog.Attr, 0, len(m))
	for _, key := range slices.Sorted(maps.Keys(m)) {
		v := fmt.Sprint(m[key])
		if slices.Contains(secretKeys, key) && v != "" {
			v = "*****"
		}
		if key == "database" || key == "redis" {
			v = MaskURL(v)
		}
		attrs = append(attrs, slog.String(key, v))
	}
	return slog.GroupValue(attrs...)
}

// MaskURL hides the password of a URL such as a PostgreSQL connection
// string, in the user info or in a password query parameter.
func MaskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return s
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func parserFor(path string) (koanf.Parser, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return yaml.Parser(), nil
	case ".toml":
		return toml.Parser(), nil
	default:
		return nil, fmt.Errorf("config file %s: the name must end in .yaml, .yml or .toml", path)
	}
}

func lookupEnv(environ []string, name string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}
