// Package migration reads the numbered SQL migrations each storage engine
// embeds. Files are named NNNN_what_it_does.sql; versions start at 1 and
// have no gaps, so that two binaries agree on what version N means.
package migration

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrSchemaTooNew means the database was migrated by a newer aiccd than this
// one. Running against it could corrupt data that binary relies on.
var ErrSchemaTooNew = errors.New("the database schema is newer than this aiccd knows; upgrade aiccd")

var fileName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// Load reads every migration in dir of fsys, in version order.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration %s: name is not NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{Version: v, Name: m[2], SQL: string(body)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %04d_%s: expected version %d", m.Version, m.Name, i+1)
		}
	}
	return ms, nil
}

// Pending returns the migrations after version current, or ErrSchemaTooNew
// when current is beyond the last one known.
func Pending(ms []Migration, current int) ([]Migration, error) {
	if current > len(ms) {
		return nil, fmt.Errorf("%w (database at version %d, this binary knows %d)", ErrSchemaTooNew, current, len(ms))
	}
	return ms[current:], nil
}
