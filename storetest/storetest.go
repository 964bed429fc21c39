// Package storetest is the contract every storage engine's stores must meet.
// The same tests run against SQLite and PostgreSQL (see database's tests), so
// a behaviour that differs between engines is a failing test, not a surprise
// in production.
package storetest

import (
	"testing"

	"github.com/aiccd/aiccd/database"
)

// Run runs the whole contract against db, a freshly migrated empty database.
func Run(t *testing.T, db *database.DB) {
	t.Run("tenants", func(t *testing.T) { testTenants(t, db) })
	t.Run("credentials", func(t *testing.T) { testCredentials(t, db) })
	t.Run("sandbox", func(t *testing.T) { testSandbox(t, db) })
	t.Run("customers", func(t *testing.T) { testCustomers(t, db) })
	t.Run("smartcare", func(t *testing.T) { testSmartCare(t, db) })
	t.Run("access codes", func(t *testing.T) { testAccessCodes(t, db) })
	t.Run("console", func(t *testing.T) { testConsole(t, db) })
	t.Run("concurrent updates", func(t *testing.T) { testConcurrentUpdates(t, db) })
	t.Run("change feed", func(t *testing.T) { testChangeFeed(t, db) })
	t.Run("snapshots", func(t *testing.T) { testSnapshots(t, db) })
}
