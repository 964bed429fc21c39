// Package bulk reads a file of rows in bulk and writes the valid ones in
// batches: a CSV file (first line: column names) or an NDJSON file (one
// JSON object per line). Each row is parsed by the import's Spec; a batch
// is written in one transaction, and a batch the store refuses for some
// of its rows is split until those rows are found, so that they are
// rejected with their line and reason and the others imported.
//
// `aiccd import` (package cli, which adds files, gzip, progress bars and
// resumption) and the console's upload both run their imports with it.
package bulk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aiccd/aiccd"
)

// Format is how a file's rows are written.
type Format string

// The formats.
const (
	CSV    Format = "csv"
	NDJSON Format = "ndjson"
)

// FormatOf tells a file's format by its name: .ndjson, .jsonl and .json
// (optionally .gz) are NDJSON, anything else CSV.
func FormatOf(name string) Format {
	name = strings.TrimSuffix(strings.ToLower(filepath.Base(name)), ".gz")
	switch {
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".json"):
		return NDJSON
	default:
		return CSV
	}
}

// Row is one CSV record with its header.
type Row struct {
	index map[string]int
	rec   []string
}

// Get returns the trimmed value of column col, or "" when the file has no
// such column.
func (r Row) Get(col string) string { return strings.TrimSpace(r.Raw(col)) }

// Raw returns the value of column col as the file has it, untrimmed.
func (r Row) Raw(col string) string {
	if i, ok := r.index[col]; ok && i < len(r.rec) {
		return r.rec[i]
	}
	return ""
}

// Has reports whether the file has column col.
func (r Row) Has(col string) bool {
	_, ok := r.index[col]
	return ok
}

// Spec describes one kind of import.
type Spec[T any] struct {
	What     string   // plural noun for messages: "access codes"
	Required []string // CSV columns that must be present
	// Columns, when set, are all the CSV columns the import knows; any
	// other is refused, so that a misspelt column does not drop its data.
	Columns   []string
	BatchSize int
	FromCSV   func(r Row) (T, error)
	// CSVParser, when set, is used instead of FromCSV: it sees the header
	// once and returns the parser of each row's fields, so that wide,
	// high-volume files are not looked up column by column on every row.
	CSVParser func(header []string) (func(rec []string) (T, error), error)
	FromJSON  func(line []byte) (T, error) // nil: NDJSON is not accepted
	// Write stores one batch atomically. A batch that fails with an
	// Invalid, Conflict or NotFound error is split and retried, so that
	// the offending rows are reported and the others imported.
	Write func(ctx context.Context, batch []T) error
	// Pipeline writes each batch in the background while the next one is
	// parsed (one batch in flight, committed in order), for imports where
	// parsing and the database each keep a core busy.
	Pipeline bool
}

// Accepts reports whether the import reads format.
func (s Spec[T]) Accepts(f Format) bool { return f == CSV || (f == NDJSON && s.FromJSON != nil) }

// Hooks are told what an import does as it goes. Reject and Imported may
// be called from the goroutine that writes a pipelined import's batches.
type Hooks struct {
	// Skip is how many data rows to pass over first (a resumed import).
	Skip int
	// Reject is told each rejected row; an error from it stops the import.
	Reject func(line int, err error) error
	// Imported is told how many rows a write stored.
	Imported func(n int)
	// Read is told each data row read (after Skip), before it is written.
	Read func(line int)
	// Committed is told, after each batch's commit, how many data rows
	// (rejected ones included) are done, up to which line of the file; an
	// error from it stops the import.
	Committed func(rows, line int) error
}

// Run imports the rows r holds in format. It returns the data rows done
// (rejected ones included) up to the last committed batch, and the error
// that stopped it, if any: a malformed header, a failing store, or an
// error of a hook. Rejected rows are no error.
func Run[T any](ctx context.Context, r io.Reader, format Format, spec Spec[T], h Hooks) (committed int, err error) {
	if !spec.Accepts(format) {
		return 0, fmt.Errorf("unsupported format %q", format)
	}
	if h.Reject == nil {
		h.Reject = func(int, error) error { return nil }
	}
	if h.Imported == nil {
		h.Imported = func(int) {}
	}
	batchSize := max(spec.BatchSize, 1)
	write := func(batch []T, lines []int, rows, lastLine int) error {
		if err := writeBisecting(ctx, spec.Write, batch, lines, h.Reject, h.Imported); err != nil {
			return err
		}
		if h.Committed != nil {
			return h.Committed(rows, lastLine)
		}
		return nil
	}

	batch := make([]T, 0, min(batchSize, 4096))
	lines := make([]int, 0, min(batchSize, 4096))
	done := h.Skip     // data rows consumed
	seenLine := 0      // the file line of the last row consumed
	committed = h.Skip // data rows consumed up to the last committed batch
	var inFlight chan error
	// wait collects the outcome of the batch being written, if any.
	wait := func() error {
		if inFlight == nil {
			return nil
		}
		err := <-inFlight
		inFlight = nil
		return err
	}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := wait(); err != nil {
			return err
		}
		b, l, rows, lastLine := batch, lines, done+len(batch), seenLine
		done = rows
		if !spec.Pipeline {
			batch, lines = batch[:0], lines[:0]
			if err := write(b, l, rows, lastLine); err != nil {
				return err
			}
			committed = rows
			return nil
		}
		// Parse the next batch while this one is written.
		batch, lines = make([]T, 0, cap(b)), make([]int, 0, cap(l))
		inFlight = make(chan error, 1)
		go func(ch chan error) {
			err := write(b, l, rows, lastLine)
			if err == nil {
				committed = rows
			}
			ch <- err
		}(inFlight)
		return nil
	}

	row := func(line int, v T, perr error) error {
		seenLine = line
		if h.Read != nil {
			h.Read(line)
		}
		if perr != nil {
			done++
			return h.Reject(line, perr)
		}
		batch = append(batch, v)
		lines = append(lines, line)
		if len(batch) >= batchSize {
			return flush()
		}
		return nil
	}

	if format == CSV {
		err = readCSV(r, spec, h.Skip, row)
	} else {
		err = readNDJSON(r, spec, h.Skip, row)
	}
	if err == nil {
		err = flush()
	}
	if werr := wait(); err == nil {
		err = werr
	}
	if err == nil {
		committed = done
	}
	return committed, err
}

// writeBisecting stores rows with write. When the store refuses the batch
// for one of its rows (an invalid, duplicate or dangling row), it halves
// the batch and tries each half, down to the single rows to reject: k bad
// rows among n cost about k·log2(n) writes, not n.
func writeBisecting[T any](ctx context.Context, write func(context.Context, []T) error, rows []T, lines []int,
	reject func(line int, err error) error, imported func(n int)) error {
	if len(rows) == 0 {
		return nil
	}
	err := write(ctx, rows)
	switch {
	case err == nil:
		imported(len(rows))
		return nil
	case !Refused(err):
		return err
	case len(rows) == 1:
		return reject(lines[0], err)
	}
	half := len(rows) / 2
	if err := writeBisecting(ctx, write, rows[:half], lines[:half], reject, imported); err != nil {
		return err
	}
	return writeBisecting(ctx, write, rows[half:], lines[half:], reject, imported)
}

// Refused reports whether err is a store's refusal of a row rather than a
// failure of the store.
func Refused(err error) bool {
	switch aiccd.KindOf(err) {
	case aiccd.KindInvalid, aiccd.KindConflict, aiccd.KindNotFound:
		return true
	}
	return false
}

func readCSV[T any](r io.Reader, spec Spec[T], skip int, row func(int, T, error) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return aiccd.Errorf(aiccd.KindInvalid, "the file is empty; the first line must name the columns")
		}
		return aiccd.Errorf(aiccd.KindInvalid, "line 1: %v", err)
	}
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, col := range spec.Required {
		if _, ok := index[col]; !ok {
			return aiccd.Errorf(aiccd.KindInvalid, "line 1: column %q is missing (required: %s)", col, strings.Join(spec.Required, ", "))
		}
	}
	if spec.Columns != nil {
		for _, h := range header {
			if col := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")); !slices.Contains(spec.Columns, col) {
				return aiccd.Errorf(aiccd.KindInvalid, "line 1: unknown column %q (known: %s)", col, strings.Join(spec.Columns, ", "))
			}
		}
	}
	parse := func(rec []string) (T, error) { return spec.FromCSV(Row{index: index, rec: rec}) }
	if spec.CSVParser != nil {
		if parse, err = spec.CSVParser(slices.Clone(header)); err != nil {
			return aiccd.Errorf(aiccd.KindInvalid, "line 1: %s", aiccd.MessageOf(err, err.Error()))
		}
	}
	n := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		n++
		if n <= skip {
			continue
		}
		if err != nil {
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				var zero T
				if rerr := row(pe.StartLine, zero, aiccd.Errorf(aiccd.KindInvalid, "malformed CSV: %v", pe.Err)); rerr != nil {
					return rerr
				}
				continue
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		v, perr := parse(rec)
		if err := row(line, v, perr); err != nil {
			return err
		}
	}
}

// MaxLine is the longest NDJSON line an import reads.
const MaxLine = 1 << 20

func readNDJSON[T any](r io.Reader, spec Spec[T], skip int, row func(int, T, error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	line, n := 0, 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		n++
		if n <= skip {
			continue
		}
		v, perr := spec.FromJSON(b)
		if err := row(line, v, perr); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return aiccd.Errorf(aiccd.KindInvalid, "line %d: %v", line+1, err)
	}
	return nil
}

// DecodeRow decodes one NDJSON line into v, with a reason fit for the
// rejected-rows report.
func DecodeRow(line []byte, v any) error {
	if err := json.Unmarshal(line, v); err != nil {
		return aiccd.Errorf(aiccd.KindInvalid, "not a valid JSON object: %v", err)
	}
	return nil
}
