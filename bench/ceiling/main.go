// Command ceiling is the reference the load harness compares aiccd with: a
// minimal net/http server answering every request with a small JSON body,
// the most requests per second Go's HTTP stack serves on this machine.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	flag.Parse()
	body := []byte(`{"returnCode":"0","description":"success","data":{"total":1,"calledRouteList":[{"id":"1124167935465633793","accessCode":"9911411","mediatypeId":5,"n400Number":null,"description":null,"numCallAttr":3}]}}`)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Write(body)
	})))
}
