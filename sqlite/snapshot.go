package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/snapshot"
)

// SnapshotStore deletes tenants and keeps their snapshots on SQLite.
type SnapshotStore struct{ db *DB }

// NewSnapshotStore returns the snapshot store of db.
func NewSnapshotStore(db *DB) *SnapshotStore { return &SnapshotStore{db: db} }

var _ snapshot.Store = (*SnapshotStore)(nil)

// ownedTables are the tables of a tenant's rows below its tenants row, in
// an order their foreign keys allow inserting them in (deletion goes the
// other way). smartcare_versions is not among them: a restore advances it
// (so that read models comparing it reload), and the request journal is
// what a test verifies, not state it sets up.
var ownedTables = []string{
	"app_keys", "tokens", "tenant_resources",
	"access_codes", "access_code_counts", "called_routes",
	"smartcare_settings", "smartcare_scenes", "smartcare_rules", "smartcare_records", "smartcare_record_tenants",
	"smartcare_tasks", "smartcare_task_queues",
	"faults",
}

// snapshotTable is one table's rows as stored: a value is a JSON null,
// number or string, or {"b": base64} for a BLOB.
// ownedBy is the condition selecting tenant ?1's rows of table. A fault
// rule scoped to one of the tenant's app keys alone is the tenant's too.
func ownedBy(table string) string {
	switch table {
	case "tenants":
		return "id = ?1"
	case "faults":
		return "tenant_id = ?1 OR (tenant_id = '' AND app_key IN (SELECT app_key FROM app_keys WHERE tenant_id = ?1))"
	}
	return "tenant_id = ?1"
}

type snapshotTable struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

type snapshotData struct {
	Tables map[string]*snapshotTable `json:"tables"`
}

type blobValue struct {
	B []byte `json:"b"`
}

// Capture reads the tenant's rows in one read transaction.
func (s *SnapshotStore) Capture(ctx context.Context, tenantID string, maxRows, maxBytes int64) (snapshot.Snapshot, error) {
	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return snapshot.Snapshot{}, translate(err)
	}
	defer tx.Rollback()
	version, err := schemaVersion(ctx, tx)
	if err != nil {
		return snapshot.Snapshot{}, err
	}
	data := snapshotData{Tables: map[string]*snapshotTable{}}
	var rows int64
	read := func(table string) error {
		t, err := readTable(ctx, tx, table, tenantID, maxRows-rows)
		if err != nil {
			return err
		}
		rows += int64(len(t.Rows))
		data.Tables[table] = t
		return nil
	}
	if err := read("tenants"); err != nil {
		return snapshot.Snapshot{}, err
	}
	if len(data.Tables["tenants"].Rows) == 0 {
		return snapshot.Snapshot{}, aiccd.ErrNotFound
	}
	for _, table := range ownedTables {
		if err := read(table); err != nil {
			return snapshot.Snapshot{}, err
		}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return snapshot.Snapshot{}, err
	}
	if int64(len(b)) > maxBytes {
		return snapshot.Snapshot{}, aiccd.Errorf(aiccd.KindTooLarge, "the tenant's rows take more than %d bytes, the most a snapshot holds", maxBytes)
	}
	return snapshot.Snapshot{Tenant: tenantID, Schema: version, Rows: rows, Data: b}, nil
}

// readTable reads the tenant's rows of table, up to limit of them (an
// error of KindTooLarge past it).
func readTable(ctx context.Context, tx *sql.Tx, table, tenantID string, limit int64) (*snapshotTable, error) {
	rs, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+ownedBy(table), tenantID)
	if err != nil {
		return nil, translate(err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	t := &snapshotTable{Columns: cols, Rows: [][]any{}}
	for rs.Next() {
		if int64(len(t.Rows)) >= limit {
			return nil, aiccd.Errorf(aiccd.KindTooLarge, "the tenant has more than %d rows, the most a snapshot holds", snapshot.MaxRows)
		}
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, translate(err)
		}
		for i, v := range row {
			if b, ok := v.([]byte); ok {
				row[i] = blobValue{B: b}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, translate(rs.Err())
}

// Save stores the snapshot unless its name is taken or the tenant has
// maxCount already.
func (s *SnapshotStore) Save(ctx context.Context, snap snapshot.Snapshot, maxCount int) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tenant_snapshots WHERE tenant_id = ?`, snap.Tenant).Scan(&n); err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tenant_snapshots WHERE tenant_id = ? AND name = ?`, snap.Tenant, snap.Name).Scan(&taken); err != nil {
			return err
		}
		if taken == 0 && n >= maxCount {
			return aiccd.Errorf(aiccd.KindConflict, "tenant %q has %d snapshots, the most it may keep: delete one first", snap.Tenant, n)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tenant_snapshots (tenant_id, name, created_at, schema_version, size, row_count, data)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, snap.Tenant, snap.Name, snap.CreatedAt.UnixMilli(), snap.Schema, snap.Size, snap.Rows, snap.Data)
		return err
	})
}

// List returns the tenant's snapshots by name, or aiccd.ErrNotFound for
// an unknown tenant.
func (s *SnapshotStore) List(ctx context.Context, tenantID string) ([]snapshot.Snapshot, error) {
	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM tenants WHERE id = ?`, tenantID).Scan(&one); err != nil {
		return nil, translate(err)
	}
	rs, err := tx.QueryContext(ctx, `SELECT name, created_at, schema_version, size, row_count FROM tenant_snapshots
		WHERE tenant_id = ? ORDER BY name`, tenantID)
	if err != nil {
		return nil, translate(err)
	}
	defer rs.Close()
	out := []snapshot.Snapshot{}
	for rs.Next() {
		sn := snapshot.Snapshot{Tenant: tenantID}
		var at int64
		if err := rs.Scan(&sn.Name, &at, &sn.Schema, &sn.Size, &sn.Rows); err != nil {
			return nil, translate(err)
		}
		sn.CreatedAt = time.UnixMilli(at).UTC()
		out = append(out, sn)
	}
	return out, translate(rs.Err())
}

// Delete deletes one snapshot.
func (s *SnapshotStore) Delete(ctx context.Context, tenantID, name string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tenant_snapshots WHERE tenant_id = ? AND name = ?`, tenantID, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return aiccd.ErrNotFound
		}
		return nil
	})
}

// Restore replaces the tenant's rows with the snapshot's in one write
// transaction.
func (s *SnapshotStore) Restore(ctx context.Context, tenantID, name string) (snapshot.Snapshot, error) {
	sn := snapshot.Snapshot{Tenant: tenantID, Name: name}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var at int64
		var raw []byte
		if err := tx.QueryRowContext(ctx, `SELECT created_at, schema_version, size, row_count, data FROM tenant_snapshots
			WHERE tenant_id = ? AND name = ?`, tenantID, name).Scan(&at, &sn.Schema, &sn.Size, &sn.Rows, &raw); err != nil {
			return err
		}
		sn.CreatedAt = time.UnixMilli(at).UTC()
		version, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if version != sn.Schema {
			return aiccd.Errorf(aiccd.KindConflict, "snapshot %q was taken at schema version %d and the database is at %d: take it again", name, sn.Schema, version)
		}
		data, err := decodeSnapshot(raw)
		if err != nil {
			return err
		}
		if err := deleteOwned(ctx, tx, tenantID); err != nil {
			return err
		}
		if err := updateTenantRow(ctx, tx, tenantID, data.Tables["tenants"]); err != nil {
			return err
		}
		for _, table := range ownedTables {
			if t := data.Tables[table]; t != nil {
				if err := insertRows(ctx, tx, table, t); err != nil {
					return err
				}
			}
		}
		if err := indexOwned(ctx, tx, tenantID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO smartcare_versions (tenant_id, config_version, rules_version) VALUES (?, 1, 1)
			ON CONFLICT (tenant_id) DO UPDATE SET config_version = config_version + 1, rules_version = rules_version + 1`, tenantID)
		return err
	})
	if err != nil {
		return snapshot.Snapshot{}, err
	}
	// The plan figures of the tenant's searches describe rows it no
	// longer has.
	s.db.samples.Clear()
	return sn, nil
}

// DeleteTenant deletes the tenant with everything it owns.
func (s *SnapshotStore) DeleteTenant(ctx context.Context, tenantID string) error {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM tenants WHERE id = ?`, tenantID).Scan(&one); err != nil {
			return err
		}
		if err := deleteOwned(ctx, tx, tenantID); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM request_journal WHERE tenant_id = ?`,
			`DELETE FROM tenant_snapshots WHERE tenant_id = ?`,
			`DELETE FROM smartcare_versions WHERE tenant_id = ?`,
			// Deleting a version row notifies nothing by itself.
			`INSERT INTO changes (kind, key) VALUES ('smartcare', ?)`,
			`DELETE FROM tenants WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, tenantID); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.db.samples.Clear()
	}
	return err
}

// deleteOwned deletes the tenant's rows of ownedTables, and their text
// from the search indexes, which keep no copy of their own to delete by.
func deleteOwned(ctx context.Context, tx *sql.Tx, tenantID string) error {
	for _, q := range []string{
		`INSERT INTO access_code_fts (access_code_fts, rowid, code) SELECT 'delete', id, access_code || char(1, 1) FROM access_codes WHERE tenant_id = ?`,
		`INSERT INTO access_code_description_fts (access_code_description_fts, rowid, description)
			SELECT 'delete', id, description_key || char(1, 1) FROM access_codes WHERE tenant_id = ? AND description_key IS NOT NULL`,
		`INSERT INTO called_route_device_fts (called_route_device_fts, rowid, device)
			SELECT 'delete', id, device_desc_key || char(1, 1) FROM called_routes WHERE tenant_id = ? AND device_desc_key IS NOT NULL`,
	} {
		if _, err := tx.ExecContext(ctx, q, tenantID); err != nil {
			return err
		}
	}
	for i := len(ownedTables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+ownedTables[i]+` WHERE `+ownedBy(ownedTables[i]), tenantID); err != nil {
			return err
		}
	}
	return nil
}

// indexOwned indexes the text of the tenant's access codes and called
// routes, as the stores do when they insert them.
func indexOwned(ctx context.Context, tx *sql.Tx, tenantID string) error {
	if err := codeIndex.addFrom(ctx, tx, `SELECT id, access_code AS text FROM access_codes WHERE tenant_id = ?`, tenantID); err != nil {
		return err
	}
	if err := descriptionIndex.addFrom(ctx, tx, `SELECT id, description_key AS text FROM access_codes WHERE tenant_id = ? AND description_key IS NOT NULL`, tenantID); err != nil {
		return err
	}
	return routeDeviceIndex.addFrom(ctx, tx, `SELECT id, device_desc_key AS text FROM called_routes WHERE tenant_id = ? AND device_desc_key IS NOT NULL`, tenantID)
}

// updateTenantRow writes the snapshot's tenants row over the tenant's,
// advancing the revision from the one stored rather than taking it back.
func updateTenantRow(ctx context.Context, tx *sql.Tx, tenantID string, t *snapshotTable) error {
	if t == nil || len(t.Rows) != 1 {
		return errors.New("snapshot: no tenants row")
	}
	var set []string
	var args []any
	for i, c := range t.Columns {
		switch c {
		case "id":
			continue
		case "revision":
			set = append(set, "revision = revision + 1")
			continue
		}
		set = append(set, quoteIdent(c)+" = ?")
		args = append(args, t.Rows[0][i])
	}
	args = append(args, tenantID)
	res, err := tx.ExecContext(ctx, `UPDATE tenants SET `+strings.Join(set, ", ")+` WHERE id = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return aiccd.ErrNotFound
	}
	return nil
}

// insertRows inserts t's rows into table, as many a statement as SQLite's
// limit of parameters allows.
func insertRows(ctx context.Context, tx *sql.Tx, table string, t *snapshotTable) error {
	if len(t.Rows) == 0 {
		return nil
	}
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c)
	}
	head := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES `
	per := max(1, 30000/len(cols))
	args := make([]any, 0, per*len(cols))
	for rest := t.Rows; len(rest) > 0; {
		n := min(per, len(rest))
		args = args[:0]
		for _, row := range rest[:n] {
			if len(row) != len(cols) {
				return fmt.Errorf("snapshot: a row of %s has %d values for %d columns", table, len(row), len(cols))
			}
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, multiRowInsert(head, len(cols), n), args...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// decodeSnapshot reads a snapshot's data back into driver values.
func decodeSnapshot(raw []byte) (snapshotData, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var data snapshotData
	if err := dec.Decode(&data); err != nil {
		return snapshotData{}, fmt.Errorf("snapshot: %w", err)
	}
	for name, t := range data.Tables {
		for _, row := range t.Rows {
			for i, v := range row {
				switch v := v.(type) {
				case json.Number:
					if n, err := v.Int64(); err == nil {
						row[i] = n
					} else if f, err := v.Float64(); err == nil {
						row[i] = f
					} else {
						return snapshotData{}, fmt.Errorf("snapshot: %s: number %s", name, v)
					}
				case map[string]any:
					s, _ := v["b"].(string)
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						return snapshotData{}, fmt.Errorf("snapshot: %s: %w", name, err)
					}
					row[i] = b
				}
			}
		}
	}
	return data, nil
}
