package main

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

func TestRunPrintsErrors(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"no-such-command"}, nil, &out, &out); err == nil {
		t.Fatal("an unknown command succeeded")
	}
	if !strings.HasPrefix(out.String(), "aiccd: ") {
		t.Fatalf("error not printed: %q", out.String())
	}
}

// TestBinaryStopsOnSIGTERM runs the real binary (this test binary as
// aiccd: see TestMain), serves demo data on each engine, and checks it
// answers and exits 0 within 10 s of SIGTERM.
func TestBinaryStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		cmd := exec.Command(bin, "serve", "--demo", "--addr", "127.0.0.1:0", "--database", dsn)
		cmd.Dir = t.TempDir() // the master key file is created here
		cmd.Env = append(os.Environ(), runMainEnv+"=1", "AICCD_LOG_FORMAT=text")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()

		addr := make(chan string, 1)
		go func() {
			re := regexp.MustCompile(`msg=listening addr=(\S+)`)
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				if m := re.FindStringSubmatch(sc.Text()); m != nil {
					addr <- m[1]
				}
			}
		}()
		var base string
		select {
		case a := <-addr:
			base = "http://" + a
		case <-time.After(5 * time.Second):
			t.Fatal("the server did not listen within 5 s")
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", resp, err)
		}
		resp.Body.Close()
		t.Logf("started and answered in %s", time.Since(start))

		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("still running 10 s after SIGTERM")
		}
	})
}
