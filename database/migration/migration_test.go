package migration

import (
	"errors"
	"testing"
	"testing/fstest"
)

func TestLoadOrdersAndChecksGaps(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_second.sql": {Data: []byte("B")},
		"m/0001_first.sql":  {Data: []byte("A")},
	}
	ms, err := Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Name != "first" || ms[1].SQL != "B" {
		t.Fatalf("got %+v", ms)
	}

	fsys["m/0004_gap.sql"] = &fstest.MapFile{Data: []byte("C")}
	if _, err := Load(fsys, "m"); err == nil {
		t.Fatal("a gap in versions was accepted")
	}
	delete(fsys, "m/0004_gap.sql")
	fsys["m/3_bad.sql"] = &fstest.MapFile{Data: []byte("C")}
	if _, err := Load(fsys, "m"); err == nil {
		t.Fatal("a badly named file was accepted")
	}
}

func TestPending(t *testing.T) {
	ms := []Migration{{Version: 1}, {Version: 2}}
	for _, tc := range []struct {
		current, want int
		tooNew        bool
	}{{0, 2, false}, {1, 1, false}, {2, 0, false}, {3, 0, true}} {
		p, err := Pending(ms, tc.current)
		if tc.tooNew != errors.Is(err, ErrSchemaTooNew) || len(p) != tc.want {
			t.Errorf("Pending(%d) = %d, %v", tc.current, len(p), err)
		}
	}
}
