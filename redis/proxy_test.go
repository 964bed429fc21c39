package redis

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// proxy stands between a Guard and the test Redis so that a test can
// take Redis away without touching the machine's Redis: stopped, it
// refuses connections as a Redis that is down does; blackholed, it
// accepts them and never answers, as an unreachable host behind a
// firewall does. It counts the connections it accepts.
type proxy struct {
	target   string
	addr     string
	accepted atomic.Int32

	mu        sync.Mutex
	ln        net.Listener
	blackhole bool
	conns     map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target, conns: map[net.Conn]bool{}}
	p.start(t)
	t.Cleanup(p.stop)
	return p
}

// start listens (again, on the same port) and forwards.
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
	p.ln, p.addr, p.blackhole = ln, ln.Addr().String(), false
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.accepted.Add(1)
			go p.serve(c)
		}
	}()
}

// swallow makes the proxy accept connections and never answer.
func (p *proxy) swallow() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.blackhole = true
	p.closeConns()
}

func (p *proxy) serve(c net.Conn) {
	p.mu.Lock()
	p.conns[c] = true
	blackhole := p.blackhole
	p.mu.Unlock()
	if blackhole {
		io.Copy(io.Discard, c)
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = true
	p.mu.Unlock()
	go func() { io.Copy(up, c); up.Close() }()
	io.Copy(c, up)
	c.Close()
}

// stop refuses new connections and drops the open ones.
func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	p.closeConns()
}

func (p *proxy) closeConns() {
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}
