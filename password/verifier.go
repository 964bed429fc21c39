package password

import (
	"context"
	"runtime"
	"time"

	"github.com/aiccd/aiccd"
)

// A password check costs an argon2id computation: 19 MiB of memory and a
// core for tens of milliseconds. Run at the rate requests arrive, checks
// exhaust a server's memory and CPU, and every other API slows down with
// them. A Verifier bounds how many run at once; every password check of a
// process goes through the one Verifier the process makes, so that IAM
// logins, partner customers' passwords and any other login form share the
// same bound.
type Verifier struct {
	slots   chan struct{} // held while a check runs
	admit   chan struct{} // held while a check runs or waits for a slot
	maxWait time.Duration
	check   func(hash, password string) bool
}

// Waiting checks per running one, and how long one may wait for a slot.
// Checks take 50 to 100 ms each, so a queue of four clears in well under
// the wait; beyond it a caller is refused at once rather than held.
const (
	queuePerSlot = 4
	maxWait      = time.Second
)

// ErrBusy refuses a check when every slot is taken and the queue is full,
// or when no slot came free within the wait. It says nothing about the
// password: callers must not count it as a failed authentication.
var ErrBusy = &aiccd.Error{Kind: aiccd.KindRateLimited, Code: CodeBusy,
	Message: "too many password checks at once; try again shortly"}

// CodeBusy is ErrBusy's code.
const CodeBusy = "password.busy"

// DefaultConcurrency is half the processor count, at least one: the
// other half keeps serving the other APIs while logins are flooded.
func DefaultConcurrency() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// NewVerifier returns a Verifier running at most concurrency checks at
// once (DefaultConcurrency when it is not positive).
func NewVerifier(concurrency int) *Verifier {
	if concurrency <= 0 {
		concurrency = DefaultConcurrency()
	}
	return &Verifier{
		slots:   make(chan struct{}, concurrency),
		admit:   make(chan struct{}, concurrency*(1+queuePerSlot)),
		maxWait: maxWait,
		check:   Check,
	}
}

// Verify reports whether password matches the PHC-format hash. An empty
// hash stands for an account that does not exist: the check costs the
// same as a real one and reports false, so that the time taken does not
// tell an unknown name from a wrong password. When the bound is reached
// Verify returns ErrBusy without computing anything.
func (v *Verifier) Verify(ctx context.Context, hash, password string) (bool, error) {
	select {
	case v.admit <- struct{}{}:
	default:
		return false, ErrBusy
	}
	defer func() { <-v.admit }()
	wait := time.NewTimer(v.maxWait)
	defer wait.Stop()
	select {
	case v.slots <- struct{}{}:
	case <-wait.C:
		return false, ErrBusy
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-v.slots }()
	if hash == "" {
		v.check(unknownAccountHash, password)
		return false, nil
	}
	return v.check(hash, password), nil
}

// unknownAccountHash is checked against in place of an unknown account's
// hash: Hash's parameters, so it costs what a real check costs. It is a
// constant rather than a computed hash, so that no process pays for a
// hash at start or at its first unknown name.
var unknownAccountHash = unknownAccount(argonMemory, argonTime)

func unknownAccount(memory, time uint32) string {
	return phcString(memory, time, []byte("aiccd-unknown-ac"), []byte("aiccd: no account has this hash."))
}
