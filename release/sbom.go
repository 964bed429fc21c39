package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// A CycloneDX 1.5 SBOM (https://cyclonedx.org/docs/1.5/json/) of one
// binary: the main module as the application and every module linked
// into it as a library, each named by its package URL, with the go.sum
// hash the build verified it by. It is made from the build information
// the Go toolchain records in the binary (what `go version -m` prints),
// so it lists exactly what was linked, not every module of the graph.

type bom struct {
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	SerialNumber string       `json:"serialNumber"`
	Version      int          `json:"version"`
	Metadata     bomMetadata  `json:"metadata"`
	Components   []component  `json:"components"`
	Dependencies []dependency `json:"dependencies"`
}

type bomMetadata struct {
	Timestamp string `json:"timestamp"`
	Tools     struct {
		Components []component `json:"components"`
	} `json:"tools"`
	Component component `json:"component"`
}

type component struct {
	Type       string     `json:"type"`
	BOMRef     string     `json:"bom-ref,omitempty"`
	Name       string     `json:"name"`
	Version    string     `json:"version,omitempty"`
	PURL       string     `json:"purl,omitempty"`
	Hashes     []hash     `json:"hashes,omitempty"`
	Properties []property `json:"properties,omitempty"`
}

type hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

type property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// cycloneDX describes the binary whose build information is info and
// whose SHA-256 is sum.
func cycloneDX(info *buildinfo.BuildInfo, version, goos, goarch, sum string, when time.Time) ([]byte, error) {
	if info.Main.Path == "" {
		return nil, errNoModules
	}
	app := component{
		Type: "application", Name: info.Main.Path, Version: version,
		PURL:   purl(info.Main.Path, version),
		Hashes: []hash{{"SHA-256", sum}},
		Properties: []property{
			{"cdx:go:toolchain", info.GoVersion}, {"cdx:go:GOOS", goos}, {"cdx:go:GOARCH", goarch},
		},
	}
	app.BOMRef = app.PURL
	b := bom{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		SerialNumber: serialNumber(sum),
		Metadata:     bomMetadata{Timestamp: when.Format(time.RFC3339), Component: app},
		Components:   []component{},
	}
	b.Metadata.Tools.Components = []component{{Type: "application", Name: "aiccd release", Version: version}}
	main := dependency{Ref: app.BOMRef, DependsOn: []string{}}
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		c := component{Type: "library", Name: d.Path, Version: d.Version, PURL: purl(d.Path, d.Version)}
		c.BOMRef = c.PURL
		if d.Sum != "" {
			c.Properties = []property{{"cdx:go:sum", d.Sum}}
		}
		b.Components = append(b.Components, c)
		main.DependsOn = append(main.DependsOn, c.BOMRef)
	}
	b.Dependencies = []dependency{main}
	return json.MarshalIndent(b, "", "  ")
}

// purl is the package URL of a Go module: pkg:golang/<path>@<version>,
// each segment of the path escaped.
func purl(path, version string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "pkg:golang/" + strings.Join(segs, "/") + "@" + url.PathEscape(version)
}

// serialNumber is a version 5 style UUID URN derived from the binary's
// hash: the same binary gets the same SBOM.
func serialNumber(sum string) string {
	h := sha256.Sum256([]byte("aiccd sbom " + sum))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
