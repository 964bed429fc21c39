package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

// syncBuffer is a bytes.Buffer that the server's goroutines and the test
// can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer runs `aiccd serve` in-process on a free port and returns its
// base URL, its output, and a function that stops it and returns Run's error.
func startServer(t *testing.T, args ...string) (base string, stdout *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), nil, stdout, stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			base = "http://" + m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\n%s", err, stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr)
		}
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				err = fmt.Errorf("serve did not stop within 10s")
			}
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return base, stdout, stop
}

func TestServeOnBothEngines(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		base, stdout, stop := startServer(t, "--database", dsn, "--demo")
		for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
		}
		if !strings.Contains(stdout.String(), "demo-app-key") || !strings.Contains(stdout.String(), "WARNING") {
			t.Fatalf("demo credentials not printed with a warning:\n%s", stdout)
		}
		if err := stop(); err != nil {
			t.Fatalf("stop: %v", err)
		}
		// A second start on the same database loads nothing twice.
		_, _, stop = startServer(t, "--database", dsn, "--demo")
		if err := stop(); err != nil {
			t.Fatalf("restart: %v", err)
		}
	})
}

func TestMigrateAndVersion(t *testing.T) {
	dsn := dbtest.SQLiteURL(t)
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"migrate", "--database", dsn}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"migrate", "--status", "--database", dsn}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`sqlite schema at version (\d+); this binary knows (\d+)`).MatchString(out.String()) {
		t.Fatalf("migrate output: %s", out.String())
	}
	out.Reset()
	if err := Run(context.Background(), []string{"version"}, nil, &out, &out); err != nil || !strings.HasPrefix(out.String(), "aiccd ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), []string{"serve", "--log-format", "xml"}, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "log-format") {
		t.Fatalf("err = %v", err)
	}
	err = Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, []string{"AICCD_DATABASE=postgres://nobody@127.0.0.1:1/x?connect_timeout=1"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "open database") {
		t.Fatalf("unreachable database: err = %v", err)
	}
}
