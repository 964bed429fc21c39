package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/aiccd/aiccd/smartcare"
)

// Subscriber records on SQLite. Ingest writes multi-row INSERTs of
// recordsPerInsert rows through one prepared statement, all batches of an
// import in large transactions: SQLite's per-statement and per-commit costs
// then vanish behind the work of the B-trees. The index leads with the
// event's hour, so a feed in time order touches a small part of it.

const (
	recordColumns    = 6
	recordsPerInsert = 500 // 3,000 parameters, well below SQLite's 32,766
	hourMillis       = int64(time.Hour / time.Millisecond)
)

const insertRecordsInto = `INSERT INTO smartcare_records (tenant_id, hour, msisdn, event_time, scene_code, dims) VALUES `

var insertRecords = multiRowInsert(insertRecordsInto, recordColumns, recordsPerInsert)

// AppendRecords inserts recs in one transaction.
func (s *SmartCareStore) AppendRecords(ctx context.Context, tenantID string, recs []smartcare.Record) error {
	if len(recs) == 0 {
		return nil
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, known := s.tenantsSeen.Load(tenantID); !known {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO smartcare_record_tenants (tenant_id) VALUES (?)`, tenantID); err != nil {
				return err
			}
		}
		args := make([]any, 0, recordsPerInsert*recordColumns)
		if len(recs) >= recordsPerInsert {
			stmt, err := tx.PrepareContext(ctx, insertRecords)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for len(recs) >= recordsPerInsert {
				args = appendRecordArgs(args[:0], tenantID, recs[:recordsPerInsert])
				if _, err := stmt.ExecContext(ctx, args...); err != nil {
					return err
				}
				recs = recs[recordsPerInsert:]
			}
		}
		if len(recs) > 0 {
			args = appendRecordArgs(args[:0], tenantID, recs)
			if _, err := tx.ExecContext(ctx, multiRowInsert(insertRecordsInto, recordColumns, len(recs)), args...); err != nil {
				return err
			}
		}
		// One change for the whole append, where a trigger would add one
		// per record.
		_, err := tx.ExecContext(ctx, `INSERT INTO changes (kind, key) VALUES ('smartcare_records', ?)`, tenantID)
		return err
	})
	if err == nil {
		s.tenantsSeen.Store(tenantID, true)
	}
	return err
}

func appendRecordArgs(args []any, tenantID string, recs []smartcare.Record) []any {
	for i := range recs {
		r := &recs[i]
		t := r.EventTime.UnixMilli()
		args = append(args, tenantID, t/hourMillis, r.MSISDN, t, r.SceneCode, r.Dimensions.Encode())
	}
	return args
}

// recordStmt returns the prepared look-up of records over n hours.
func (s *SmartCareStore) recordStmt(ctx context.Context, n int) (*sql.Stmt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.recordStmts[n]; ok {
		return st, nil
	}
	// One equality per hour, not a range: SQLite then seeks each hour's
	// entries of msisdn instead of scanning all of the hours' entries.
	q := `SELECT event_time, scene_code, dims FROM smartcare_records
		WHERE tenant_id = ? AND hour IN (?` + strings.Repeat(",?", n-1) + `) AND msisdn = ? AND event_time >= ? AND event_time <= ?
		ORDER BY event_time LIMIT ?`
	st, err := s.db.read.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.recordStmts[n] = st
	return st, nil
}

// Records returns msisdn's records in [from, to], earliest first, at most
// limit.
func (s *SmartCareStore) Records(ctx context.Context, tenantID, msisdn string, from, to time.Time, limit int) ([]smartcare.Record, error) {
	f, t := from.UnixMilli(), to.UnixMilli()
	if f > t {
		return nil, nil
	}
	h0, h1 := f/hourMillis, t/hourMillis
	n := int(h1 - h0 + 1)
	stmt, err := s.recordStmt(ctx, n)
	if err != nil {
		return nil, translate(err)
	}
	args := make([]any, 0, n+5)
	args = append(args, tenantID)
	for h := h0; h <= h1; h++ {
		args = append(args, h)
	}
	args = append(args, msisdn, f, t, limit)
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []smartcare.Record
	for rows.Next() {
		var at int64
		var code, dims string
		if err := rows.Scan(&at, &code, &dims); err != nil {
			return nil, translate(err)
		}
		out = append(out, smartcare.Record{MSISDN: msisdn, EventTime: fromMS(at), SceneCode: code, Dimensions: smartcare.DecodeDimensions(dims)})
	}
	return out, translate(rows.Err())
}

// VersionedRecords reads the tenant's versions, then the records: on
// SQLite neither is a round trip, and both are prepared statements.
func (s *SmartCareStore) VersionedRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time, limit int) (smartcare.Versions, []smartcare.Record, error) {
	v, err := s.Versions(ctx, tenantID)
	if err != nil {
		return v, nil, err
	}
	recs, err := s.Records(ctx, tenantID, msisdn, from, to, limit)
	return v, recs, err
}

// DeleteRecordsBefore deletes up to limit of the tenant's records of the
// hours that ended at or before horizon. Each call is one short write
// transaction; readers are never blocked under WAL.
func (s *SmartCareStore) DeleteRecordsBefore(ctx context.Context, tenantID string, horizon time.Time, limit int) (int64, error) {
	var n int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM smartcare_records WHERE rowid IN (
			SELECT rowid FROM smartcare_records WHERE tenant_id = ? AND hour < ? LIMIT ?)`,
			tenantID, horizon.UnixMilli()/hourMillis, limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// RecordTenants lists the tenants that have records.
func (s *SmartCareStore) RecordTenants(ctx context.Context) ([]string, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT tenant_id FROM smartcare_record_tenants ORDER BY tenant_id`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, translate(err)
		}
		out = append(out, id)
	}
	return out, translate(rows.Err())
}
