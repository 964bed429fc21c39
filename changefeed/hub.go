package changefeed

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Instant is a point of a process's monotonic clock. A Source takes one
// with Hub.Mark before it looks for changes, and confirms it once it has
// delivered every change committed before it. The feed's timing is
// measured on the real monotonic clock, not the services' injected one:
// it is about how long a replica may trust memory, which tests' frozen
// clocks must not stretch.
type Instant int64

// Hub is a process's side of the feed: the read models subscribe to it,
// its Source delivers changes and confirmations to it, and it tells the
// read models whether memory may be trusted now. A Hub that no Source
// follows is never live: its read models always read through.
type Hub struct {
	origin time.Time
	logger *slog.Logger

	trustedUntil atomic.Int64 // Instant; 0 while not trusted
	followed     atomic.Bool  // a Source has started on this hub

	mu          sync.Mutex
	subs        map[Kind][]func(key string)
	flushes     []func()
	confirmedAt Instant
	confirmed   chan struct{} // closed and replaced at each confirmation

	changes atomic.Int64
	breaks  atomic.Int64
}

// NewHub returns a hub that no Source follows yet; its Source logs to
// logger (nil: nowhere).
func NewHub(logger *slog.Logger) *Hub {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Hub{origin: time.Now(), logger: logger, subs: map[Kind][]func(string){}, confirmed: make(chan struct{})}
}

// Logger is where a Source logs.
func (h *Hub) Logger() *slog.Logger { return h.logger }

// Mark returns the current instant.
func (h *Hub) Mark() Instant { return Instant(time.Since(h.origin)) }

// Live reports whether read models may answer from memory now.
func (h *Hub) Live() bool {
	if h == nil {
		return false
	}
	until := h.trustedUntil.Load()
	return until != 0 && int64(h.Mark()) < until
}

// Subscribe has apply called with the key of every change of kind.
// apply runs in the Source's goroutine and must not block.
func (h *Hub) Subscribe(kind Kind, apply func(key string)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.subs[kind] = append(h.subs[kind], apply)
}

// OnFlush has flush called whenever changes may have been missed: a read
// model then forgets everything it holds.
func (h *Hub) OnFlush(flush func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.flushes = append(h.flushes, flush)
}

// Start is called by a Source once it is subscribed, with an instant taken
// before it subscribed: what read models hold is forgotten (changes may
// have been missed before), and memory is trusted from now on.
func (h *Hub) Start(asOf Instant) {
	h.followed.Store(true)
	h.flush()
	h.Confirm(asOf)
}

// Deliver applies one change to the read models.
func (h *Hub) Deliver(c Change) {
	h.changes.Add(1)
	h.mu.Lock()
	subs := h.subs[c.Kind]
	h.mu.Unlock()
	for _, apply := range subs {
		apply(c.Key)
	}
}

// Confirm records that every change committed before asOf has been
// delivered: memory is trusted until asOf + Lease.
func (h *Hub) Confirm(asOf Instant) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if asOf <= h.confirmedAt && h.trustedUntil.Load() != 0 {
		return
	}
	h.confirmedAt = asOf
	h.trustedUntil.Store(int64(asOf) + int64(Lease))
	close(h.confirmed)
	h.confirmed = make(chan struct{})
}

// Break is called by a Source that lost its subscription for err:
// changes may be missed from now on, so memory is neither trusted nor
// kept.
func (h *Hub) Break(err error) {
	h.breaks.Add(1)
	h.logger.Warn("the change feed broke; answering from the database until it is back", "err", err)
	h.mu.Lock()
	h.trustedUntil.Store(0)
	h.mu.Unlock()
	h.flush()
}

func (h *Hub) flush() {
	h.mu.Lock()
	flushes := h.flushes
	h.mu.Unlock()
	for _, f := range flushes {
		f()
	}
}

// Sync returns once this process's read models reflect every change
// committed before it was called: once the feed has confirmed a later
// instant, or Lease has passed (after which memory is only trusted on a
// confirmation of a later instant). A write calls it after committing, so
// that the replica that made a change answers from it at once.
func (h *Hub) Sync(ctx context.Context) {
	if h == nil || !h.followed.Load() {
		return
	}
	want := h.Mark()
	deadline := time.NewTimer(Lease)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		done, next := h.confirmedAt >= want, h.confirmed
		h.mu.Unlock()
		if done {
			return
		}
		select {
		case <-next:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// Stats are a hub's figures, for metrics.
type Stats struct {
	Live    bool
	Changes int64 // changes delivered
	Breaks  int64 // subscriptions lost
}

// Stats returns the hub's figures.
func (h *Hub) Stats() Stats {
	return Stats{Live: h.Live(), Changes: h.changes.Load(), Breaks: h.breaks.Load()}
}
