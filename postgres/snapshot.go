package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/snapshot"
	"github.com/jackc/pgx/v5"
)

// SnapshotStore deletes tenants and keeps their snapshots on PostgreSQL.
// A snapshot's data is one JSON object of each table's rows as json_agg
// writes them, read back with json_populate_recordset: every value goes
// through its type's own text form, so bytea (sealed secrets), times and
// numbers come back as they were.
type SnapshotStore struct {
	db        *DB
	smartcare *SmartCareStore // creates the record partitions a restore needs
}

// NewSnapshotStore returns the snapshot store of db.
func NewSnapshotStore(db *DB) *SnapshotStore {
	return &SnapshotStore{db: db, smartcare: NewSmartCareStore(db)}
}

var _ snapshot.Store = (*SnapshotStore)(nil)

// ownedTables are the tables of a tenant's rows below its tenants row, in
// an order their foreign keys allow inserting them in (deletion goes the
// other way). smartcare_versions is not among them: a restore advances it
// (so that read models comparing it reload); the request journal is what a
// test verifies, not state it sets up; smartcare_record_partitions names
// tables that outlive a restore.
var ownedTables = []string{
	"app_keys", "tokens", "tenant_resources",
	"access_codes", "access_code_counts", "called_routes",
	"smartcare_settings", "smartcare_scenes", "smartcare_rules", "smartcare_records",
	"smartcare_tasks", "smartcare_task_queues",
	"faults",
}

// ownedBy is the condition selecting tenant $1's rows of table. A fault
// rule scoped to one of the tenant's app keys alone is the tenant's too.
func ownedBy(table string) string {
	switch table {
	case "tenants":
		return "id = $1"
	case "faults":
		return "tenant_id = $1 OR (tenant_id = '' AND app_key IN (SELECT app_key FROM app_keys WHERE tenant_id = $1))"
	}
	return "tenant_id = $1"
}

// captureQuery selects the tenant's rows of every table as one JSON object.
var captureQuery = func() string {
	parts := []string{`'tenants', (SELECT coalesce(json_agg(t), '[]') FROM tenants t WHERE id = $1)`}
	for _, table := range ownedTables {
		parts = append(parts, fmt.Sprintf(`'%s', (SELECT coalesce(json_agg(t), '[]') FROM %s t WHERE %s)`, table, table, ownedBy(table)))
	}
	return `SELECT json_build_object(` + strings.Join(parts, ", ") + `)::text`
}()

// countQuery counts the tenant's rows of every table.
var countQuery = func() string {
	parts := []string{`(SELECT count(*) FROM tenants WHERE id = $1)`}
	for _, table := range ownedTables {
		parts = append(parts, fmt.Sprintf(`(SELECT count(*) FROM %s WHERE %s)`, table, ownedBy(table)))
	}
	return `SELECT (SELECT count(*) FROM tenants WHERE id = $1), ` + strings.Join(parts, " + ")
}()

// Capture reads the tenant's rows in one repeatable-read transaction.
func (s *SnapshotStore) Capture(ctx context.Context, tenantID string, maxRows, maxBytes int64) (snapshot.Snapshot, error) {
	var sn snapshot.Snapshot
	err := pgx.BeginTxFunc(ctx, s.db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		version, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		var exists, rows int64
		if err := tx.QueryRow(ctx, countQuery, tenantID).Scan(&exists, &rows); err != nil {
			return err
		}
		if exists == 0 {
			return aiccd.ErrNotFound
		}
		if rows > maxRows {
			return aiccd.Errorf(aiccd.KindTooLarge, "the tenant has more than %d rows, the most a snapshot holds", maxRows)
		}
		var data string
		if err := tx.QueryRow(ctx, captureQuery, tenantID).Scan(&data); err != nil {
			return err
		}
		if int64(len(data)) > maxBytes {
			return aiccd.Errorf(aiccd.KindTooLarge, "the tenant's rows take more than %d bytes, the most a snapshot holds", maxBytes)
		}
		sn = snapshot.Snapshot{Tenant: tenantID, Schema: version, Rows: rows, Data: []byte(data)}
		return nil
	})
	return sn, translate(err)
}

// Save stores the snapshot unless its name is taken or the tenant has
// maxCount already. The tenant's row is locked so that two saves count
// one after the other.
func (s *SnapshotStore) Save(ctx context.Context, snap snapshot.Snapshot, maxCount int) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		var n, taken int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, snap.Tenant).Scan(new(int)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE name = $2) FROM tenant_snapshots WHERE tenant_id = $1`,
			snap.Tenant, snap.Name).Scan(&n, &taken); err != nil {
			return err
		}
		if taken == 0 && n >= maxCount {
			return aiccd.Errorf(aiccd.KindConflict, "tenant %q has %d snapshots, the most it may keep: delete one first", snap.Tenant, n)
		}
		_, err := tx.Exec(ctx, `INSERT INTO tenant_snapshots (tenant_id, name, created_at, schema_version, size, row_count, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, snap.Tenant, snap.Name, snap.CreatedAt, snap.Schema, snap.Size, snap.Rows, snap.Data)
		return err
	})
}

// List returns the tenant's snapshots by name, or aiccd.ErrNotFound for
// an unknown tenant.
func (s *SnapshotStore) List(ctx context.Context, tenantID string) ([]snapshot.Snapshot, error) {
	out := []snapshot.Snapshot{}
	err := pgx.BeginTxFunc(ctx, s.db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT 1 FROM tenants WHERE id = $1`, tenantID).Scan(new(int)); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT name, created_at, schema_version, size, row_count FROM tenant_snapshots
			WHERE tenant_id = $1 ORDER BY name COLLATE "C"`, tenantID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			sn := snapshot.Snapshot{Tenant: tenantID}
			if err := rows.Scan(&sn.Name, &sn.CreatedAt, &sn.Schema, &sn.Size, &sn.Rows); err != nil {
				return err
			}
			sn.CreatedAt = sn.CreatedAt.UTC()
			out = append(out, sn)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, translate(err)
	}
	return out, nil
}

// Delete deletes one snapshot.
func (s *SnapshotStore) Delete(ctx context.Context, tenantID, name string) error {
	tag, err := s.db.pool.Exec(ctx, `DELETE FROM tenant_snapshots WHERE tenant_id = $1 AND name = $2`, tenantID, name)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return aiccd.ErrNotFound
	}
	return nil
}

// Restore replaces the tenant's rows with the snapshot's in one
// transaction. The partitions of the snapshot's record days are created
// first, each in a transaction of its own as ingest does: attaching one
// inside the restore would lock every reader of the records out.
func (s *SnapshotStore) Restore(ctx context.Context, tenantID, name string) (snapshot.Snapshot, error) {
	if err := s.ensureRecordPartitions(ctx, tenantID, name); err != nil {
		return snapshot.Snapshot{}, translate(err)
	}
	sn := snapshot.Snapshot{Tenant: tenantID, Name: name}
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		var data []byte
		if err := tx.QueryRow(ctx, `SELECT created_at, schema_version, size, row_count, data FROM tenant_snapshots
			WHERE tenant_id = $1 AND name = $2`, tenantID, name).Scan(&sn.CreatedAt, &sn.Schema, &sn.Size, &sn.Rows, &data); err != nil {
			return err
		}
		sn.CreatedAt = sn.CreatedAt.UTC()
		version, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if version != sn.Schema {
			return aiccd.Errorf(aiccd.KindConflict, "snapshot %q was taken at schema version %d and the database is at %d: take it again", name, sn.Schema, version)
		}
		// The tenant's row first: it serializes restores, deletions and
		// updates of the tenant.
		var cols string
		if err := tx.QueryRow(ctx, `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
			WHERE attrelid = 'tenants'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('id', 'revision')`).Scan(&cols); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE tenants SET (`+cols+`) = (SELECT `+cols+` FROM json_populate_record(NULL::tenants, ($2::text::json -> 'tenants') -> 0)),
			revision = revision + 1 WHERE id = $1`, tenantID, string(data))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return aiccd.ErrNotFound
		}
		if err := deleteOwned(ctx, tx, tenantID); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		for _, table := range ownedTables {
			batch.Queue(`INSERT INTO `+table+` OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_recordset(NULL::`+table+`, $1::text::json -> '`+table+`')`, string(data))
		}
		batch.Queue(`INSERT INTO smartcare_versions (tenant_id, config_version, rules_version) VALUES ($1, 1, 1)
			ON CONFLICT (tenant_id) DO UPDATE SET config_version = smartcare_versions.config_version + 1, rules_version = smartcare_versions.rules_version + 1`, tenantID)
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return snapshot.Snapshot{}, translate(err)
	}
	return sn, nil
}

// ensureRecordPartitions creates the partitions of the days of the
// snapshot's records that do not exist.
func (s *SnapshotStore) ensureRecordPartitions(ctx context.Context, tenantID, name string) error {
	rows, err := s.db.pool.Query(ctx, `SELECT DISTINCT date_trunc('day', r.event_time AT TIME ZONE 'UTC')
		FROM tenant_snapshots s, json_populate_recordset(NULL::smartcare_records, convert_from(s.data, 'UTF8')::json -> 'smartcare_records') r
		WHERE s.tenant_id = $1 AND s.name = $2
		AND NOT EXISTS (SELECT 1 FROM smartcare_record_partitions p WHERE p.tenant_id = $1 AND p.day = (r.event_time AT TIME ZONE 'UTC')::date)`, tenantID, name)
	if err != nil {
		return err
	}
	days, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return err
	}
	for _, d := range days {
		if err := s.smartcare.createPartition(ctx, tenantID, time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteTenant deletes the tenant with everything it owns. The tenant's
// record partitions stay, empty, until retention drops them.
func (s *SnapshotStore) DeleteTenant(ctx context.Context, tenantID string) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE`, tenantID).Scan(new(int)); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return aiccd.ErrNotFound
			}
			return err
		}
		if err := deleteOwned(ctx, tx, tenantID); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		for _, q := range []string{
			`DELETE FROM request_journal WHERE tenant_id = $1`,
			`DELETE FROM tenant_snapshots WHERE tenant_id = $1`,
			`DELETE FROM smartcare_versions WHERE tenant_id = $1`,
			// Deleting a version row notifies nothing by itself.
			`SELECT pg_notify('aiccd_changes', 'smartcare ' || $1::text)`,
			`DELETE FROM tenants WHERE id = $1`,
		} {
			batch.Queue(q, tenantID)
		}
		return tx.SendBatch(ctx, batch).Close()
	})
}

// deleteOwned deletes the tenant's rows of ownedTables.
func deleteOwned(ctx context.Context, tx pgx.Tx, tenantID string) error {
	batch := &pgx.Batch{}
	for i := len(ownedTables) - 1; i >= 0; i-- {
		batch.Queue(`DELETE FROM `+ownedTables[i]+` WHERE `+ownedBy(ownedTables[i]), tenantID)
	}
	return tx.SendBatch(ctx, batch).Close()
}
