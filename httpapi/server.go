// Package httpapi serves aiccd's APIs over HTTP: the route table, the
// middleware every request passes through, the handlers of each API family
// and the one mapper from domain errors to each family's wire format.
package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"time"
	"unicode/utf8"

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
	"github.com/aiccd/aiccd/snapshot"
	"github.com/aiccd/aiccd/tenant"
	"github.com/prometheus/client_golang/prometheus"
)

// Database is all the server asks of the database besides its stores:
// whether it answers (/readyz) and its pools' figures (/metrics).
// *database.DB is one.
type Database interface {
	Ping(ctx context.Context) error
	PoolStats() []database.PoolStats
}

// Options are what a Server is built from.
type Options struct {
	Logger       *slog.Logger
	DB           Database
	Clock        aiccd.Clock
	MaxBodyBytes int64
	// MaxHeaderBytes bounds the request header block; larger ones get 431
	// in the family's format. (The HTTP server's own, plain-text limit is
	// set well above it; see Serve.)
	MaxHeaderBytes int
	// AdminToken opens the admin API under /admin/v1/; empty keeps it off.
	AdminToken string

	Tenants     *tenant.Service
	Credentials *credential.Service
	// Feed is the change feed the services' read models follow, for
	// metrics; nil: none.
	Feed *changefeed.Hub

	// Faults injects the failures integrators configure; nil disables it.
	Faults *fault.Service
	// Journal records each tenant's requests; nil disables it. With
	// JournalBodies the (masked) bodies are kept too.
	Journal       *journal.Journal
	JournalBodies bool

	Customers   *partner.Service
	SmartCare   *smartcare.Service
	AccessCodes *accesscode.Service
	// Snapshots deletes tenants and keeps their snapshots.
	Snapshots *snapshot.Service
	// MaxImportBytes bounds the streamed record uploads of the admin API,
	// which are far larger than any other request.
	MaxImportBytes int64
	// Registry receives the server's metrics; a new one is made when nil.
	Registry *prometheus.Registry
	// Console serves the web console under /console/; nil leaves it out.
	Console http.Handler
	// Admins records the changes made with the admin token in the audit
	// log the console keeps; nil records none.
	Admins *admin.Service
	// CORSOrigins are the origins whose pages may call the vendor
	// endpoints (exact origins, or "*"); none: CORS off (cors.go).
	CORSOrigins []string
}

// Server is aiccd's HTTP interface. It is an http.Handler.
type Server struct {
	logger         *slog.Logger
	db             Database
	clock          aiccd.Clock
	maxBodyBytes   int64
	maxHeaderBytes int
	adminToken     string
	admins         *admin.Service
	tenants        *tenant.Service
	credentials    *credential.Service
	faults         *fault.Service
	journal        *journal.Journal
	journalBodies  bool
	registry       *prometheus.Registry
	metrics        *metrics
	mux            *http.ServeMux
	patterns       []string // every endpoint's route pattern, in routes.go's order
	handler        http.Handler
	draining       atomic.Bool  // set when the server is shutting down
	answered       atomic.Int64 // requests answered since start
	customers      *partner.Service
	smartcare      *smartcare.Service
	accessCodes    *accesscode.Service
	snapshots      *snapshot.Service
	maxImport      int64
	console        http.Handler
	corsPolicy     *corsPolicy // nil: CORS off
}

// Routes returns the route pattern of every endpoint, in routes.go's
// order ("POST /v3/auth/tokens"): what the OpenAPI document must describe.
func (s *Server) Routes() []string { return slices.Clone(s.patterns) }

// Answered returns how many requests the server has answered.
func (s *Server) Answered() int64 { return s.answered.Load() }

// setDraining makes /readyz answer 503 from now on.
func (s *Server) setDraining() { s.draining.Store(true) }

// New returns a Server with every route registered.
func New(o Options) *Server {
	s := &Server{
		logger:         o.Logger,
		db:             o.DB,
		clock:          o.Clock,
		maxBodyBytes:   o.MaxBodyBytes,
		maxHeaderBytes: o.MaxHeaderBytes,
		adminToken:     o.AdminToken,
		admins:         o.Admins,
		tenants:        o.Tenants,
		credentials:    o.Credentials,
		faults:         o.Faults,
		journal:        o.Journal,
		journalBodies:  o.JournalBodies,
		registry:       o.Registry,
		customers:      o.Customers,
		smartcare:      o.SmartCare,
		accessCodes:    o.AccessCodes,
		snapshots:      o.Snapshots,
		maxImport:      o.MaxImportBytes,
		console:        o.Console,
		corsPolicy:     newCORSPolicy(o.CORSOrigins),
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = aiccd.SystemClock
	}
	if s.maxBodyBytes <= 0 {
		s.maxBodyBytes = 1 << 20
	}
	if s.registry == nil {
		s.registry = prometheus.NewRegistry()
	}
	var pools func() []database.PoolStats
	if s.db != nil {
		pools = s.db.PoolStats
	}
	s.metrics = newMetrics(s.registry, pools, o.Feed)
	s.mux = s.routes()
	s.buildHandler()
	return s
}

// buildHandler chains the middleware around the router (docs/architecture.md,
// "One request").
func (s *Server) buildHandler() {
	inner := s.recoverPanics(s.limitBody(http.HandlerFunc(s.dispatch)))
	if s.corsPolicy != nil {
		inner = s.cors(inner) // before any answer is written, so that errors carry it too
	}
	s.handler = s.instrument(inner)
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// dispatch routes a request. Paths the mux would redirect (dot segments,
// doubled slashes) are answered as unknown instead: a redirect is not in
// any family's format, and such paths are never what a client meant.
// Neither are paths whose decoded form is not valid UTF-8 or holds control
// characters: no ID has them, and a path segment must not carry a NUL
// byte to PostgreSQL, which refuses it in text.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if !cleanPath(r.URL.Path) {
		s.writeError(w, r, errNotFound)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func cleanPath(p string) bool {
	if p == "" || p[0] != '/' || !utf8.ValidString(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f {
			return false
		}
		if p[i] != '/' {
			continue
		}
		rest := p[i+1:]
		switch {
		case len(rest) > 0 && rest[0] == '/':
			return false
		case rest == "." || rest == ".." || hasPrefix(rest, "./") || hasPrefix(rest, "../"):
			return false
		}
	}
	return true
}

func hasPrefix(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// handlerFunc is the shape of every API handler: it writes a response and
// returns nil, or returns an error for writeError to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// api adapts a handlerFunc to http.Handler.
func (s *Server) api(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// ServeOptions are the connection-level limits of a listening server.
type ServeOptions struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	MaxHeaderBytes    int
	ShutdownTimeout   time.Duration
	// ShutdownDelay keeps serving, with /readyz red, before shutting down.
	ShutdownDelay time.Duration
	// TLSCertFile and TLSKeyFile, when both set, serve HTTPS.
	TLSCertFile string
	TLSKeyFile  string
}

// Serve answers requests on ln with h until ctx is done, then stops
// accepting connections and lets requests in flight finish within
// ShutdownTimeout. Request contexts do not derive from ctx, so a shutdown
// does not cancel work that is already under way.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, o ServeOptions, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		// The parser's own limit answers in plain text; the family-format
		// limit (Options.MaxHeaderBytes) is checked by the middleware below it.
		MaxHeaderBytes: max(4*o.MaxHeaderBytes, 1<<20),
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if o.TLSCertFile != "" {
			errc <- srv.ServeTLS(ln, o.TLSCertFile, o.TLSKeyFile)
			return
		}
		errc <- srv.Serve(ln)
	}()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if d, ok := h.(interface{ setDraining() }); ok {
		d.setDraining() // readiness turns red for load balancers
	}
	if o.ShutdownDelay > 0 {
		// Keep serving while load balancers notice and stop sending.
		logger.Info("draining before shutdown", "delay", o.ShutdownDelay.String())
		select {
		case <-time.After(o.ShutdownDelay):
		case err := <-errc:
			return err
		}
	}
	logger.Info("shutting down", "timeout", o.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
