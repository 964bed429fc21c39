package credential

import (
	"strings"
	"unicode/utf8"
)

// storable tells whether s is text a store can hold, and so could be a
// stored key or name: valid UTF-8 without a NUL byte. A caller's key or
// name that is not is unknown without asking a store, which PostgreSQL
// would answer with an error rather than no row.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
