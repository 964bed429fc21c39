package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aiccd/aiccd/config"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var update = flag.Bool("update", false, "rewrite README.md's configuration table")

// The configuration table of README.md is made from the flags' own
// definitions, so that it cannot drift from them: this test fails when it
// does, and `go test ./cli -run TestREADMEConfigTable -update` rewrites it.
const (
	tableStart = "<!-- configuration table: made from the flag definitions by `go test ./cli -run TestREADMEConfigTable -update` -->\n"
	tableEnd   = "<!-- end of the configuration table -->\n"
)

func TestREADMEConfigTable(t *testing.T) {
	const path = "../README.md"
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start, end := bytes.Index(readme, []byte(tableStart)), bytes.Index(readme, []byte(tableEnd))
	if start < 0 || end < start {
		t.Fatalf("README.md has no configuration table between %q and %q", tableStart, tableEnd)
	}
	start += len(tableStart)
	want := configTable(newRoot(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}))
	if string(readme[start:end]) == want {
		return
	}
	if *update {
		out := slices.Concat(readme[:start], []byte(want), readme[end:])
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README.md's configuration table differs from the flags; run go test ./cli -run TestREADMEConfigTable -update\nwant:\n%s", want)
}

// configTable is the Markdown table of every setting: its flag, variable,
// default, the commands that take it and its help text, in the order of
// config.Config's fields.
func configTable(root *cobra.Command) string {
	flags := map[string]*pflag.Flag{}
	commands := map[string][]string{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if _, ok := flags[f.Name]; !ok {
				flags[f.Name] = f
			}
			if f.Name == "config" || isSetting(f.Name) {
				name := strings.TrimPrefix(c.CommandPath(), "aiccd ")
				if c == root {
					name = "all"
				}
				commands[f.Name] = append(commands[f.Name], name)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)

	var b strings.Builder
	b.WriteString("| flag | environment | default | commands | meaning |\n|---|---|---|---|---|\n")
	for _, key := range append([]string{"config"}, settingKeys()...) {
		f, ok := flags[key]
		if !ok {
			continue // a setting no command takes
		}
		env := config.EnvName(key)
		usage, _, _ := strings.Cut(f.Usage, " (env "+env+")")
		def := "`" + f.DefValue + "`"
		if f.DefValue == "" {
			def = ""
		}
		fmt.Fprintf(&b, "| `--%s` | `%s` | %s | %s | %s |\n", key, env, def, strings.Join(commands[key], ", "),
			strings.ReplaceAll(usage, "|", `\|`))
	}
	return b.String()
}

// settingKeys lists config.Config's keys in the order of its fields.
func settingKeys() []string {
	var keys []string
	for f := range reflect.TypeFor[config.Config]().Fields() {
		if k := f.Tag.Get("koanf"); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func isSetting(name string) bool { return slices.Contains(settingKeys(), name) }
