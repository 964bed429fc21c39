// Package console is aiccd's web console: server-rendered pages under
// /console/ from which named users (package admin) inspect and operate a
// running aiccd. It is an adapter like httpapi: its handlers call the same
// domain services the admin API calls, and every change is written to the
// audit log. Templates, style and script are embedded, so the binary
// serves the console with nothing else installed.
package console

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/admin"
	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/database"
	"github.com/aiccd/aiccd/fault"
	"github.com/aiccd/aiccd/journal"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
	"github.com/prometheus/client_golang/prometheus"
)

// Prefix is where the console is served.
const Prefix = "/console/"

// Options are what a Console is built from.
type Options struct {
	Logger *slog.Logger
	Clock  aiccd.Clock
	// AdminToken, when set, turns the console on even before any user
	// exists (its sign-in page then says how to create one). The token
	// itself never signs in to the console.
	AdminToken string

	Admins      *admin.Service
	Tenants     *tenant.Service
	Credentials *credential.Service
	Faults      *fault.Service
	Journal     *journal.Journal // nil without a journal
	Customers   *partner.Service
	SmartCare   *smartcare.Service
	AccessCodes *accesscode.Service

	// DB and Metrics feed the overview: the engine and its schema, and
	// the server's request series.
	DB      *database.DB
	Metrics prometheus.Gatherer
	// Redis reports whether Redis answers; nil when aiccd runs without it.
	Redis func(context.Context) error
	// Feed is the change feed the read models follow; nil: none.
	Feed *changefeed.Hub
	// Version is aiccd's version; Started is when the process started.
	Version string
	Started time.Time
}

// Console serves the web console. It is an http.Handler for Prefix.
type Console struct {
	Options
	mux     *http.ServeMux
	pages   pages
	samples *sampler
	jobs    jobs // the access code uploads of the last hour
}

// New returns a Console with every page registered.
func New(o Options) *Console {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = aiccd.SystemClock
	}
	c := &Console{Options: o, pages: parsePages(), samples: newSampler(o.Metrics)}
	c.mux = c.routes()
	return c
}

// ServeHTTP answers a request under Prefix, with the console's security
// headers on every answer.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if r.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.mux.ServeHTTP(w, r)
}

// contentSecurityPolicy allows the console's own script, style and
// requests and nothing else: no inline script or style, no frames, no
// form posted elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Run keeps the overview's request figures and forgets expired sessions
// until ctx is done.
func (c *Console) Run(ctx context.Context) {
	sample := time.NewTicker(sampleEvery)
	defer sample.Stop()
	clean := time.NewTicker(time.Hour)
	defer clean.Stop()
	c.samples.take(c.Clock.Now()) // the first rates are from start-up on
	for {
		select {
		case <-ctx.Done():
			return
		case <-sample.C:
			c.samples.take(c.Clock.Now())
		case <-clean.C:
			if err := c.Admins.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
				c.Logger.Warn("deleting expired console sessions", "err", err)
			}
		}
	}
}
