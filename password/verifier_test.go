package password

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockingChecks replaces v's argon2id with a check that holds its slot
// until release is closed, counting how many run at once.
func blockingChecks(v *Verifier) (running *atomic.Int32, peak *atomic.Int32, release chan struct{}) {
	running, peak, release = &atomic.Int32{}, &atomic.Int32{}, make(chan struct{})
	v.check = func(hash, password string) bool {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		running.Add(-1)
		return Check(hash, password)
	}
	return running, peak, release
}

func TestVerifierBoundsConcurrentChecks(t *testing.T) {
	t.Parallel()
	v := NewVerifier(2)
	v.maxWait = time.Hour // only a full queue refuses here
	running, peak, release := blockingChecks(v)
	h := Hash("Right-pass1")

	const admitted = 2 * (1 + queuePerSlot)
	var wg sync.WaitGroup
	results := make(chan error, admitted)
	for range admitted {
		wg.Go(func() {
			ok, err := v.Verify(context.Background(), h, "Right-pass1")
			if err == nil && !ok {
				err = errors.New("the right password was refused")
			}
			results <- err
		})
	}
	for deadline := time.Now().Add(10 * time.Second); running.Load() < 2 || len(v.admit) < admitted; {
		if time.Now().After(deadline) {
			t.Fatalf("%d checks running, %d admitted; want 2 and %d", running.Load(), len(v.admit), admitted)
		}
		time.Sleep(time.Millisecond)
	}
	// Slots and queue are full: the next caller is refused at once, for a
	// known and an unknown account alike, without computing anything.
	for _, hash := range []string{h, ""} {
		if ok, err := v.Verify(context.Background(), hash, "Right-pass1"); ok || !errors.Is(err, ErrBusy) {
			t.Fatalf("over the bound: %v, %v; want ErrBusy", ok, err)
		}
	}
	close(release)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Fatalf("%d checks ran at once; the bound is 2", p)
	}
}

func TestVerifierRefusesAfterWaiting(t *testing.T) {
	t.Parallel()
	v := NewVerifier(1)
	v.maxWait = 10 * time.Millisecond
	running, _, release := blockingChecks(v)
	defer close(release)
	go v.Verify(context.Background(), "", "x")
	for running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if _, err := v.Verify(context.Background(), "", "x"); !errors.Is(err, ErrBusy) {
		t.Fatalf("a check that found no slot within the wait: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v.maxWait = time.Hour
	if _, err := v.Verify(ctx, "", "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller that went away while waiting: %v", err)
	}
}

// TestUnknownAccountCostsARealCheck: the stand-in hash of unknown accounts
// has the parameters of real hashes, so checking it costs the same.
func TestUnknownAccountCostsARealCheck(t *testing.T) {
	t.Parallel()
	real := Hash("Right-pass1")
	cut := func(h string) string { return h[:strings.LastIndex(h[:strings.LastIndex(h, "$")], "$")] }
	if cut(unknownAccountHash) != cut(real) {
		t.Fatalf("unknown accounts are checked against %q, real hashes look like %q", unknownAccountHash, real)
	}
	u, ok := parsePHC(unknownAccountHash)
	r, _ := parsePHC(real)
	if !ok || len(u.key) != len(r.key) || len(u.salt) != len(r.salt) {
		t.Fatalf("the stand-in hash differs in form from real ones: %+v", u)
	}
	v := NewVerifier(1)
	for _, pw := range []string{"Right-pass1", "", "aiccd-dummy-password"} {
		if ok, err := v.Verify(context.Background(), "", pw); ok || err != nil {
			t.Fatalf("an unknown account accepted %q: %v", pw, err)
		}
	}
	if ok, err := v.Verify(context.Background(), real, "Right-pass1"); !ok || err != nil {
		t.Fatalf("the right password: %v, %v", ok, err)
	}
}
