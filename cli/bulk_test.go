package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aiccd/aiccd"
)

type pair struct {
	key string
	n   int
}

// memSpec imports key,n rows into a map, refusing duplicate keys like a
// unique index would, and failing with an internal error when failAt rows
// have been written.
func memSpec(store map[string]int, failAt int) bulkSpec[pair] {
	parse := func(key, n string) (pair, error) {
		v, err := strconv.Atoi(n)
		if err != nil {
			return pair{}, aiccd.Errorf(aiccd.KindInvalid, "n: %q is not a number", n)
		}
		return pair{key, v}, nil
	}
	return bulkSpec[pair]{
		What:      "pairs",
		Required:  []string{"key", "n"},
		BatchSize: 3,
		FromCSV:   func(r csvRow) (pair, error) { return parse(r.Get("key"), r.Get("n")) },
		FromJSON: func(line []byte) (pair, error) {
			var v struct {
				Key string `json:"key"`
				N   string `json:"n"`
			}
			if err := decodeRow(line, &v); err != nil {
				return pair{}, err
			}
			return parse(v.Key, v.N)
		},
		Write: func(_ context.Context, batch []pair) error {
			seen := map[string]bool{}
			for _, p := range batch {
				if _, ok := store[p.key]; ok || seen[p.key] {
					return aiccd.ErrConflict
				}
				seen[p.key] = true
			}
			if failAt > 0 && len(store)+len(batch) > failAt {
				return errors.New("disk on fire")
			}
			for _, p := range batch {
				store[p.key] = p.n
			}
			return nil
		},
	}
}

func writeTemp(t *testing.T, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBulkReportsRejectedRowsAndImportsTheRest(t *testing.T) {
	csv := "key,n\na,1\nb,x\nc,3\na,4\n\"d,5\ne,6\n"
	var out, errOut bytes.Buffer
	e := &env{stdout: &out, stderr: &errOut}
	store := map[string]int{}
	path := writeTemp(t, "pairs.csv", []byte(csv))
	res, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{})
	if err == nil || !strings.Contains(err.Error(), "rows rejected") {
		t.Fatalf("err = %v, want a rejected-rows error", err)
	}
	if res.Imported != 2 || store["a"] != 1 || store["c"] != 3 {
		t.Fatalf("imported %d: %v", res.Imported, store)
	}
	for _, want := range []string{`line 3: n: "x" is not a number`, "line 5: already exists", "line 6: malformed CSV"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, errOut.String())
		}
	}
	if _, err := os.Stat(path + ".import-position"); !errors.Is(err, os.ErrNotExist) {
		t.Error("the position file was left behind after a finished import")
	}
}

func TestBulkMissingColumn(t *testing.T) {
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	path := writeTemp(t, "pairs.csv", []byte("key\na\n"))
	_, err := runBulk(context.Background(), e, path, memSpec(map[string]int{}, 0), bulkOptions{})
	if err == nil || !strings.Contains(err.Error(), `column "n" is missing`) {
		t.Fatalf("err = %v", err)
	}
}

func TestBulkGzipNDJSON(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte("{\"key\":\"a\",\"n\":\"1\"}\n\n{\"key\":\"b\",\"n\":\"2\"}\n{oops\n"))
	gz.Close()
	store := map[string]int{}
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	res, _ := runBulk(context.Background(), e, writeTemp(t, "pairs.ndjson.gz", buf.Bytes()), memSpec(store, 0), bulkOptions{})
	if res.Imported != 2 || res.Rejected != 1 || store["b"] != 2 {
		t.Fatalf("%+v %v", res, store)
	}
}

func TestBulkResumesAfterAFailure(t *testing.T) {
	var b strings.Builder
	b.WriteString("key,n\n")
	for i := range 10 {
		b.WriteString("k" + strconv.Itoa(i) + "," + strconv.Itoa(i) + "\n")
	}
	path := writeTemp(t, "pairs.csv", []byte(b.String()))
	store := map[string]int{}
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}

	// The store fails once 6 rows are in: two batches of 3 are committed.
	if _, err := runBulk(context.Background(), e, path, memSpec(store, 6), bulkOptions{}); err == nil {
		t.Fatal("the failure was not reported")
	}
	if len(store) != 6 {
		t.Fatalf("%d rows committed before the failure, want 6", len(store))
	}
	// Run again without --resume, it would import the first six twice.
	if _, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{}); err == nil ||
		!strings.Contains(err.Error(), "has an interrupted import: 6 rows up to line 7 are committed. Continue it with --resume") {
		t.Fatalf("a new import over an interrupted one: %v", err)
	}
	var errOut bytes.Buffer
	e.stderr = &errOut
	res, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Skipped != 6 || res.Imported != 4 || len(store) != 10 {
		t.Fatalf("resume: %+v, %d stored", res, len(store))
	}
	if !strings.Contains(errOut.String(), "resuming "+path+" after line 7: 6 rows were committed before") {
		t.Fatalf("the resume does not say where it continues: %s", errOut.String())
	}
	// Finished, there is nothing left to resume.
	if _, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{resume: true}); err == nil ||
		!strings.Contains(err.Error(), "nothing to resume") {
		t.Fatalf("a resume of a finished import: %v", err)
	}
	if len(store) != 10 {
		t.Fatalf("%d stored", len(store))
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range store {
			if !yield(k) {
				return
			}
		}
	})
	if keys[0] != "k0" || keys[9] != "k9" {
		t.Fatalf("keys %v", keys)
	}
}

// TestBulkResumeNeedsAnEarlierRun: --resume on a file never imported, or
// imported to its end, imports nothing, where it once imported the whole
// file again.
func TestBulkResumeNeedsAnEarlierRun(t *testing.T) {
	path := writeTemp(t, "pairs.ndjson", []byte("{\"key\":\"a\",\"n\":\"1\"}\n"))
	store := map[string]int{}
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	_, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{resume: true})
	if err == nil || !strings.Contains(err.Error(), "nothing to resume: no interrupted import of "+path) || len(store) != 0 {
		t.Fatalf("resume without an earlier run: %v, %v", err, store)
	}
	if _, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := runBulk(context.Background(), e, path, memSpec(store, 0), bulkOptions{resume: true}); err == nil || len(store) != 1 {
		t.Fatalf("resume after a finished import: %v, %v", err, store)
	}
}

func TestBulkPipelinedKeepsOrderAndPosition(t *testing.T) {
	var b strings.Builder
	b.WriteString("key,n\n")
	for i := range 20 {
		n := strconv.Itoa(i)
		if i == 4 {
			n = "four" // rejected while a batch is being written
		}
		b.WriteString("k" + strconv.Itoa(i) + "," + n + "\n")
	}
	path := writeTemp(t, "pairs.csv", []byte(b.String()))
	store := map[string]int{}
	var errOut bytes.Buffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &errOut}
	spec := memSpec(store, 9)
	spec.Pipeline = true
	// Three batches of 3 fit; the fourth fails.
	if _, err := runBulk(context.Background(), e, path, spec, bulkOptions{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	if len(store) != 9 || store["k9"] != 9 || !strings.Contains(errOut.String(), `line 6: n: "four"`) {
		t.Fatalf("stored %v; report %s", store, errOut.String())
	}
	spec = memSpec(store, 0)
	spec.Pipeline = true
	res, err := runBulk(context.Background(), e, path, spec, bulkOptions{resume: true})
	if err != nil || res.Skipped != 10 || res.Imported != 10 || len(store) != 19 {
		t.Fatalf("resume: %+v, %v, %d stored", res, err, len(store))
	}
}

func TestBulkCSVParserSeesTheHeaderOnce(t *testing.T) {
	path := writeTemp(t, "pairs.csv", []byte("n,key\n1,a\n2,b\n"))
	store := map[string]int{}
	spec := memSpec(store, 0)
	headers := 0
	spec.CSVParser = func(header []string) (func([]string) (pair, error), error) {
		headers++
		if !slices.Equal(header, []string{"n", "key"}) {
			t.Fatalf("header %v", header)
		}
		return func(rec []string) (pair, error) {
			n, _ := strconv.Atoi(rec[0])
			return pair{rec[1], n}, nil
		}, nil
	}
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	if _, err := runBulk(context.Background(), e, path, spec, bulkOptions{}); err != nil || headers != 1 || store["b"] != 2 {
		t.Fatalf("%v, %d headers, %v", err, headers, store)
	}
	spec.CSVParser = func([]string) (func([]string) (pair, error), error) { return nil, errors.New("column 3 is odd") }
	if _, err := runBulk(context.Background(), e, path, spec, bulkOptions{}); err == nil || !strings.Contains(err.Error(), "line 1: column 3 is odd") {
		t.Fatalf("a refused header: %v", err)
	}
}
