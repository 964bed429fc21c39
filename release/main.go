// Command release builds aiccd's release files, publishing nothing: a
// static binary (no cgo) for Linux, macOS and Windows on amd64 and arm64,
// a CycloneDX SBOM of each made from the modules it was linked with, and
// their SHA-256 checksums in SHA256SUMS.
//
//	go run ./release -version v0.1.0 -out dist
//
// The builds are -trimpath and stamp only the version, so the same
// source, version and Go toolchain give the same files.
package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// targets are the platforms a release has a binary for.
var targets = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("release: ")
	version := flag.String("version", "", "the version to stamp into the binaries (default: git describe)")
	out := flag.String("out", "dist", "the directory to write to; it must not exist or be empty")
	flag.Parse()
	if *version == "" {
		*version = gitDescribe()
	}
	if err := run(*version, *out); err != nil {
		log.Fatal(err)
	}
}

func run(version, out string) error {
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty; give a new directory", out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	when := sourceTime()
	var sums []string
	for _, t := range targets {
		start := time.Now()
		name := fmt.Sprintf("aiccd_%s_%s_%s", version, t.goos, t.goarch)
		bin := name
		if t.goos == "windows" {
			bin += ".exe"
		}
		path := filepath.Join(out, bin)
		if err := build(path, version, t.goos, t.goarch); err != nil {
			return err
		}
		info, err := buildinfo.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		sum, err := fileSHA256(path)
		if err != nil {
			return err
		}
		bom, err := cycloneDX(info, version, t.goos, t.goarch, sum, when)
		if err != nil {
			return err
		}
		sbom := name + ".cdx.json"
		if err := os.WriteFile(filepath.Join(out, sbom), bom, 0o644); err != nil {
			return err
		}
		sums = append(sums, sum+"  "+bin, fmt.Sprintf("%x  %s", sha256.Sum256(bom), sbom))
		log.Printf("%s (%d modules) in %s", bin, len(info.Deps), time.Since(start).Round(100*time.Millisecond))
	}
	return os.WriteFile(filepath.Join(out, "SHA256SUMS"), []byte(strings.Join(sums, "\n")+"\n"), 0o644)
}

// build compiles ./cmd/aiccd for one platform, statically.
func build(path, version, goos, goarch string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X github.com/aiccd/aiccd/cli.Version="+version,
		"-o", path, "./cmd/aiccd")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s/%s: %w", goos, goarch, err)
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// gitDescribe names the checkout: its tag, or its commit, marked when it
// has uncommitted changes.
func gitDescribe() string {
	out, err := exec.Command("git", "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		return "dev"
	}
	return strings.TrimSpace(string(out))
}

// sourceTime is when the source was last changed, for the SBOMs'
// timestamps: SOURCE_DATE_EPOCH when set, else the commit's time, so that
// a rebuild writes the same files.
func sourceTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		var sec int64
		if _, err := fmt.Sscan(s, &sec); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	out, err := exec.Command("git", "log", "-1", "--format=%ct").Output()
	if err == nil {
		var sec int64
		if _, err := fmt.Sscan(string(out), &sec); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}

var errNoModules = errors.New("the binary records no modules (built outside module mode?)")
