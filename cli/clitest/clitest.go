// Package clitest runs `aiccd serve` in the test's own process on a free
// port, for the tests of programs that talk to it (the Go client, the
// examples) the way an integrator's program talks to a real server.
package clitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"sync"
	"time"

	"github.com/aiccd/aiccd/cli"
)

// Server is an `aiccd serve` running in this process.
type Server struct {
	URL string // http://127.0.0.1:port

	logs   *logBuffer
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// Start runs `aiccd serve --addr 127.0.0.1:0 args...` and returns once it
// listens, or with what it logged when it exits or has not listened within
// 30 seconds. Stop it with Stop.
func Start(args ...string) (*Server, error) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{logs: &logBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "text"}, args...),
			nil, io.Discard, s.logs)
	}()
	deadline := time.After(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(s.logs.String()); m != nil {
			s.URL = "http://" + m[1]
			return s, nil
		}
		select {
		case err := <-s.done:
			cancel()
			return nil, fmt.Errorf("aiccd serve exited: %v\n%s", err, s.logs)
		case <-deadline:
			s.Stop()
			return nil, fmt.Errorf("aiccd serve did not listen within 30s:\n%s", s.logs)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Stop shuts the server down and returns what `aiccd serve` returned.
func (s *Server) Stop() error {
	s.once.Do(func() {
		s.cancel()
		s.err = <-s.done
	})
	return s.err
}

// logBuffer is written by the server's goroutines and read by Start.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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
