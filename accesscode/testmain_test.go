package accesscode_test

import (
	"os"
	"testing"

	"github.com/aiccd/aiccd/database/dbtest"
)

// TestMain drops the binary's template database when the tests end.
func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
