package credential

import (
	"sync"

	"github.com/aiccd/aiccd/password"
)

// dummyPasswordHash is checked against when the user does not exist, so
// that an unknown user costs the same time as a wrong password. It is
// computed on first use: hashing costs as much as a login (about 90 ms
// and 20 MB), which every start of aiccd and of its commands paid.
var dummyPasswordHash = sync.OnceValue(func() string { return password.Hash("aiccd-dummy-password") })
