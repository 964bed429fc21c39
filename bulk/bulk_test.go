package bulk_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/bulk"
)

// TestRunReportsEachRowAndEachCommit imports rows in batches of two into
// a store that refuses a duplicate key: the hooks hear of every row read,
// every rejection with its line, and every commit, in file order.
func TestRunReportsEachRowAndEachCommit(t *testing.T) {
	for _, tc := range []struct {
		format bulk.Format
		file   string
	}{
		{bulk.CSV, "key,n\na,1\nb,x\nc,3\na,4\nd,5\n"},
		{bulk.NDJSON, `{"key":"a","n":1}` + "\n" + `{"key":"b","n":"x"}` + "\n\n" + `{"key":"c","n":3}` + "\n" + `{"key":"a","n":4}` + "\n" + `{"key":"d","n":5}` + "\n"},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			stored := map[string]int{}
			parse := func(k, n string) (kv, error) {
				v, err := strconv.Atoi(n)
				if err != nil {
					return kv{}, aiccd.Errorf(aiccd.KindInvalid, "n: %q is not a number", n)
				}
				return kv{k, v}, nil
			}
			spec := bulk.Spec[kv]{
				Required: []string{"key"}, BatchSize: 2,
				FromCSV: func(r bulk.Row) (kv, error) { return parse(r.Get("key"), r.Get("n")) },
				FromJSON: func(line []byte) (kv, error) {
					var v struct {
						Key string `json:"key"`
						N   any    `json:"n"`
					}
					if err := bulk.DecodeRow(line, &v); err != nil {
						return kv{}, err
					}
					n := toString(v.N)
					return parse(v.Key, n)
				},
				Write: func(_ context.Context, batch []kv) error {
					for _, r := range batch {
						if _, ok := stored[r.k]; ok {
							return aiccd.Errorf(aiccd.KindConflict, "key %s exists", r.k)
						}
					}
					for _, r := range batch {
						stored[r.k] = r.n
					}
					return nil
				},
			}
			var read, rejected []int
			var commits [][2]int
			imported := 0
			committed, err := bulk.Run(context.Background(), strings.NewReader(tc.file), tc.format, spec, bulk.Hooks{
				Read:      func(line int) { read = append(read, line) },
				Reject:    func(line int, _ error) error { rejected = append(rejected, line); return nil },
				Imported:  func(n int) { imported += n },
				Committed: func(rows, line int) error { commits = append(commits, [2]int{rows, line}); return nil },
			})
			if err != nil || committed != 5 || imported != 3 || len(stored) != 3 {
				t.Fatalf("committed %d, imported %d, stored %v: %v", committed, imported, stored, err)
			}
			wantRead, wantRejected := []int{2, 3, 4, 5, 6}, []int{3, 5}
			if tc.format == bulk.NDJSON {
				wantRead, wantRejected = []int{1, 2, 4, 5, 6}, []int{2, 5}
			}
			if !slices.Equal(read, wantRead) || !slices.Equal(rejected, wantRejected) || len(commits) == 0 || commits[len(commits)-1][0] != 5 {
				t.Errorf("read %v, rejected %v, commits %v", read, rejected, commits)
			}
		})
	}
}

type kv struct {
	k string
	n int
}

func toString(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return v
	}
	return ""
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]bulk.Format{"a.csv": bulk.CSV, "a.CSV.gz": bulk.CSV, "a.ndjson": bulk.NDJSON,
		"a.jsonl.gz": bulk.NDJSON, "a.json": bulk.NDJSON, "a": bulk.CSV} {
		if got := bulk.FormatOf(name); got != want {
			t.Errorf("FormatOf(%q) = %s, want %s", name, got, want)
		}
	}
}
