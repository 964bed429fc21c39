package sqlite_test

import (
	"testing"

	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/storetest"
)

// TestStoreContract holds every SQLite store to the contract written
// down in storetest, so that `go test ./sqlite` tests SQLite.
func TestStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) *database.DB { return dbtest.Open(t, dbtest.MigratedURL(t, database.SQLite)) })
}
