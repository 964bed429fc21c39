package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd/admin"
)

type auditData struct {
	Actor   string
	Entries []admin.AuditEntry
	Older   string // the ID to page on from, when there may be more
}

// auditShown is how many entries a page of the audit log shows.
const auditShown = 100

func (c *Console) auditPage(w http.ResponseWriter, r *http.Request) error {
	q := admin.AuditQuery{Actor: strings.TrimSpace(r.URL.Query().Get("actor")), Limit: auditShown}
	q.Before, _ = strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	es, err := c.Admins.Audit(r.Context(), q)
	if err != nil {
		return err
	}
	d := auditData{Actor: q.Actor, Entries: es}
	if len(es) == auditShown {
		d.Older = strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	return c.render(w, r, http.StatusOK, "audit", view{Title: "Audit log", Nav: "audit", Data: d})
}
