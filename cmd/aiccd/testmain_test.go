package main

import (
	"os"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
)

// runMainEnv, set in a process's environment, makes the test binary be
// aiccd: TestBinaryStopsOnSIGTERM runs it as the real binary, main and
// its signal handling included, rather than building one with go build,
// which costs minutes on a build cache without the packages built
// without -race.
const runMainEnv = "GO_TEST_RUN_AICCD_MAIN"

// TestMain runs main when runMainEnv is set, and otherwise the tests,
// dropping the binary's template database when they end.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(dbtest.Main(m))
}
