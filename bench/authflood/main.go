// Command authflood floods POST /v3/auth/tokens of a fresh `aiccd serve
// --demo` with logins of made-up users, from many source addresses at
// once, and measures what it costs everyone else: the server's resident
// memory (from /proc) and the latency of querytenantbasic, idle and under
// the flood. It runs on 127.0.0.1 only (Linux: every 127.x.y.z address is
// the loopback, so each client can have an address of its own), stops by
// itself, and prints a Markdown report. See bench/README.md.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	aiccd := flag.String("aiccd", "", "aiccd binary (default: built from ./cmd/aiccd into a temporary directory)")
	clients := flag.Int("clients", 64, "concurrent flooding clients")
	sources := flag.Int("sources", 64, "source addresses the clients are spread over (127.0.1.1, 127.0.1.2, ...)")
	duration := flag.Duration("duration", 15*time.Second, "how long the flood lasts")
	idle := flag.Duration("idle", 5*time.Second, "how long querytenantbasic is measured before the flood")
	serveArgs := flag.String("serve-args", "", "more arguments of aiccd serve, space-separated")
	maxRSS := flag.Int("max-rss-mb", 200, "target: peak resident memory during the flood, MB")
	maxSlowdown := flag.Float64("max-slowdown", 3, "target: querytenantbasic's median under the flood over its idle median")
	flag.Parse()
	if *clients < 1 || *sources < 1 || *sources > 254*254 {
		log.Fatal("authflood: -clients and -sources must be positive (-sources at most 64516)")
	}

	dir, err := os.MkdirTemp("", "authflood")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *aiccd == "" {
		*aiccd = filepath.Join(dir, "aiccd")
		build := exec.Command("go", "build", "-o", *aiccd, "./cmd/aiccd")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			log.Fatalf("authflood: building aiccd (run from the repository's root, or give -aiccd): %v", err)
		}
	}
	// Everything is over well within this, whatever the server does.
	ctx, cancel := context.WithTimeout(context.Background(), *idle+*duration+2*time.Minute)
	defer cancel()

	srv, err := startServer(ctx, *aiccd, dir, strings.Fields(*serveArgs))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.stop()
	log.Printf("authflood: aiccd (pid %d) listens at %s", srv.cmd.Process.Pid, srv.url)

	probe := newClient("127.0.0.1", 1)
	query(ctx, probe, srv.url) // the first request pays for connecting
	warm := time.Now().Add(time.Second)
	for time.Now().Before(warm) {
		query(ctx, probe, srv.url)
	}
	idleRSS := srv.rss("VmRSS")
	idleLat := measure(ctx, probe, srv.url, time.Now().Add(*idle))
	cpuBefore := srv.cpu()

	var peak atomic.Int64
	floodCtx, stopFlood := context.WithTimeout(ctx, *duration)
	defer stopFlood()
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss := srv.rss("VmRSS"); rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-floodCtx.Done():
				return
			case <-tick.C:
			}
		}
	})
	var mu sync.Mutex
	statuses := map[string]int{}
	began := time.Now()
	for i := range *clients {
		wg.Go(func() {
			c := newClient(sourceAddress(i%*sources), 1)
			for floodCtx.Err() == nil {
				status := login(floodCtx, c, srv.url)
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}
		})
	}
	floodLat := measure(ctx, probe, srv.url, time.Now().Add(*duration))
	wg.Wait()
	elapsed := time.Since(began)
	cpu := srv.cpu() - cpuBefore
	hwm := srv.rss("VmHWM")

	idleMed, floodMed := percentile(idleLat, 50), percentile(floodLat, 50)
	slowdown := float64(floodMed) / float64(idleMed)
	peakMB := float64(peak.Load()) / (1 << 20)
	fmt.Printf("Measured %s on %d cores, %s; load generator on the same machine.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), loadAverage())
	fmt.Printf("Command: `go run ./bench/authflood -clients %d -sources %d -duration %s -idle %s", *clients, *sources, *duration, *idle)
	if *serveArgs != "" {
		fmt.Printf(" -serve-args '%s'", *serveArgs)
	}
	fmt.Printf("`\n\n")
	fmt.Printf("| figure | idle | under the flood |\n|---|---|---|\n")
	fmt.Printf("| querytenantbasic median (one client, sequential) | %s | %s (×%.1f) |\n", ms(idleMed), ms(floodMed), slowdown)
	fmt.Printf("| querytenantbasic mean | %s | %s |\n", ms(mean(idleLat)), ms(mean(floodLat)))
	fmt.Printf("| querytenantbasic p99 | %s | %s |\n", ms(percentile(idleLat, 99)), ms(percentile(floodLat, 99)))
	fmt.Printf("| querytenantbasic requests measured | %d | %d |\n", len(idleLat), len(floodLat))
	fmt.Printf("| resident memory | %.0f MB | peak %.0f MB sampled every 50 ms; VmHWM %.0f MB |\n",
		float64(idleRSS)/(1<<20), peakMB, float64(hwm)/(1<<20))
	fmt.Printf("| aiccd CPU during the flood | | %.2f cores |\n", cpu.Seconds()/elapsed.Seconds())
	fmt.Printf("| login answers (%d clients, %d source addresses, %s) | | %s |\n\n", *clients, *sources, elapsed.Round(time.Second), formatStatuses(statuses, elapsed))
	fmt.Printf("- peak RSS under %d MB: %s\n", *maxRSS, verdict(peakMB < float64(*maxRSS) && float64(hwm)/(1<<20) < float64(*maxRSS)))
	fmt.Printf("- querytenantbasic median within %.0fx of idle: %s\n", *maxSlowdown, verdict(slowdown <= *maxSlowdown))
}

// server is the aiccd process under test.
type server struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{}
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

func startServer(ctx context.Context, binary, dir string, extra []string) (*server, error) {
	args := append([]string{"serve", "--demo", "--addr", "127.0.0.1:0", "--database", filepath.Join(dir, "aiccd.db")}, extra...)
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), "AICCD_LOG_FORMAT=text", "AICCD_LOG_LEVEL=info", "AICCD_MASTER_KEY_FILE="+filepath.Join(dir, "master.key"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, exited: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { cmd.Wait(); close(s.exited) }()
	select {
	case a := <-addr:
		s.url = "http://" + a
		return s, nil
	case <-s.exited:
		return nil, errors.New("authflood: aiccd exited before listening")
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("authflood: aiccd did not listen within 30 s")
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
}

// rss reads a memory figure of /proc/PID/status (VmRSS, VmHWM), in bytes.
func (s *server) rss(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpu is the CPU time the process has used, from /proc/PID/stat.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// sourceAddress is the i-th client address: 127.0.1.1, 127.0.1.2, …
func sourceAddress(i int) string { return fmt.Sprintf("127.0.%d.%d", 1+i/254, 1+i%254) }

// newClient is an HTTP client whose connections come from source.
func newClient(source string, conns int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}, Timeout: 5 * time.Second}
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns},
	}
}

// login tries a made-up user of the demo partner and returns the status.
func login(ctx context.Context, c *http.Client, base string) string {
	body := fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"flood-%d","password":"Wr0ng-pass1","domain":{"name":"demo-partner"}}}},"scope":{"domain":{"name":"demo-partner"}}}}`, rand.Int64())
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/v3/auth/tokens", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "cut off at the end"
		}
		return "error"
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return strconv.Itoa(resp.StatusCode)
}

// query is one querytenantbasic with the demo mall token.
func query(ctx context.Context, c *http.Client, base string) (time.Duration, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/rest/oma/softwareconsole/tenant/querytenantbasic", nil)
	req.Header.Set("X-Auth-Token", "demo-mall-token")
	began := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("querytenantbasic: %d", resp.StatusCode)
	}
	return time.Since(began), nil
}

// measure sends querytenantbasic one after the other until the deadline
// and returns the latencies.
func measure(ctx context.Context, c *http.Client, base string, until time.Time) []time.Duration {
	var lat []time.Duration
	for time.Now().Before(until) && ctx.Err() == nil {
		d, err := query(ctx, c, base)
		if err != nil {
			log.Fatalf("authflood: %v", err)
		}
		lat = append(lat, d)
	}
	return lat
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func mean(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return sum / time.Duration(len(d))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func formatStatuses(m map[string]int, elapsed time.Duration) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s: %d (%.0f/s)", k, m[k], float64(m[k])/elapsed.Seconds()))
	}
	return strings.Join(parts, ", ")
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	return "load average " + strings.Join(f[:3], " ") + " at the end"
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}
