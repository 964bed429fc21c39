package client_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/aiccd/aiccd/cli/clitest"
)

// The examples and the tests of this file run against a real aiccd, served
// in this process with the public demo dataset, as `aiccd serve --demo`.

const adminToken = "client-test-admin-token-0123"

// demoURL is the address of the demo server TestMain starts.
var demoURL string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aiccd-client")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv, err := clitest.Start("--demo", "--database", filepath.Join(dir, "aiccd.db"), "--admin-token", adminToken)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	demoURL = srv.URL
	code := m.Run()
	srv.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}
