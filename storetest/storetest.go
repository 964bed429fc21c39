// Package storetest is the contract every storage engine's stores must meet.
// The same tests run against SQLite and PostgreSQL (see database's tests), so
// a behaviour that differs between engines is a failing test, not a surprise
// in production.
package storetest

import (
	"testing"

	"github.com/aiccd/aiccd/database"
)

// Open returns a freshly migrated empty database for t, closed when t ends.
type Open func(t *testing.T) *database.DB

// Run runs the whole contract, each part on a database of its own from
// open, the parts in parallel: none sees another's rows, so none depends
// on the order they run in. The change feed's part runs first, alone: it
// expects each write's changes within the feed's Lease (80 ms), which the
// other parts' load could stretch. The access codes' parts follow (one of
// them alone too, see testAccessCodes), then the others.
func Run(t *testing.T, open Open) {
	t.Run("change feed", func(t *testing.T) { testChangeFeed(t, open(t)) })
	t.Run("access codes", func(t *testing.T) { testAccessCodes(t, open) })
	for _, part := range []struct {
		name string
		test func(*testing.T, *database.DB)
	}{
		{"tenants", testTenants},
		{"credentials", testCredentials},
		{"sandbox", testSandbox},
		{"customers", testCustomers},
		{"smartcare", testSmartCare},
		{"console", testConsole},
		{"concurrent updates", testConcurrentUpdates},
		{"snapshots", testSnapshots},
	} {
		t.Run(part.name, func(t *testing.T) {
			t.Parallel()
			part.test(t, open(t))
		})
	}
}
