package client

import (
	"os/exec"
	"strings"
	"testing"
)

// TestStandardLibraryOnly keeps the package importable without aiccd's
// server packages or any other module.
func TestStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	if deps := strings.Fields(string(out)); len(deps) != 1 || deps[0] != "github.com/aiccd/aiccd/client" {
		t.Fatalf("package client depends on %v; it may import the standard library only", deps)
	}
}
