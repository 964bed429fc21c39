package credential

import "github.com/aiccd/aiccd/password"

// dummyPasswordHash is checked against when the user does not exist, so
// that an unknown user costs the same time as a wrong password.
var dummyPasswordHash = password.Hash("aiccd-dummy-password")
