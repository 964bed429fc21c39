package client_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aiccd/aiccd/cli"
)

// The examples and the tests of this file run against a real aiccd, served
// in this process with the public demo dataset, as `aiccd serve --demo`.

const adminToken = "client-test-admin-token-0123"

// demoURL is the address of the demo server TestMain starts.
var demoURL string

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aiccd-client")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop := context.WithCancel(context.Background())
	logs, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--log-format", "text",
			"--database", filepath.Join(dir, "aiccd.db"), "--admin-token", adminToken}, nil, io.Discard, w)
		w.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		demoURL = "http://" + a
	case err := <-done:
		fmt.Fprintln(os.Stderr, "aiccd did not start:", err)
		os.Exit(1)
	case <-time.After(30 * time.Second):
		fmt.Fprintln(os.Stderr, "aiccd did not listen within 30s")
		os.Exit(1)
	}
	code := m.Run()
	stop()
	<-done
	os.RemoveAll(dir)
	os.Exit(code)
}
