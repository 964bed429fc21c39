// Package snapshot resets tenants: it deletes a tenant with everything it
// owns, and keeps snapshots of a tenant's state in the database to restore
// it later, so that a test suite can snapshot once and restore before each
// test. A snapshot holds the tenant's rows as they are stored (secrets and
// personal data stay sealed); what a row holds is the engine's business,
// so the domain sees a snapshot's data as opaque bytes.
package snapshot

import (
	"context"
	"regexp"
	"time"

	"github.com/aiccd/aiccd"
)

// The bounds of snapshots: a name is short enough for a URL path segment
// and a file name; a tenant keeps a handful, each of bounded size, so that
// a suite snapshotting in a loop cannot fill the database.
const (
	MaxNameLength = 64
	MaxPerTenant  = 20
	MaxRows       = 200_000  // rows of every table together
	MaxBytes      = 64 << 20 // serialized rows
)

// Snapshot is one stored state of a tenant. Data is set only when the
// snapshot is taken, never listed.
type Snapshot struct {
	Tenant    string    `json:"tenant"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Schema is the database's migration when the rows were read: a
	// snapshot is restored only at the same one.
	Schema int    `json:"schema_version"`
	Size   int64  `json:"size"` // bytes of Data
	Rows   int64  `json:"rows"`
	Data   []byte `json:"-"`
}

// Store keeps snapshots and replaces tenants' rows, one per engine.
type Store interface {
	// Capture reads every row tenantID owns, in one consistent read, and
	// serializes them. It returns aiccd.ErrNotFound for an unknown
	// tenant, and an error of KindTooLarge past maxRows rows or maxBytes
	// bytes.
	Capture(ctx context.Context, tenantID string, maxRows int64, maxBytes int64) (Snapshot, error)
	// Save stores s unless the tenant already has a snapshot of its name
	// (aiccd.ErrConflict) or maxCount snapshots (an error of
	// KindConflict), checked and stored atomically.
	Save(ctx context.Context, s Snapshot, maxCount int) error
	// List returns the tenant's snapshots by name, without their data.
	List(ctx context.Context, tenantID string) ([]Snapshot, error)
	// Delete deletes one snapshot; aiccd.ErrNotFound if there is none.
	Delete(ctx context.Context, tenantID, name string) error
	// Restore replaces every row tenantID owns with the snapshot's in one
	// transaction, advancing the versions read models compare (the
	// tenant's revision, its SmartCare versions) instead of taking them
	// back, and emitting the change feed's changes of what it replaced.
	// The request journal is left as it is. It returns the snapshot.
	Restore(ctx context.Context, tenantID, name string) (Snapshot, error)
	// DeleteTenant deletes the tenant and every row it owns (its
	// snapshots and request journal too) in one transaction, emitting the
	// change feed's changes; aiccd.ErrNotFound for an unknown tenant.
	DeleteTenant(ctx context.Context, tenantID string) error
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidateName checks a snapshot's name: 1 to 64 letters, digits, '.',
// '_' or '-', starting with a letter or digit. Names appear in URL paths.
func ValidateName(name string) error {
	if !namePattern.MatchString(name) {
		return aiccd.Errorf(aiccd.KindInvalid, "snapshot name %q must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit", name, MaxNameLength)
	}
	return nil
}
