package main

import (
	"encoding/json"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestCycloneDXListsTheLinkedModules(t *testing.T) {
	info := &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/aiccd/aiccd", Version: "(devel)"},
		Deps: []*debug.Module{
			{Path: "github.com/spf13/cobra", Version: "v1.10.2", Sum: "h1:abc="},
			{Path: "modernc.org/sqlite", Version: "v1.61.1", Sum: "h1:def="},
			{Path: "example.com/old", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/new", Version: "v1.0.1", Sum: "h1:ghi="}},
		},
	}
	when := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	b, err := cycloneDX(info, "v0.1.0", "linux", "arm64", strings.Repeat("ab", 32), when)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		BOMFormat, SpecVersion, SerialNumber string
		Metadata                             struct {
			Timestamp string
			Component struct {
				Name, Version, PURL string
				Hashes              []struct{ Alg, Content string }
			}
		}
		Components []struct {
			Type, Name, Version, PURL string
			BOMRef                    string `json:"bom-ref"`
		}
		Dependencies []struct {
			Ref       string
			DependsOn []string
		}
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.BOMFormat != "CycloneDX" || got.SpecVersion != "1.5" || got.Metadata.Timestamp != "2026-12-06T00:00:00Z" ||
		!regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(got.SerialNumber) {
		t.Fatalf("header: %s", b)
	}
	if c := got.Metadata.Component; c.PURL != "pkg:golang/github.com/aiccd/aiccd@v0.1.0" || c.Hashes[0].Alg != "SHA-256" {
		t.Fatalf("the application: %+v", c)
	}
	want := []string{"pkg:golang/github.com/spf13/cobra@v1.10.2", "pkg:golang/modernc.org/sqlite@v1.61.1", "pkg:golang/example.com/new@v1.0.1"}
	if len(got.Components) != 3 || len(got.Dependencies) != 1 || len(got.Dependencies[0].DependsOn) != 3 {
		t.Fatalf("components: %s", b)
	}
	for i, w := range want {
		if c := got.Components[i]; c.PURL != w || c.BOMRef != w || c.Type != "library" || got.Dependencies[0].DependsOn[i] != w {
			t.Errorf("component %d: %+v, want %s", i, c, w)
		}
	}
	again, _ := cycloneDX(info, "v0.1.0", "linux", "arm64", strings.Repeat("ab", 32), when)
	if string(again) != string(b) {
		t.Fatal("the same binary gave two SBOMs")
	}
}

// TestTargets: the release covers Linux, macOS and Windows on amd64 and
// arm64.
func TestTargets(t *testing.T) {
	seen := map[string]bool{}
	for _, tg := range targets {
		seen[tg.goos+"/"+tg.goarch] = true
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			if !seen[os+"/"+arch] {
				t.Errorf("no %s/%s binary", os, arch)
			}
		}
	}
}
