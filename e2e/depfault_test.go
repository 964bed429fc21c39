package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

// proxy forwards TCP connections to a target and can be stopped, which
// drops every connection and refuses new ones, as a stopped database
// server does, and started again on the same port.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target, conns: map[net.Conn]bool{}}
	p.start(t)
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start(t *testing.T) {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.forward(c)
		}
	}()
}

func (p *proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[up] = true, true
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// TestDatabaseOutage stops PostgreSQL (through a proxy) under load:
// readiness turns red, requests fail fast in their family's format, and
// when the database is back aiccd recovers without a restart.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("stops and restarts a database connection")
	}
	dsn := dbtest.PostgresURL(t)
	u, _ := url.Parse(dsn)
	p := newProxy(t, u.Host)
	u.Host = p.addr
	u.RawQuery = "sslmode=disable&connect_timeout=2"
	s := start(t, t.TempDir(), "--database", u.String(), "--demo")

	ready := func() int {
		resp, err := httpClient.Get(s.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	token := func() (int, map[string]any, time.Duration) {
		began := time.Now()
		resp, err := httpClient.Post(s.URL+"/apigovernance/api/oauth/tokenByAkSk", "application/json",
			strings.NewReader(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body, time.Since(began)
	}
	waitFor := func(what string, cond func() bool) time.Duration {
		began := time.Now()
		for !cond() {
			if time.Since(began) > 15*time.Second {
				t.Fatalf("%s: not within 15s\n%s", what, s.logs)
			}
			time.Sleep(100 * time.Millisecond)
		}
		return time.Since(began)
	}

	if code, _, _ := token(); code != 200 || ready() != 200 {
		t.Fatalf("before the outage: token %d, ready %d", code, ready())
	}
	// Load throughout: every answer is a success or the gateway's 502.
	stopLoad := make(chan struct{})
	var load sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 8 {
		load.Go(func() {
			for {
				select {
				case <-stopLoad:
					return
				default:
				}
				code, _, _ := token()
				mu.Lock()
				statuses[code]++
				mu.Unlock()
			}
		})
	}
	defer func() {
		close(stopLoad)
		load.Wait()
		t.Logf("answers under load: %v", statuses)
		for code := range statuses {
			if code != 200 && code != http.StatusBadGateway {
				t.Errorf("answered %d under load", code)
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	p.stop()
	took := waitFor("readiness red", func() bool { return ready() == http.StatusServiceUnavailable })
	t.Logf("readyz red %s after the database stopped", took.Round(time.Millisecond))
	for range 5 {
		code, body, took := token()
		if code != http.StatusBadGateway || body["error_code"] != "APIG.0202" {
			t.Fatalf("during the outage: %d %v", code, body)
		}
		if took > 3*time.Second {
			t.Fatalf("a request took %s to fail during the outage", took)
		}
	}
	p.start(t)
	took = waitFor("recovery", func() bool { code, _, _ := token(); return code == 200 && ready() == 200 })
	t.Logf("recovered %s after the database came back", took.Round(time.Millisecond))
}
