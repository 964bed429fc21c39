package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
)

// binary is the aiccd built once for the whole suite.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aiccd-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "aiccd")
	build := exec.Command("go", "build", "-o", binary, "../cmd/aiccd")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building aiccd:", err)
		os.Exit(1)
	}
	code := dbtest.Main(m) // drops the template database too
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running aiccd process.
type server struct {
	t      testing.TB
	cmd    *exec.Cmd
	URL    string
	logs   *logBuffer
	exited chan error
}

// logBuffer keeps a process's output for failure messages.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

const adminToken = "e2e-admin-token-0123456789"

// start runs `aiccd serve` with args added to a free port, the admin
// token and text logs, and waits until it listens.
func start(t testing.TB, dir string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AICCD_ADMIN_TOKEN="+adminToken, "AICCD_LOG_FORMAT=text")
	logs := &logBuffer{}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, logs: logs, exited: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { s.exited <- cmd.Wait() }()
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case err := <-s.exited:
		t.Fatalf("aiccd exited before listening: %v\n%s", err, logs)
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("aiccd did not listen within 15s\n%s", logs)
	}
	t.Cleanup(func() { s.kill() })
	return s
}

// stop sends SIGTERM and waits for the exit status.
func (s *server) stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		return err
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		return fmt.Errorf("still running 20s after SIGTERM")
	}
}

// kill ends the process at once, as a crash or an OOM kill would.
func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
		}
	}
}

// cli runs an aiccd command (admin, import, ...) in dir and returns its
// standard output.
func cli(t testing.TB, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aiccd %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// httpClient is an HTTP client with a timeout, for tests that talk to a
// process that may be killed.
var httpClient = &http.Client{Timeout: 10 * time.Second}

// command prepares an aiccd command in dir without running it.
func command(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	return cmd
}
