package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/jackc/pgx/v5"
)

const routeColumns = `r.id, r.tenant_id, a.access_code, r.ext_code, r.media_type, r.device_type, r.device_id,
	r.device_desc, r.dnid, r.editable, r.created_at, r.updated_at`

const routeFrom = `called_routes r JOIN access_codes a ON a.id = r.access_code_id`

// CreateRoute inserts r for the tenant's access code r.AccessCode, with the
// tenant's next DNID. Route creations of one tenant take turns on the
// tenant's row, so that DNIDs are assigned without gaps or clashes.
func (s *AccessCodeStore) CreateRoute(ctx context.Context, r accesscode.Route) (accesscode.Route, error) {
	err := s.db.inTx(ctx, func(tx pgx.Tx) error {
		// NO KEY UPDATE does not block inserts that only refer to the
		// tenant.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE`, r.TenantID); err != nil {
			return err
		}
		var codeID int64
		var media int16
		if err := tx.QueryRow(ctx, `SELECT id, media_type FROM access_codes WHERE tenant_id = $1 AND access_code = $2`,
			r.TenantID, r.AccessCode).Scan(&codeID, &media); err != nil {
			return err
		}
		if r.MediaType == 0 {
			r.MediaType = accesscode.MediaType(media)
		}
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(dnid), 0) + 1 FROM called_routes WHERE tenant_id = $1`,
			r.TenantID).Scan(&r.DNID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO called_routes (id, tenant_id, access_code_id, ext_code, media_type,
			device_type, device_id, device_desc, device_desc_key, dnid, editable, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			r.ID, r.TenantID, codeID, deref(r.ExtCode), int16(r.MediaType), int16(r.DeviceType), r.DeviceID,
			r.DeviceDesc, accesscode.FoldOptional(r.DeviceDesc), r.DNID, int16(r.Editable), r.CreatedAt, r.UpdatedAt)
		return err
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
	return scanRoute(s.db.pool.QueryRow(ctx,
		`SELECT `+routeColumns+` FROM `+routeFrom+` WHERE r.tenant_id = $1 AND r.id = $2`, tenantID, id))
}

// UpdateRoute rewrites the route id of tenantID with what change makes of
// it, holding the row's lock in between.
func (s *AccessCodeStore) UpdateRoute(ctx context.Context, tenantID string, id int64, change func(accesscode.Route) (accesscode.Route, error)) (accesscode.Route, error) {
	return update(ctx, s.db, func(tx pgx.Tx) (accesscode.Route, error) {
		return scanRoute(tx.QueryRow(ctx,
			`SELECT `+routeColumns+` FROM `+routeFrom+` WHERE r.tenant_id = $1 AND r.id = $2 FOR UPDATE OF r`, tenantID, id))
	}, change, func(tx pgx.Tx, _, r accesscode.Route) error {
		// The access code, extension code and DNID are the route's
		// identity and stay.
		_, err := tx.Exec(ctx, `UPDATE called_routes SET media_type = $1, device_type = $2, device_id = $3,
			device_desc = $4, device_desc_key = $5, editable = $6, updated_at = $7 WHERE tenant_id = $8 AND id = $9`,
			int16(r.MediaType), int16(r.DeviceType), r.DeviceID, r.DeviceDesc, accesscode.FoldOptional(r.DeviceDesc),
			int16(r.Editable), r.UpdatedAt, tenantID, id)
		return err
	})
}

// DeleteRoute removes the route id of tenantID.
func (s *AccessCodeStore) DeleteRoute(ctx context.Context, tenantID string, id int64) error {
	tag, err := s.db.pool.Exec(ctx, `DELETE FROM called_routes WHERE tenant_id = $1 AND id = $2`, tenantID, id)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return aiccd.ErrNotFound
	}
	return nil
}

// SearchRoutes counts the tenant's routes matching f and returns the page
// from offset, in one statement, sent unprepared so that it is planned
// for its own terms, as an access code description search is.
func (s *AccessCodeStore) SearchRoutes(ctx context.Context, tenantID string, f accesscode.RouteFilter, offset int64, limit int) (accesscode.RoutePage, error) {
	var a args
	q := routeSearchSQL(routeConditions(&a, tenantID, f), &a, offset, limit)
	rows, err := s.db.pool.Query(ctx, q, append([]any{pgx.QueryExecModeExec}, a...)...)
	if err != nil {
		return accesscode.RoutePage{}, translate(err)
	}
	return readRouteRows(rows, limit > 0)
}

// routeConditions is the WHERE clause of f on called_routes r joined to
// access_codes a, its parameters added to a.
func routeConditions(a *args, tenantID string, f accesscode.RouteFilter) string {
	conds := []string{"r.tenant_id = " + a.add(tenantID)}
	if f.AccessCode != "" {
		conds = append(conds, "a.access_code = "+a.add(f.AccessCode))
	}
	if f.ExtCode != "" {
		conds = append(conds, "r.ext_code = "+a.add(f.ExtCode))
	}
	if f.DeviceType != 0 {
		conds = append(conds, "r.device_type = "+a.add(int16(f.DeviceType)))
	}
	if f.MediaType != 0 {
		conds = append(conds, "r.media_type = "+a.add(int16(f.MediaType)))
	}
	if f.DeviceDesc != "" {
		conds = append(conds, `r.device_desc_key LIKE `+a.add(containsPattern(f.DeviceDesc))+` ESCAPE '\'`)
	}
	return strings.Join(conds, " AND ")
}

// routeSearchSQL is the statement of a route search: the total in its
// first column, then with a page the page's columns, joined to the
// total's one row so that an empty page still returns the total.
func routeSearchSQL(where string, a *args, offset int64, limit int) string {
	q := `SELECT (SELECT count(*) FROM ` + routeFrom + ` WHERE ` + where + `)::bigint`
	if limit > 0 {
		q += `, p.* FROM (SELECT 1) one LEFT JOIN (SELECT ` + routeColumns + ` FROM ` + routeFrom +
			` WHERE ` + where + ` ORDER BY a.access_code, r.ext_code, r.id LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset) + `) p ON true
			ORDER BY p.access_code, p.ext_code, p.id`
	}
	return q
}

// readRouteRows reads a route search's rows: the total, and with a page
// the page's columns, NULL in the one row of an empty page.
func readRouteRows(rows pgx.Rows, withPage bool) (accesscode.RoutePage, error) {
	defer rows.Close()
	page := accesscode.RoutePage{Items: []accesscode.Route{}}
	for rows.Next() {
		var total int64
		var id, deviceID, dnid *int64
		var tenant, code, ext *string
		var media, devType, editable *int16
		var created, updated *time.Time
		var r accesscode.Route
		dest := []any{&total}
		if withPage {
			dest = append(dest, &id, &tenant, &code, &ext, &media, &devType, &deviceID, &r.DeviceDesc, &dnid, &editable, &created, &updated)
		}
		if err := rows.Scan(dest...); err != nil {
			return accesscode.RoutePage{}, translate(err)
		}
		page.Total = int(total)
		if id == nil {
			continue // the page is empty
		}
		r.ID, r.TenantID, r.AccessCode, r.DeviceID, r.DNID = *id, *tenant, *code, *deviceID, *dnid
		if *ext != "" {
			r.ExtCode = ext
		}
		r.MediaType, r.DeviceType, r.Editable = accesscode.MediaType(*media), accesscode.DeviceType(*devType), accesscode.Editable(*editable)
		r.CreatedAt, r.UpdatedAt = created.UTC(), updated.UTC()
		page.Items = append(page.Items, r)
	}
	return page, translate(rows.Err())
}

func scanRoute(row pgx.Row) (accesscode.Route, error) {
	var r accesscode.Route
	var ext string
	var media, devType, editable int16
	if err := row.Scan(&r.ID, &r.TenantID, &r.AccessCode, &ext, &media, &devType, &r.DeviceID,
		&r.DeviceDesc, &r.DNID, &editable, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return accesscode.Route{}, translate(err)
	}
	if ext != "" {
		r.ExtCode = &ext
	}
	r.MediaType, r.DeviceType, r.Editable = accesscode.MediaType(media), accesscode.DeviceType(devType), accesscode.Editable(editable)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}
