package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// A bulk import reads a CSV file (first line: column names) or an NDJSON
// file (one JSON object per line), either optionally gzip-compressed,
// parses each row, and writes the valid ones in batches, each batch in one
// transaction. Rejected rows are reported with their line number and
// reason. After every committed batch the position is saved beside the
// file, so an interrupted import can continue with --resume instead of
// starting over.

// csvRow is one CSV record with its header.
type csvRow struct {
	index map[string]int
	rec   []string
}

// Get returns the trimmed value of column col, or "" when the file has no
// such column.
func (r csvRow) Get(col string) string {
	if i, ok := r.index[col]; ok && i < len(r.rec) {
		return strings.TrimSpace(r.rec[i])
	}
	return ""
}

// Raw returns the value of column col as the file has it, untrimmed.
func (r csvRow) Raw(col string) string {
	if i, ok := r.index[col]; ok && i < len(r.rec) {
		return r.rec[i]
	}
	return ""
}

// Has reports whether the file has column col.
func (r csvRow) Has(col string) bool {
	_, ok := r.index[col]
	return ok
}

// bulkSpec describes one kind of import.
type bulkSpec[T any] struct {
	what     string   // plural noun for messages: "access codes"
	required []string // CSV columns that must be present
	// columns, when set, are all the CSV columns the import knows; any
	// other is refused, so that a misspelt column does not drop its data.
	columns   []string
	batchSize int
	fromCSV   func(r csvRow) (T, error)
	// csvParser, when set, is used instead of fromCSV: it sees the header
	// once and returns the parser of each row's fields, so that wide,
	// high-volume files are not looked up column by column on every row.
	csvParser func(header []string) (func(rec []string) (T, error), error)
	fromJSON  func(line []byte) (T, error) // nil: NDJSON is not accepted
	// write stores one batch atomically. A batch that fails with an
	// Invalid, Conflict or NotFound error is split and retried (see
	// writeBisecting), so that the offending rows are reported and the
	// others imported.
	write func(ctx context.Context, batch []T) error
	// pipeline writes each batch in the background while the next one is
	// parsed (one batch in flight, committed in order), for imports where
	// parsing and the database each keep a core busy.
	pipeline bool
}

// bulkOptions are the flags every import command shares.
type bulkOptions struct {
	format    string // csv, ndjson, or "" to tell by the file name
	resume    bool
	maxErrors int
	errorsTo  string
}

func (o *bulkOptions) addFlags(cmd *cobra.Command, ndjson bool) {
	formats := "csv"
	if ndjson {
		formats = "csv or ndjson"
	}
	cmd.Flags().StringVar(&o.format, "format", "", "file format: "+formats+" (default: by file name; .gz is decompressed)")
	cmd.Flags().BoolVar(&o.resume, "resume", false, "continue an interrupted import of FILE after its last committed line (refused when there is none)")
	cmd.Flags().IntVar(&o.maxErrors, "max-errors", 0, "stop after this many rejected rows (0: never)")
	cmd.Flags().StringVar(&o.errorsTo, "errors", "", "also write every rejected row's line number and reason to this file")
}

// bulkResult is what an import did.
type bulkResult struct {
	Imported int
	Rejected int
	Skipped  int // rows before the resumed position
	Elapsed  time.Duration
}

type rejectedRow struct {
	line   int
	reason string
}

// runBulk imports path according to spec. It returns an error when rows
// were rejected (after importing the others) so that scripts notice.
func runBulk[T any](ctx context.Context, e *env, path string, spec bulkSpec[T], o bulkOptions) (bulkResult, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return bulkResult{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return bulkResult{}, err
	}

	format := o.format
	if format == "" {
		format = formatOf(path)
	}
	if format != "csv" && (format != "ndjson" || spec.fromJSON == nil) {
		return bulkResult{}, fmt.Errorf("%s: unsupported format %q", path, format)
	}

	// --resume continues exactly after the last committed line of an
	// earlier run of this file, and only then: run without one, it would
	// import the whole file again. An import over an interrupted one
	// would import its committed rows twice.
	cp := checkpoint{path: path + ".import-position"}
	earlier, found, err := cp.load(info)
	if err != nil && o.resume {
		return bulkResult{}, err
	}
	switch {
	case o.resume && !found:
		return bulkResult{}, fmt.Errorf("nothing to resume: no interrupted import of %s (it has no %s, which an import "+
			"saves after its first committed batch and removes when it finishes); run without --resume to import it", path, cp.path)
	case !o.resume && found:
		return bulkResult{}, fmt.Errorf("%s has an interrupted import: %d rows up to line %d are committed. Continue it with --resume, "+
			"or delete %s to import the whole file again", path, earlier.Rows, earlier.Line, cp.path)
	}
	skip := 0
	if o.resume {
		skip = earlier.Rows
		fmt.Fprintf(e.stderr, "resuming %s after line %d: %d rows were committed before\n", path, earlier.Line, earlier.Rows)
	}

	bar := newProgress(e.stderr, info.Size(), "importing "+spec.what)
	counted := &countingReader{r: f, bar: bar}
	var r io.Reader = bufio.NewReaderSize(counted, 1<<16)
	if isGzip(r.(*bufio.Reader)) {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return bulkResult{}, fmt.Errorf("%s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}

	var errLog io.Writer = io.Discard
	if o.errorsTo != "" {
		ef, err := os.Create(o.errorsTo)
		if err != nil {
			return bulkResult{}, err
		}
		defer ef.Close()
		errLog = ef
	}

	res := bulkResult{Skipped: skip}
	var rejected []rejectedRow
	var mu sync.Mutex // res and rejected, shared with the writer of a pipelined import
	reject := func(line int, err error) error {
		mu.Lock()
		defer mu.Unlock()
		res.Rejected++
		reason := aiccd.MessageOf(err, err.Error())
		fmt.Fprintf(errLog, "%d\t%s\n", line, reason)
		if len(rejected) < 100 {
			rejected = append(rejected, rejectedRow{line, reason})
		}
		if o.maxErrors > 0 && res.Rejected >= o.maxErrors {
			return fmt.Errorf("stopped after %d rejected rows", res.Rejected)
		}
		return nil
	}
	imported := func(n int) {
		mu.Lock()
		res.Imported += n
		mu.Unlock()
	}

	// write stores one batch, then saves the position: consumed data rows
	// (the batch's and the rejected ones before it) are done, up to the
	// file's line lastLine.
	write := func(batch []T, lines []int, consumed, lastLine int) error {
		if err := writeBisecting(ctx, spec.write, batch, lines, reject, imported); err != nil {
			return err
		}
		return cp.save(info, position{Rows: consumed, Line: lastLine})
	}

	batch := make([]T, 0, spec.batchSize)
	lines := make([]int, 0, spec.batchSize)
	done := skip      // data rows consumed, for the checkpoint
	seenLine := 0     // the file line of the last row consumed
	committed := skip // data rows consumed up to the last committed batch
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
		b, l, consumed, lastLine := batch, lines, done+len(batch), seenLine
		done = consumed
		if !spec.pipeline {
			batch, lines = batch[:0], lines[:0]
			if err := write(b, l, consumed, lastLine); err != nil {
				return err
			}
			committed = consumed
			return nil
		}
		// Parse the next batch while this one is written.
		batch, lines = make([]T, 0, spec.batchSize), make([]int, 0, spec.batchSize)
		inFlight = make(chan error, 1)
		go func(ch chan error) {
			err := write(b, l, consumed, lastLine)
			if err == nil {
				committed = consumed
			}
			ch <- err
		}(inFlight)
		return nil
	}

	row := func(line int, v T, perr error) error {
		seenLine = line
		if perr != nil {
			done++
			return reject(line, perr)
		}
		batch = append(batch, v)
		lines = append(lines, line)
		if len(batch) >= spec.batchSize {
			return flush()
		}
		return nil
	}

	if format == "csv" {
		err = readCSV(r, spec, skip, row)
	} else {
		err = readNDJSON(r, spec, skip, row)
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
	bar.Finish()
	res.Elapsed = time.Since(start)

	// Rows refused by the parser are reported at once, rows refused by
	// the store when their batch is written: report in file order.
	slices.SortStableFunc(rejected, func(a, b rejectedRow) int { return a.line - b.line })
	for _, rr := range rejected {
		fmt.Fprintf(e.stderr, "line %d: %s\n", rr.line, rr.reason)
	}
	if res.Rejected > len(rejected) {
		fmt.Fprintf(e.stderr, "… and %d more rejected rows\n", res.Rejected-len(rejected))
	}
	rate := float64(res.Imported) / max(res.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(e.stdout, "imported %d %s, rejected %d, in %s (%.0f rows/s)\n",
		res.Imported, spec.what, res.Rejected, res.Elapsed.Round(time.Millisecond), rate)
	if err != nil {
		if committed > 0 { // else there is nothing to resume
			fmt.Fprintf(e.stderr, "import interrupted after %d rows; run again with --resume to continue\n", committed)
		}
		return res, err
	}
	cp.remove()
	if res.Rejected > 0 {
		return res, fmt.Errorf("%d rows rejected", res.Rejected)
	}
	return res, nil
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
	case !refused(err):
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

// refused reports whether err is a store's refusal of a row rather than a
// failure of the store.
func refused(err error) bool {
	switch aiccd.KindOf(err) {
	case aiccd.KindInvalid, aiccd.KindConflict, aiccd.KindNotFound:
		return true
	}
	return false
}

func readCSV[T any](r io.Reader, spec bulkSpec[T], skip int, row func(int, T, error) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return errors.New("the file is empty; the first line must name the columns")
		}
		return fmt.Errorf("line 1: %w", err)
	}
	index := make(map[string]int, len(header))
	for i, h := range header {
		index[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, col := range spec.required {
		if _, ok := index[col]; !ok {
			return fmt.Errorf("line 1: column %q is missing (required: %s)", col, strings.Join(spec.required, ", "))
		}
	}
	if spec.columns != nil {
		for _, h := range header {
			if col := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")); !slices.Contains(spec.columns, col) {
				return fmt.Errorf("line 1: unknown column %q (known: %s)", col, strings.Join(spec.columns, ", "))
			}
		}
	}
	parse := func(rec []string) (T, error) { return spec.fromCSV(csvRow{index: index, rec: rec}) }
	if spec.csvParser != nil {
		if parse, err = spec.csvParser(slices.Clone(header)); err != nil {
			return fmt.Errorf("line 1: %w", err)
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

func readNDJSON[T any](r io.Reader, spec bulkSpec[T], skip int, row func(int, T, error) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
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
		v, perr := spec.fromJSON(b)
		if err := row(line, v, perr); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return nil
}

// decodeRow decodes one NDJSON line into v, with a reason fit for the
// rejected-rows report.
func decodeRow(line []byte, v any) error {
	if err := json.Unmarshal(line, v); err != nil {
		return aiccd.Errorf(aiccd.KindInvalid, "not a valid JSON object: %v", err)
	}
	return nil
}

func formatOf(path string) string {
	name := strings.TrimSuffix(strings.ToLower(filepath.Base(path)), ".gz")
	switch {
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".json"):
		return "ndjson"
	default:
		return "csv"
	}
}

func isGzip(r *bufio.Reader) bool {
	magic, err := r.Peek(2)
	return err == nil && magic[0] == 0x1f && magic[1] == 0x8b
}

// countingReader advances the progress bar by the bytes read from the
// file, compressed or not.
type countingReader struct {
	r   io.Reader
	bar *progressbar.ProgressBar
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.bar.Add(n)
	return n, err
}

// newProgress returns a progress bar on w, drawn only when w is a terminal.
func newProgress(w io.Writer, size int64, what string) *progressbar.ProgressBar {
	visible := false
	if f, ok := w.(*os.File); ok {
		visible = term.IsTerminal(int(f.Fd()))
	}
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(visible),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// checkpoint is the saved position of an import: how many data rows of
// which version of the file are committed, up to which line. It is saved
// after each batch's commit, so a process killed between the two (a
// window of microseconds) leaves the position one batch behind: resuming
// offers that batch again, whose keyed rows (tenants, customers, access
// codes) are then reported as existing.
type checkpoint struct{ path string }

type position struct {
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
	Rows    int       `json:"rows"` // data rows committed, rejected ones included
	Line    int       `json:"line"` // the file's line of the last of them
}

// load returns the saved position, and whether there is one for this
// version of the file. A position saved for another version is an error
// (found false), which only a resume reports.
func (c checkpoint) load(info os.FileInfo) (p position, found bool, err error) {
	b, err := os.ReadFile(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, false, fmt.Errorf("%s: %w", c.path, err)
	}
	if p.Size != info.Size() || !p.ModTime.Equal(info.ModTime()) {
		return p, false, fmt.Errorf("%s was saved for another version of the file; remove it to start over", c.path)
	}
	return p, true, nil
}

// save records p atomically: a crash leaves the old or the new position.
func (c checkpoint) save(info os.FileInfo, p position) error {
	p.Size, p.ModTime = info.Size(), info.ModTime()
	b, _ := json.Marshal(p)
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, c.path)
}

func (c checkpoint) remove() { os.Remove(c.path) }
