package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiccd/aiccd/cli"
	"github.com/aiccd/aiccd/demo"
)

func TestDefaultsAreTheDemoPartner(t *testing.T) {
	if demoPartnerID != demo.PartnerID || demoPartnerAK != demo.PartnerAK || demoPartnerSK != demo.PartnerSK {
		t.Fatal("the example's defaults are not the demo dataset's partner")
	}
}

// lockedBuffer is written by the server's goroutines and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAgainstDemoServer runs the example against `aiccd serve --demo`.
func TestAgainstDemoServer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0",
			"--database", filepath.Join(t.TempDir(), "aiccd.db")}, nil, &lockedBuffer{}, &logs)
	}()
	t.Cleanup(func() { cancel(); <-done })
	listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
	var endpoint string
	for deadline := time.Now().Add(10 * time.Second); endpoint == ""; {
		if m := listening.FindStringSubmatch(logs.String()); m != nil {
			endpoint = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("aiccd did not start:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{
			`check-identity: {"error_code":"CBC.0000","error_msg":"success","check_result":"available","mobile_remain_available_num":5}`,
			`check-user: HTTP 200 {"error_code":"CBC.0000","error_msg":"success","status":"0","uplimit":"0"}`,
		}},
		{[]string{"-type", "mobile", "-value", demo.SharedMobile}, []string{
			`"check_result":"used_by_user","mobile_remain_available_num":0`,
			`"status":"1","uplimit":"1"`,
		}},
		{[]string{"-type", "name", "-value", "demo-customer-01"}, []string{
			`"check_result":"used_by_user"}`,
			`"status":"1","uplimit":"1"`,
		}},
	} {
		var out bytes.Buffer
		if err := run(ctx, append([]string{"-endpoint", endpoint}, tc.args...), &out); err != nil {
			t.Fatalf("%v: %v\n%s", tc.args, err, out.String())
		}
		for _, want := range tc.want {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%v: output lacks %s:\n%s", tc.args, want, out.String())
			}
		}
	}
}
