// Package changefeed keeps each replica's in-memory read models exact.
//
// What every request needs to decide (its tenant and the tenant's status,
// the credential it presents, fault rules, SmartCare rules) changes rarely
// and is read on every request. Each replica keeps it in memory; replicas
// share one database, so a change made through one of them, or by an admin
// command or an import writing to the database directly, must reach every
// replica's memory. It does through the database itself: every committed
// write that changes a cached entity emits a Change in its own transaction
// (a trigger of each engine, so that no code path can forget to), and each
// replica follows its database's changes (a Source: PostgreSQL's
// LISTEN/NOTIFY, SQLite's outbox table) and drops what they name.
//
// A replica answers from memory only while its feed is live: a Source
// confirms, every few milliseconds, that it has delivered every change
// committed before a given instant, and memory is trusted for Lease after
// that instant. When the feed breaks or lags, read models read through to
// the database until it is back; when it is back after a break, they start
// empty. So a replica never answers from memory more than Lease after a
// change was committed elsewhere, whatever happens to its feed.
package changefeed

import (
	"context"
	"time"
)

// Kind names the entity a change is about.
type Kind string

// The kinds of change, with what their key is.
const (
	Tenant    Kind = "tenant"     // a tenant's ID
	AppKey    Kind = "app_key"    // an app key
	Token     Kind = "token"      // a stored token's hash, lower-case hex
	Account   Kind = "account"    // a cloud account's ID
	IAMUser   Kind = "iam_user"   // an IAM user's ID
	AccessKey Kind = "access_key" // an AK
	Fault     Kind = "fault"      // a fault rule's ID
	SmartCare Kind = "smartcare"  // a tenant's ID: its SmartCare settings, scenes or rules

	// Read models that also hold answers about what does not exist yet,
	// and so change on creations too.
	CustomerEmail  Kind = "customer_email"  // an e-mail address's blind index, lower-case hex
	CustomerMobile Kind = "customer_mobile" // a mobile number's blind index, lower-case hex
	AccessCodes    Kind = "access_codes"    // a tenant's ID: any of its access codes

	// A tenant's subscriber records, written by the store once per
	// statement rather than by a trigger once per record.
	SmartCareRecords Kind = "smartcare_records" // a tenant's ID
)

// Change is one committed change of an entity.
type Change struct {
	Kind Kind
	Key  string
}

// Source is a database's feed of changes.
type Source interface {
	// Follow delivers the database's changes to h until ctx is done:
	// it subscribes, calls h.Start, then delivers every change and
	// confirms at least every ConfirmEvery; when it loses its
	// subscription it calls h.Break and subscribes again.
	Follow(ctx context.Context, h *Hub)
}

const (
	// Lease is how long after a confirmed instant a replica answers from
	// memory: a change committed elsewhere is reflected within Lease even
	// if the feed stops without a word.
	Lease = 80 * time.Millisecond
	// ConfirmEvery is how often a Source confirms; a Lease spans several
	// confirmations, so that one slow one does not make memory untrusted.
	ConfirmEvery = 20 * time.Millisecond
)
