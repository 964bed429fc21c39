package httpapi

import (
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/aiccd/aiccd"
)

// errCmdlineRefused answers the profiler's command line, which is not
// served: aiccd's may hold --master-key, --admin-token and the database
// password.
var errCmdlineRefused = aiccd.Errorf(aiccd.KindNotFound,
	"the command line is not served: it may hold the master key, the admin token and the database password")

// pprofHandler serves the Go profiler under /admin/debug/pprof/, behind
// the admin token: profiles show where time goes under load without a
// rebuild.
func (s *Server) pprofHandler() handlerFunc {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	h := http.StripPrefix("/admin", mux)
	return s.admin(func(w http.ResponseWriter, r *http.Request) error {
		if r.URL.Path == "/admin/debug/pprof/cmdline" {
			return errCmdlineRefused
		}
		// A CPU profile or trace runs longer than the server's write timeout.
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(5 * time.Minute))
		h.ServeHTTP(w, r)
		return nil
	})
}
