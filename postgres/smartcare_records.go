package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aiccd/aiccd/smartcare"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Subscriber records on PostgreSQL: one partition of smartcare_records per
// tenant and UTC day, filled by COPY in binary format, dropped whole by
// retention.

// retentionLock is the advisory lock key that lets one replica at a time
// drop partitions ("aiccd" in ASCII, then "rt").
const retentionLock = 0x61696363647274

const day = 24 * time.Hour

// partitionName is the table of partition id.
func partitionName(id int64) string { return fmt.Sprintf("smartcare_records_p%d", id) }

// literal quotes s for the DDL statements, which take no parameters.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ensurePartitions makes sure the partitions of tenantID's days exist.
func (s *SmartCareStore) ensurePartitions(ctx context.Context, tenantID string, days map[time.Time]bool) error {
	for d := range days {
		key := tenantID + "\x00" + d.Format(time.DateOnly)
		if _, ok := s.partitions.Load(key); ok {
			continue
		}
		if err := s.createPartition(ctx, tenantID, d); err != nil {
			return err
		}
		s.partitions.Store(key, true)
	}
	return nil
}

// createPartition creates and attaches the partition of tenantID's day d,
// unless it exists. The registry row's primary key serialises replicas
// that try at once: the second waits for the first to commit, then finds
// the row and does nothing. ATTACH PARTITION takes a lock that lets
// queries and COPY into other partitions go on, unlike CREATE TABLE …
// PARTITION OF.
func (s *SmartCareStore) createPartition(ctx context.Context, tenantID string, d time.Time) error {
	return s.db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO smartcare_record_partitions (tenant_id, day) VALUES ($1, $2)
			ON CONFLICT DO NOTHING RETURNING id`, tenantID, d).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		name := pgx.Identifier{partitionName(id)}.Sanitize()
		if _, err := tx.Exec(ctx, `CREATE TABLE `+name+` (LIKE smartcare_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`); err != nil {
			return err
		}
		const layout = "2006-01-02 15:04:05+00"
		_, err = tx.Exec(ctx, fmt.Sprintf(`ALTER TABLE smartcare_records ATTACH PARTITION %s FOR VALUES FROM (%s, %s) TO (%s, %s)`,
			name, literal(tenantID), literal(d.Format(layout)), literal(tenantID), literal(d.Add(day).Format(layout))))
		return err
	})
}

// copyRecords is the COPY statement of AppendRecords, in PostgreSQL's
// binary format.
const copyRecords = `COPY smartcare_records (tenant_id, msisdn, event_time, scene_code, dims) FROM STDIN (FORMAT binary)`

// postgresEpoch is the zero of binary timestamps, in Unix microseconds.
const postgresEpoch = 946684800000000

// encodeRecords writes recs as the body of a binary COPY. Encoding by hand
// rather than through pgx's per-value encoders keeps the client's share of
// an import to a small fraction of the server's: on a machine whose cores
// the parser and the server share, that is throughput.
func encodeRecords(buf []byte, tenantID string, recs []smartcare.Record) []byte {
	buf = append(buf, "PGCOPY\n\xff\r\n\x00"...)
	buf = binary.BigEndian.AppendUint32(buf, 0) // flags
	buf = binary.BigEndian.AppendUint32(buf, 0) // header extension length
	text := func(buf []byte, s string) []byte {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
		return append(buf, s...)
	}
	for i := range recs {
		r := &recs[i]
		buf = binary.BigEndian.AppendUint16(buf, 5)
		buf = text(buf, tenantID)
		buf = text(buf, r.MSISDN)
		buf = binary.BigEndian.AppendUint32(buf, 8)
		buf = binary.BigEndian.AppendUint64(buf, uint64(r.EventTime.UnixMicro()-postgresEpoch))
		buf = text(buf, r.SceneCode)
		// dims: its length is known once written.
		at := len(buf)
		buf = binary.BigEndian.AppendUint32(buf, 0)
		for j, d := range r.Dimensions {
			if j > 0 {
				buf = append(buf, '\t')
			}
			buf = append(buf, d.Key...)
			buf = append(buf, '=')
			buf = append(buf, d.Value...)
		}
		binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	return binary.BigEndian.AppendUint16(buf, 0xffff) // end of data
}

// AppendRecords copies recs in one statement, so all or none are stored.
func (s *SmartCareStore) AppendRecords(ctx context.Context, tenantID string, recs []smartcare.Record) error {
	if len(recs) == 0 {
		return nil
	}
	days := map[time.Time]bool{}
	for i := range recs {
		days[recs[i].EventTime.UTC().Truncate(day)] = true
	}
	body := encodeRecords(make([]byte, 0, 160*len(recs)), tenantID, recs)
	for attempt := 0; ; attempt++ {
		if err := s.ensurePartitions(ctx, tenantID, days); err != nil {
			return err
		}
		// The copy and its one change commit together: a trigger would
		// notify once per record.
		err := s.db.inTx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(body), copyRecords); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `SELECT pg_notify('aiccd_changes', 'smartcare_records ' || $1::text)`, tenantID)
			return err
		})
		var pe *pgconn.PgError
		if attempt == 0 && errors.As(err, &pe) && pe.Code == "23514" {
			// "no partition of relation found for row": retention of
			// another replica dropped a partition this one remembered.
			s.forgetPartitions(tenantID)
			continue
		}
		return translate(err)
	}
}

func (s *SmartCareStore) forgetPartitions(tenantID string) {
	s.partitions.Range(func(k, _ any) bool {
		if strings.HasPrefix(k.(string), tenantID+"\x00") {
			s.partitions.Delete(k)
		}
		return true
	})
}

// recordsQuery selects msisdn's records in [from, to], earliest first, at
// most limit. It is sent unprepared, so the planner sees the tenant and
// times and prunes to the one or two partitions of the window before
// planning.
const recordsQuery = `SELECT event_time, scene_code, dims FROM smartcare_records
	WHERE tenant_id = $1 AND msisdn = $2 AND event_time >= $3 AND event_time <= $4 ORDER BY event_time LIMIT $5`

// Records returns msisdn's records in [from, to], earliest first, at most
// limit.
func (s *SmartCareStore) Records(ctx context.Context, tenantID, msisdn string, from, to time.Time, limit int) ([]smartcare.Record, error) {
	if from.After(to) {
		return nil, nil
	}
	rows, err := s.db.pool.Query(ctx, recordsQuery, pgx.QueryExecModeExec, tenantID, msisdn, from, to, limit)
	if err != nil {
		return nil, translate(err)
	}
	out, err := scanRecords(rows, msisdn)
	return out, translate(err)
}

// VersionedRecords sends the versions' look-up and the records' in one
// batch: one round trip instead of two, which under load let PostgreSQL
// serve half as many queries again (pgbench: 8,000 against 12,000 a
// second).
func (s *SmartCareStore) VersionedRecords(ctx context.Context, tenantID, msisdn string, from, to time.Time, limit int) (smartcare.Versions, []smartcare.Record, error) {
	if from.After(to) {
		v, err := s.Versions(ctx, tenantID)
		return v, nil, err
	}
	var b pgx.Batch
	b.Queue(versionsQuery, tenantID)
	b.Queue(recordsQuery, tenantID, msisdn, from, to, limit)
	br := s.db.pool.SendBatch(ctx, &b)
	defer br.Close()
	v, err := scanVersions(br.QueryRow())
	if err != nil {
		return v, nil, translate(err)
	}
	rows, err := br.Query()
	if err != nil {
		return v, nil, translate(err)
	}
	recs, err := scanRecords(rows, msisdn)
	if err != nil {
		return v, nil, translate(err)
	}
	return v, recs, translate(br.Close())
}

func scanRecords(rows pgx.Rows, msisdn string) ([]smartcare.Record, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (smartcare.Record, error) {
		var rec smartcare.Record
		var dims string
		if err := r.Scan(&rec.EventTime, &rec.SceneCode, &dims); err != nil {
			return rec, err
		}
		rec.MSISDN, rec.EventTime, rec.Dimensions = msisdn, rec.EventTime.UTC(), smartcare.DecodeDimensions(dims)
		return rec, nil
	})
}

// DeleteRecordsBefore drops the oldest of the tenant's partitions whose day
// ended at or before horizon, and returns its estimated number of rows
// (at least 1); 0 when no such partition is left. The partition is
// detached CONCURRENTLY, which waits for queries using it but blocks none,
// then dropped. limit does not apply: a partition goes whole. An advisory
// lock keeps replicas from dropping at the same time; the one that does
// not get it reports nothing left.
func (s *SmartCareStore) DeleteRecordsBefore(ctx context.Context, tenantID string, horizon time.Time, _ int) (int64, error) {
	conn, err := s.db.pool.Acquire(ctx)
	if err != nil {
		return 0, translate(err)
	}
	defer conn.Release()
	var locked bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, retentionLock).Scan(&locked); err != nil {
		return 0, translate(err)
	}
	if !locked {
		return 0, nil
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, retentionLock)

	var id int64
	err = conn.QueryRow(ctx, `SELECT id FROM smartcare_record_partitions WHERE tenant_id = $1 AND day < $2 ORDER BY day LIMIT 1`,
		tenantID, horizon.UTC().Truncate(day)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, translate(err)
	}
	name := pgx.Identifier{partitionName(id)}.Sanitize()
	var rows float64
	if err := conn.QueryRow(ctx, `SELECT COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)), 0)`, partitionName(id)).Scan(&rows); err != nil {
		return 0, translate(err)
	}
	if err := detach(ctx, conn.Conn(), name); err != nil {
		return 0, translate(err)
	}
	if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS `+name); err != nil {
		return 0, translate(err)
	}
	if _, err := conn.Exec(ctx, `DELETE FROM smartcare_record_partitions WHERE id = $1`, id); err != nil {
		return 0, translate(err)
	}
	s.forgetPartitions(tenantID)
	return max(int64(rows), 1), nil
}

// detach detaches a partition concurrently, finishing a detach an
// interrupted run left pending, and accepting one already done.
func detach(ctx context.Context, conn *pgx.Conn, name string) error {
	var attached, pending bool
	err := conn.QueryRow(ctx, `SELECT true, inhdetachpending FROM pg_inherits
		WHERE inhrelid = to_regclass($1) AND inhparent = 'smartcare_records'::regclass`, strings.Trim(name, `"`)).Scan(&attached, &pending)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // already detached, or gone
	}
	if err != nil {
		return err
	}
	if pending {
		_, err = conn.Exec(ctx, `ALTER TABLE smartcare_records DETACH PARTITION `+name+` FINALIZE`)
		return err
	}
	_, err = conn.Exec(ctx, `ALTER TABLE smartcare_records DETACH PARTITION `+name+` CONCURRENTLY`)
	return err
}

// RecordTenants lists the tenants that have record partitions.
func (s *SmartCareStore) RecordTenants(ctx context.Context) ([]string, error) {
	rows, err := s.db.pool.Query(ctx, `SELECT DISTINCT tenant_id FROM smartcare_record_partitions ORDER BY tenant_id`)
	if err != nil {
		return nil, translate(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, translate(err)
}
