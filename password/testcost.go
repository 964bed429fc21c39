package password

import "testing"

// LowerCostForTests makes Hash, and the check of an unknown account, use
// argon2id's least cost (8 KiB, one pass) for the rest of the process.
// It is for the TestMain of test binaries whose tests create and check
// passwords on their way to something else (a login, a lockout, a
// console session): under the race detector one hash at the baseline
// cost takes over half a second, and the suite makes hundreds. The
// hashes stay argon2id in PHC form, checked as any other; this package's
// own tests keep the baseline. It panics outside a test binary, so no
// server can run on it.
func LowerCostForTests() {
	if !testing.Testing() {
		panic("password: LowerCostForTests outside a test binary")
	}
	cost.memory, cost.time = 8, 1
	unknownAccountHash = unknownAccount(cost.memory, cost.time)
}
