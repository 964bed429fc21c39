package cli

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/bulk"
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

// bulkSpec describes one kind of import (package bulk, which the
// console's upload shares).
type bulkSpec[T any] = bulk.Spec[T]

// csvRow is one CSV record with its header.
type csvRow = bulk.Row

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

	format := bulk.Format(o.format)
	if format == "" {
		format = bulk.FormatOf(path)
	}
	if !spec.Accepts(format) {
		return bulkResult{}, fmt.Errorf("%s: unsupported format %q", path, format)
	}

	cp := checkpoint{path: path + ".import-position"}
	skip, err := resumePosition(e.stderr, path, cp, info, o.resume)
	if err != nil {
		return bulkResult{}, err
	}
	bar := newProgress(e.stderr, info.Size(), "importing "+spec.What)
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
		// Rejection reasons quote rows, which may hold personal data.
		ef, err := os.OpenFile(o.errorsTo, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return bulkResult{}, err
		}
		defer ef.Close()
		errLog = ef
	}

	res := bulkResult{Skipped: skip}
	rej := &rejections{res: &res, log: errLog, max: o.maxErrors}
	// After every committed batch, save the position: its data rows (and
	// the rejected ones before it) are done, up to the file's line.
	committed, err := bulk.Run(ctx, r, format, spec, bulk.Hooks{
		Skip: skip, Reject: rej.reject, Imported: rej.imported,
		Committed: func(rows, line int) error { return cp.save(info, position{Rows: rows, Line: line}) },
	})
	bar.Finish()
	res.Elapsed = time.Since(start)

	rej.report(e.stderr)
	rate := float64(res.Imported) / max(res.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(e.stdout, "imported %d %s, rejected %d, in %s (%.0f rows/s)\n",
		res.Imported, spec.What, res.Rejected, res.Elapsed.Round(time.Millisecond), rate)
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

// resumePosition is how many data rows an import of path skips: with
// --resume, exactly those an earlier, interrupted run committed, and only
// then; run without --resume over an interrupted import it refuses, which
// would otherwise import the committed rows twice.
func resumePosition(stderr io.Writer, path string, cp checkpoint, info os.FileInfo, resume bool) (int, error) {
	earlier, found, err := cp.load(info)
	if err != nil && resume {
		return 0, err
	}
	switch {
	case resume && !found:
		return 0, fmt.Errorf("nothing to resume: no interrupted import of %s (it has no %s, which an import "+
			"saves after its first committed batch and removes when it finishes); run without --resume to import it", path, cp.path)
	case !resume && found:
		return 0, fmt.Errorf("%s has an interrupted import: %d rows up to line %d are committed. Continue it with --resume, "+
			"or delete %s to import the whole file again", path, earlier.Rows, earlier.Line, cp.path)
	case resume:
		fmt.Fprintf(stderr, "resuming %s after line %d: %d rows were committed before\n", path, earlier.Line, earlier.Rows)
		return earlier.Rows, nil
	}
	return 0, nil
}

// rejections counts an import's rows, logs every rejected one to log and
// keeps the first hundred for the report. The bulk runner calls it from
// its reader and from the writer of a pipelined import, hence the lock.
type rejections struct {
	mu   sync.Mutex
	res  *bulkResult
	rows []rejectedRow
	log  io.Writer
	max  int // stop after this many rejected rows; 0: never
}

func (r *rejections) reject(line int, err error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Rejected++
	reason := aiccd.MessageOf(err, err.Error())
	fmt.Fprintf(r.log, "%d\t%s\n", line, reason)
	if len(r.rows) < 100 {
		r.rows = append(r.rows, rejectedRow{line, reason})
	}
	if r.max > 0 && r.res.Rejected >= r.max {
		return fmt.Errorf("stopped after %d rejected rows", r.res.Rejected)
	}
	return nil
}

func (r *rejections) imported(n int) {
	r.mu.Lock()
	r.res.Imported += n
	r.mu.Unlock()
}

// report writes the rejected rows kept, in file order: rows refused by
// the parser are rejected at once, rows refused by the store when their
// batch is written.
func (r *rejections) report(w io.Writer) {
	slices.SortStableFunc(r.rows, func(a, b rejectedRow) int { return a.line - b.line })
	for _, rr := range r.rows {
		fmt.Fprintf(w, "line %d: %s\n", rr.line, rr.reason)
	}
	if r.res.Rejected > len(r.rows) {
		fmt.Fprintf(w, "… and %d more rejected rows\n", r.res.Rejected-len(r.rows))
	}
}

// decodeRow decodes one NDJSON line into v, with a reason fit for the
// rejected-rows report.
func decodeRow(line []byte, v any) error { return bulk.DecodeRow(line, v) }

func formatOf(path string) string { return string(bulk.FormatOf(path)) }

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
