package demo_test

import (
	"os"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/password"
)

// TestMain hashes passwords at the least cost (none of these tests is about
// hashing) and drops the binary's template database when the tests end.
func TestMain(m *testing.M) {
	password.LowerCostForTests()
	os.Exit(dbtest.Main(m))
}
