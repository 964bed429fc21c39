package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/database/planhint"
)

var routeDeviceIndex = trigramIndex{table: "called_route_device_fts", column: "device",
	sampleQuery: `SELECT device_desc_key FROM called_routes WHERE tenant_id = ?1 AND device_desc_key IS NOT NULL
		ORDER BY access_code_id, ext_code LIMIT ?2`}

const routeColumns = `r.id, r.tenant_id, a.access_code, r.ext_code, r.media_type, r.device_type, r.device_id,
	r.device_desc, r.dnid, r.editable, r.created_at, r.updated_at`

const routeFrom = `called_routes r JOIN access_codes a ON a.id = r.access_code_id`

// CreateRoute inserts r for the tenant's access code r.AccessCode, with the
// tenant's next DNID.
func (s *AccessCodeStore) CreateRoute(ctx context.Context, r accesscode.Route) (accesscode.Route, error) {
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var codeID, media int64
		if err := tx.QueryRowContext(ctx, `SELECT id, media_type FROM access_codes WHERE tenant_id = ? AND access_code = ?`,
			r.TenantID, r.AccessCode).Scan(&codeID, &media); err != nil {
			return err
		}
		if r.MediaType == 0 {
			r.MediaType = accesscode.MediaType(media)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(dnid), 0) + 1 FROM called_routes WHERE tenant_id = ?`,
			r.TenantID).Scan(&r.DNID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO called_routes (id, tenant_id, access_code_id, ext_code, media_type,
			device_type, device_id, device_desc, device_desc_key, dnid, editable, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.TenantID, codeID, deref(r.ExtCode), int64(r.MediaType), int64(r.DeviceType), r.DeviceID,
			nullable(r.DeviceDesc), nullable(accesscode.FoldOptional(r.DeviceDesc)), r.DNID, int64(r.Editable),
			r.CreatedAt.UnixMilli(), r.UpdatedAt.UnixMilli())
		if err != nil {
			return err
		}
		return routeDeviceIndex.replace(ctx, tx, r.ID, nil, accesscode.FoldOptional(r.DeviceDesc))
	})
	if err != nil {
		return accesscode.Route{}, err
	}
	return r, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// GetRoute returns the route id of tenantID.
func (s *AccessCodeStore) GetRoute(ctx context.Context, tenantID string, id int64) (accesscode.Route, error) {
	return scanRoute(s.db.read.QueryRowContext(ctx,
		`SELECT `+routeColumns+` FROM `+routeFrom+` WHERE r.tenant_id = ? AND r.id = ?`, tenantID, id))
}

// UpdateRoute rewrites the route id of tenantID with what change makes of
// it, in one write transaction.
func (s *AccessCodeStore) UpdateRoute(ctx context.Context, tenantID string, id int64, change func(accesscode.Route) (accesscode.Route, error)) (accesscode.Route, error) {
	return update(ctx, s.db, func(tx *sql.Tx) (accesscode.Route, error) {
		return scanRoute(tx.QueryRowContext(ctx,
			`SELECT `+routeColumns+` FROM `+routeFrom+` WHERE r.tenant_id = ? AND r.id = ?`, tenantID, id))
	}, change, func(tx *sql.Tx, old, r accesscode.Route) error {
		// The access code, extension code and DNID are the route's
		// identity and stay.
		if _, err := tx.ExecContext(ctx, `UPDATE called_routes SET media_type = ?, device_type = ?, device_id = ?,
			device_desc = ?, device_desc_key = ?, editable = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			int64(r.MediaType), int64(r.DeviceType), r.DeviceID, nullable(r.DeviceDesc), nullable(accesscode.FoldOptional(r.DeviceDesc)),
			int64(r.Editable), r.UpdatedAt.UnixMilli(), tenantID, id); err != nil {
			return err
		}
		if err := routeDeviceIndex.replace(ctx, tx, id, accesscode.FoldOptional(old.DeviceDesc), accesscode.FoldOptional(r.DeviceDesc)); err != nil {
			return err
		}
		return nil
	})
}

// DeleteRoute removes the route id of tenantID.
func (s *AccessCodeStore) DeleteRoute(ctx context.Context, tenantID string, id int64) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var key sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT device_desc_key FROM called_routes WHERE tenant_id = ? AND id = ?`,
			tenantID, id).Scan(&key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM called_routes WHERE tenant_id = ? AND id = ?`, tenantID, id); err != nil {
			return err
		}
		return routeDeviceIndex.replace(ctx, tx, id, stringPtr(key), nil)
	})
}

// SearchRoutes counts the tenant's routes matching f and returns the page
// from offset, in one read transaction. The device description filter is
// served like the access code description's (see Search).
func (s *AccessCodeStore) SearchRoutes(ctx context.Context, tenantID string, f accesscode.RouteFilter, offset int64, limit int) (accesscode.RoutePage, error) {
	tx, err := s.db.read.beginRead(ctx)
	if err != nil {
		return accesscode.RoutePage{}, translate(err)
	}
	defer tx.Rollback()
	page, err := searchRoutes(ctx, tx, s.db.samples, tenantID, f, offset, limit)
	return page, translate(err)
}

func searchRoutes(ctx context.Context, tx querier, samples *planhint.Cache[*sample], tenantID string, f accesscode.RouteFilter, offset int64, limit int) (accesscode.RoutePage, error) {
	empty := accesscode.RoutePage{Items: []accesscode.Route{}}
	src, err := routeSource(ctx, tx, samples, tenantID, f)
	if err != nil {
		return empty, err
	}
	page := empty
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+src.from+` WHERE `+src.cond, src.args...).Scan(&page.Total); err != nil {
		return empty, err
	}
	if limit == 0 || offset >= int64(page.Total) {
		return page, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+routeColumns+` FROM `+src.from+` WHERE `+src.cond+
		` ORDER BY a.access_code, r.ext_code, r.id LIMIT ? OFFSET ?`, append(src.args, limit, offset)...)
	if err != nil {
		return empty, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRoute(rows)
		if err != nil {
			return empty, err
		}
		page.Items = append(page.Items, r)
	}
	return page, rows.Err()
}

// routeSource is where a route search reads its rows from: the tenant's
// routes, or with a device description the candidates of its trigram
// index when the index yields fewer than the tenant has routes. CROSS
// JOIN keeps the index as the outer loop, as in the access code search.
func routeSource(ctx context.Context, tx querier, samples *planhint.Cache[*sample], tenantID string, f accesscode.RouteFilter) (rowSource, error) {
	var w where
	w.add("r.tenant_id = ?", tenantID)
	if f.AccessCode != "" {
		w.add("a.access_code = ?", f.AccessCode)
	}
	if f.ExtCode != "" {
		w.add("r.ext_code = ?", f.ExtCode)
	}
	if f.DeviceType != 0 {
		w.add("r.device_type = ?", int64(f.DeviceType))
	}
	if f.MediaType != 0 {
		w.add("r.media_type = ?", int64(f.MediaType))
	}
	if f.DeviceDesc == "" {
		return rowSource{routeFrom, w.sql(), w.args}, nil
	}
	w.add("instr(r.device_desc_key, ?) > 0", f.DeviceDesc)
	var size int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM called_routes WHERE tenant_id = ?`, tenantID).Scan(&size); err != nil {
		return rowSource{}, err
	}
	c, err := routeDeviceIndex.plan(ctx, tx, samples, tenantID, f.DeviceDesc, size)
	if err != nil || c.scan {
		return rowSource{routeFrom, w.sql(), w.args}, err
	}
	t := routeDeviceIndex.table
	return rowSource{t + " CROSS JOIN called_routes r ON r.id = " + t + ".rowid JOIN access_codes a ON a.id = r.access_code_id",
		t + " MATCH ? AND " + w.sql(), append([]any{c.match}, w.args...)}, nil
}

func scanRoute(row interface{ Scan(...any) error }) (accesscode.Route, error) {
	var r accesscode.Route
	var ext string
	var desc sql.NullString
	var media, devType, editable, created, updated int64
	if err := row.Scan(&r.ID, &r.TenantID, &r.AccessCode, &ext, &media, &devType, &r.DeviceID,
		&desc, &r.DNID, &editable, &created, &updated); err != nil {
		return accesscode.Route{}, translate(err)
	}
	if ext != "" {
		r.ExtCode = &ext
	}
	r.DeviceDesc = stringPtr(desc)
	r.MediaType, r.DeviceType, r.Editable = accesscode.MediaType(media), accesscode.DeviceType(devType), accesscode.Editable(editable)
	r.CreatedAt, r.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return r, nil
}
