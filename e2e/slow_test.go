package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

// TestSlowClientsAreCutOff opens slowloris connections (headers a byte at
// a time) and slow-body uploads: the server closes them at its timeouts,
// and other clients are served meanwhile.
func TestSlowClientsAreCutOff(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, "--database", dbtest.SQLiteURL(t), "--read-header-timeout", "1s", "--read-timeout", "2s")
	addr := strings.TrimPrefix(s.URL, "http://")

	var cut atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			start := time.Now()
			var payload string
			if i%2 == 0 { // slowloris: headers never end
				payload = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
			} else { // slow body: a promised body that trickles
				payload = "POST /apigovernance/api/oauth/tokenByAkSk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
			}
			for j := 0; ; j++ {
				b := "a"
				if j < len(payload) {
					b = payload[j : j+1]
				}
				if _, err := conn.Write([]byte(b)); err != nil {
					break
				}
				conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
				if _, err := conn.Read(make([]byte, 512)); err == io.EOF || (err != nil && !isTimeout(err)) {
					break
				}
				if time.Since(start) > 10*time.Second {
					t.Errorf("slow connection %d still open after 10s", i)
					return
				}
			}
			if time.Since(start) < 900*time.Millisecond {
				t.Errorf("slow connection %d closed after %s, before the timeout", i, time.Since(start))
			}
			cut.Add(1)
		})
	}
	// Meanwhile others are answered promptly.
	for range 20 {
		began := time.Now()
		resp, err := httpClient.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if took := time.Since(began); took > 500*time.Millisecond {
			t.Errorf("a normal request took %s while slow clients were connected", took)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	if cut.Load() != 40 {
		t.Fatalf("%d of 40 slow connections were cut off", cut.Load())
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestDisconnectMidRequestWritesNothing sends half a body and hangs up:
// nothing of the request is stored.
func TestDisconnectMidRequestWritesNothing(t *testing.T) {
	dir := t.TempDir()
	dsn := dbtest.SQLiteURL(t)
	s := start(t, dir, "--database", dsn)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"half-written","name":"never"}`
	fmt.Fprintf(conn, "POST /admin/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		adminToken, len(body)+10, body)
	time.Sleep(200 * time.Millisecond)
	conn.Close()
	time.Sleep(200 * time.Millisecond)
	if out := cli(t, dir, "admin", "tenant", "list", "--database", dsn); strings.Contains(out, "half-written") {
		t.Fatalf("a request whose client hung up mid-body was stored:\n%s", out)
	}
	// The server is unharmed.
	resp, err := httpClient.Get(s.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after the hang-up: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestShutdownUnderLoadDropsNothing sends SIGTERM while clients keep
// requesting: every request the server accepted gets its answer. The
// server reports how many requests it answered when it stops; the clients
// must have received exactly that many. Clients connecting while the
// listening socket closes may see a reset: their requests were never
// accepted (behind a load balancer, --shutdown-delay keeps serving with
// /readyz red until it stops sending). Each request has a connection of its own,
// so that no request rides on a keep-alive connection the server closes
// as idle.
func TestShutdownUnderLoadDropsNothing(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, "--database", dbtest.SQLiteURL(t))
	var answered, refused, broken atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := c.Post(s.URL+"/apigovernance/api/oauth/tokenByAkSk", "application/json",
					strings.NewReader(`{"app_key":"none","app_secret":"none"}`))
				switch {
				case err == nil:
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					answered.Add(1)
				case strings.Contains(err.Error(), "connection refused"):
					refused.Add(1) // after the listener closed: never accepted
				default:
					broken.Add(1)
				}
			}
		})
	}
	time.Sleep(500 * time.Millisecond)
	if err := s.stop(); err != nil {
		t.Fatalf("exit: %v\n%s", err, s.logs)
	}
	close(stop)
	wg.Wait()
	m := regexp.MustCompile(`msg=stopped requests_answered=(\d+)`).FindStringSubmatch(s.logs.String())
	if m == nil {
		t.Fatalf("no final count in the log:\n%s", s.logs)
	}
	serverAnswered, _ := strconv.Atoi(m[1])
	t.Logf("server answered %d; clients received %d, were refused %d, lost %d before acceptance",
		serverAnswered, answered.Load(), refused.Load(), broken.Load())
	if answered.Load() == 0 || int(answered.Load()) != serverAnswered {
		t.Fatalf("the server answered %d requests but clients received %d", serverAnswered, answered.Load())
	}
}
