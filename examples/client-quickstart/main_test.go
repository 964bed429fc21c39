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

func TestDefaultsAreTheDemoCredentials(t *testing.T) {
	if demoAppKey != demo.AppKey || demoAppSecret != demo.AppSecret || demoMallToken != demo.MallToken ||
		demoTrialMallToken != demo.TrialMallToken || demoPartnerID != demo.PartnerID || demoPartnerAK != demo.PartnerAK ||
		demoPartnerSK != demo.PartnerSK || demoPartnerUser != demo.PartnerUser || demoPartnerPass != demo.PartnerPassword {
		t.Fatal("the example's credentials are not the demo dataset's")
	}
}

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

// TestAgainstDemoServer runs the quickstart against `aiccd serve --demo`;
// docs/quickstart-integrators.md shows its output.
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
	var out bytes.Buffer
	if err := run(ctx, []string{"-endpoint", endpoint}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"tokenByAkSk: a Bearer token of tenant demo for 600 s",
		"querytenantbasic: Huawei XXXXXXXXX, 153****0991, sunk****@huawei.com, status 2, since 2023-04-11",
		"querytenantinfo: Wanfang XXXX, status 5, expiring 2023-05-21",
		"queryAccessCodeList: 1 access code, 9911411 with ID 1124167935465633793",
		"queryfaultyuser: returnCode 0, 2 faults since 2024-07-18 12:20:41",
		"queryquickresult: returnCode 0, task finished, 2 faults",
		"IAM token: for demo-partner-admin of demo-partner, valid 24h0m0s",
		"check-user (IAM token): 0086-13800000000 used true, at its limit true",
		"check-identity (AK/SK): my-new-customer is available",
		"queryfaultyuser, unknown scene: return code 4 is true",
	} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
