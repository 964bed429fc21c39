package httpapi

import "net/http"

// WriteBadGateway answers r, which a proxy in front of another server
// could not forward, as aiccd answers a request of r's API family when a
// fault rule forces 502: in the family's own error format, so that the
// client reads it as it would read the platform's.
func WriteBadGateway(w http.ResponseWriter, r *http.Request) {
	renderForced(w, r, http.StatusBadGateway, "")
}
