package httpapi

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/journal"
)

type ctxKey int

const requestStateKey ctxKey = iota

// requestState is what the middleware and the authenticators note about a
// request: one allocation and one context value for what would otherwise
// be several of each, and a request copy for every value added.
type requestState struct {
	id         string
	mallTenant string // the tenant authenticated by s.mall
	rec        recorder
	info       requestInfo // rec.info points here when the request is journaled
}

func requestStateFrom(ctx context.Context) *requestState {
	st, _ := ctx.Value(requestStateKey).(*requestState)
	return st
}

// requestIDFrom returns the request ID the middleware assigned.
func requestIDFrom(ctx context.Context) string {
	if st := requestStateFrom(ctx); st != nil {
		return st.id
	}
	return ""
}

// requestID returns the client's X-Request-Id when it is a sane token, so
// that a caller can correlate its own logs with ours, and a new one
// otherwise. IDs are 32 hex digits, like the gateway's request_id.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); validRequestID(id) {
		return id
	}
	var b [16]byte
	for i := range 2 {
		v := rand.Uint64()
		for j := range 8 {
			b[i*8+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(b[:])
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// recorder remembers what a handler wrote, for the access log, the
// metrics and the journal.
type recorder struct {
	http.ResponseWriter
	status  int
	bytes   int64
	errKind string
	// errDetail is the client-safe reason of a refusal, for the log and
	// the journal: families whose answers carry only the page's sentence
	// leave it out of the answer.
	errDetail string
	outcome   string       // journal.OutcomeReset when the connection was reset unanswered
	info      *requestInfo // nil when nothing is journaled
	// req and start are the request as instrument received it and when:
	// what journalOnce records.
	req      *http.Request
	start    time.Time
	recorded bool         // journalOnce has recorded the request
	head     bytes.Buffer // the start of a journaled answer
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	if rec.info != nil && rec.info.journaled {
		if room := 4*journal.MaxBody - rec.head.Len(); room > 0 {
			rec.head.Write(b[:min(n, room)])
		}
	}
	return n, err
}

func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// journalOnce journals rec's request, once: when it is answered, and
// before a reset, so that the entry exists when the client sees it.
func (s *Server) journalOnce(rec *recorder) {
	if rec.info == nil || rec.recorded {
		return
	}
	rec.recorded = true
	r := rec.req
	// A request answered before its body was read (refused, or a fault
	// rule's) is still matched by its body's fields: read what the journal
	// keeps of it.
	if hasBody(r) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 4*journal.MaxBody-int64(rec.info.body.Len())))
	}
	s.journal.Record(s.journalEntry(r, rec.info, rec, rec.start, time.Since(rec.start), routeOf(r)))
}

// routeOf is the route pattern r was served by, "unmatched" for none.
func routeOf(r *http.Request) string {
	if r.Pattern == "" || catchAll[r.Pattern] {
		return "unmatched"
	}
	return r.Pattern
}

// instrument is the outermost middleware: it assigns the request ID and
// notes the source address credentials are checked from, then writes one
// access-log line and records the metrics once the request is answered.
func (s *Server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := requestID(r)
		w.Header().Set("X-Request-Id", id)
		st := &requestState{id: id}
		rec := &st.rec
		rec.ResponseWriter = w
		if s.journal != nil && journaledFamily(familyOf(r.URL.Path)) {
			// The body is kept, masked, with --journal-bodies, and read for
			// the digests of its fields in any case (journal.MatchKeys).
			st.info.journaled = true
			rec.info = &st.info
			if hasBody(r) {
				r.Body = capturingReader{ReadCloser: r.Body, buf: &rec.info.body}
			}
		}
		ctx := context.WithValue(r.Context(), requestStateKey, st)
		ctx = credential.WithSource(ctx, sourceAddress(r))
		r = r.WithContext(ctx)
		rec.req, rec.start = r, start

		next.ServeHTTP(rec, r)

		if rec.status == 0 && rec.outcome == "" {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := routeOf(r)
		s.metrics.observe(route, rec.status, elapsed)
		s.answered.Add(1)
		s.journalOnce(rec)
		level := slog.LevelInfo
		if opsPaths[r.URL.Path] {
			level = slog.LevelDebug // probes and scrapes would drown the log
		}
		if !s.logger.Enabled(r.Context(), level) {
			return
		}
		attrs := []slog.Attr{
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", r.RemoteAddr),
		}
		if rec.errKind != "" {
			attrs = append(attrs, slog.String("error", rec.errKind))
		}
		if rec.errDetail != "" {
			attrs = append(attrs, slog.String("detail", rec.errDetail))
		}
		if rec.outcome != "" {
			attrs = append(attrs, slog.String("outcome", rec.outcome))
		}
		s.logger.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// recoverPanics turns a handler panic into the family's internal error, so
// that no client ever sees a Go stack trace or a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.ErrorContext(r.Context(), "panic", "request_id", requestIDFrom(r.Context()),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if rec, ok := w.(*recorder); ok && rec.status != 0 {
				return // the response has started; the client sees it truncated
			}
			s.writeError(w, r, aiccd.Errorf(aiccd.KindInternal, "internal error").WithCode(codePanic))
		}()
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses bodies over the configured size: at once when the
// client declares the length, and as soon as the limit is crossed when it
// streams.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.maxHeaderBytes > 0 && headerSize(r) > s.maxHeaderBytes {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, errHeadersTooLarge)
			return
		}
		limit := s.maxBodyBytes
		if isRecordUpload(r) && s.maxImport > limit {
			limit = s.maxImport
		}
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, tooLarge(limit))
			return
		}
		if hasBody(r) {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// hasBody reports whether r may have a body to limit, capture or drain:
// a request without one (the OMA GETs) has http.NoBody.
func hasBody(r *http.Request) bool { return r.Body != nil && r.Body != http.NoBody }

// headerSize is the size of the request line and header block as sent.
func headerSize(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + 12
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// isRecordUpload tells the admin API's streamed upload of SmartCare
// records (POST /admin/v1/tenants/{tenant}/smartcare/records), whose body
// has its own, larger limit. The route still requires the admin token.
func isRecordUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/admin/v1/tenants/") &&
		strings.HasSuffix(r.URL.Path, "/smartcare/records")
}
