// Package gcfloor raises the garbage collector's heap goal to a floor
// while the live heap is small.
//
// A server whose live heap is a few megabytes, as aiccd's is while it
// answers from its read models, is collected every few megabytes it
// allocates: with Go's default (GOGC=100) the heap goal is twice the live
// heap, and at 30,000 requests a second the collector runs some 30 times
// a second, a quarter of the CPU a request costs. A higher GOGC for good
// would multiply the heap of a process whose live heap grew, and a memory
// limit (GOMEMLIMIT) below a live heap that grew would have the collector
// run without pause. gcfloor does neither: after each collection it sets
// GOGC so that the next one comes when the heap reaches the floor, and
// never below 100, so that a live heap above half the floor is collected
// as Go collects it by default.
package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Start keeps the heap goal at floor bytes at least, until stop, which
// gives GOGC back the value it had. The collector is the process's: while
// one Start is in force, another (a second server in one test binary)
// shares its floor, and GOGC is given back at the last stop.
func Start(floor uint64) (stop func()) {
	mu.Lock()
	defer mu.Unlock()
	if users == 0 {
		running = &tuner{floor: floor, percent: -1, sample: []metrics.Sample{
			{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"},
		}}
		running.before = running.tune()
		running.arm()
	}
	users++
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			if users--; users == 0 {
				running.stopped = true
				debug.SetGCPercent(running.before)
				running = nil
			}
		})
	}
}

// mu guards the tuner in force and its starts not yet stopped, and every
// tuning, so that none comes after the last stop.
var (
	mu      sync.Mutex
	running *tuner
	users   int
)

// goalPercent is the GOGC that sets the next collection at floor bytes for a
// live heap of live bytes and GC roots (goroutine stacks and globals) of
// roots bytes: 100 at least. The collector's heap goal is live + (live +
// roots) × GOGC/100, and not less than its minimum heap, 4 MiB ×
// GOGC/100, which caps GOGC at what puts that minimum at the floor.
func goalPercent(live, roots, floor uint64) int {
	if live == 0 || live >= floor/2 {
		return 100
	}
	p := min((floor-live)*100/(live+roots), floor*100/minimumHeap)
	return max(int(p), 100)
}

// minimumHeap is the Go runtime's minimum heap goal at GOGC=100.
const minimumHeap = 4 << 20

type tuner struct {
	floor  uint64
	sample []metrics.Sample

	percent int // as last set; -1 before
	before  int // GOGC before the first tuning
	stopped bool
}

// tune sets GOGC for the live heap the last collection left, and returns
// the value it replaced.
func (t *tuner) tune() (before int) {
	metrics.Read(t.sample)
	p := goalPercent(t.sample[0].Value.Uint64(), t.sample[1].Value.Uint64()+t.sample[2].Value.Uint64(), t.floor)
	if p == t.percent {
		return p
	}
	t.percent = p
	return debug.SetGCPercent(p)
}

// sentinel is garbage whose finalizer runs after each collection.
type sentinel struct{ t *tuner }

// arm has t tuned after the next collection, and armed again.
func (t *tuner) arm() {
	runtime.SetFinalizer(&sentinel{t}, func(s *sentinel) {
		mu.Lock()
		defer mu.Unlock()
		if s.t.stopped {
			return
		}
		s.t.tune()
		s.t.arm()
	})
}
