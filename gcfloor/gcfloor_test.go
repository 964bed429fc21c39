package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func TestGoalPercent(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	for _, c := range []struct {
		live, roots, floor uint64
		want               int
	}{
		{4 * mib, 0, 48 * mib, 1100}, // the next collection at 48 MiB
		{4 * mib, 1 * mib, 48 * mib, 880},
		{16 * mib, 0, 48 * mib, 200},
		{20 * mib, 8 * mib, 48 * mib, 100}, // never below Go's default
		{24 * mib, 0, 48 * mib, 100},       // half the floor: Go's default
		{100 * mib, 0, 48 * mib, 100},
		{mib / 8, mib / 8, 48 * mib, 1200}, // the minimum heap at the floor
		{0, 0, 48 * mib, 100},              // nothing measured yet
		{4 * mib, 0, 0, 100},               // no floor
	} {
		if got := goalPercent(c.live, c.roots, c.floor); got != c.want {
			t.Errorf("goalPercent(%d MiB, %d MiB, %d MiB) = %d, want %d", c.live/mib, c.roots/mib, c.floor/mib, got, c.want)
		}
	}
}

// TestFewerCollections allocates the same garbage with and without a
// floor: with one, the heap goal is the floor and the collector runs a
// fraction as often; stop gives GOGC back. It changes the process's GOGC,
// so it runs alone.
func TestFewerCollections(t *testing.T) {
	const mib = 1 << 20
	read := func(name string) uint64 {
		s := []metrics.Sample{{Name: name}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	collections := func() uint64 { return read("/gc/cycles/total:gc-cycles") }
	var sink []byte
	churn := func() uint64 {
		runtime.GC()
		before := collections()
		for range 256 * 1024 { // 256 MiB in 1 KiB pieces
			sink = make([]byte, 1024)
		}
		return collections() - before
	}
	plain := churn()
	stop := Start(64 * mib)
	stopSecond := Start(16 * mib) // shares the first's floor
	runtime.GC()
	if goal := read("/gc/heap/goal:bytes"); goal < 60*mib || goal > 68*mib {
		t.Errorf("heap goal with a 64 MiB floor: %.1f MiB", float64(goal)/mib)
	}
	floored := churn()
	stop()
	stop() // once only
	if p := debug.SetGCPercent(-1); p == 100 {
		t.Error("GOGC given back while a second start is in force")
	} else {
		debug.SetGCPercent(p)
	}
	stopSecond()
	_ = sink
	t.Logf("256 MiB allocated: %d collections without a floor, %d with 64 MiB", plain, floored)
	if floored == 0 || floored*2 > plain {
		t.Errorf("256 MiB allocated: %d collections with a 64 MiB floor, %d without; want some, half at most", floored, plain)
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GOGC after stop: %d, want 100", p)
	}
}
