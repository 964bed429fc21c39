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
	runParallel(t, open,
		part{"tenants", testTenants},
		part{"credentials", testCredentials},
		part{"sandbox", testSandbox},
		part{"customers", testCustomers},
		part{"smartcare", testSmartCare},
		part{"console", testConsole},
		part{"concurrent updates", testConcurrentUpdates},
		part{"snapshots", testSnapshots},
	)
}

// part is one part of the contract, run on a database of its own.
type part struct {
	name string
	test func(*testing.T, *database.DB)
}

// runParallel runs parts in parallel, each on a database from open.
func runParallel(t *testing.T, open Open, parts ...part) {
	for _, p := range parts {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			p.test(t, open(t))
		})
	}
}
