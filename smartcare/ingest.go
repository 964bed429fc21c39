package smartcare

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aiccd/aiccd"
)

// Subscriber records arrive in bulk: from files through `aiccd import
// records` and as a stream of NDJSON through the admin API. Both parse
// with a RecordParser and write through AppendRecords.

// IngestBatchSize is the number of records written per transaction by
// IngestNDJSON, and the batch size the importer uses: large enough that
// per-transaction costs vanish, small enough to bound memory and the
// work an interruption repeats.
const IngestBatchSize = 20000

// AppendRecords stores records of a tenant made by a RecordParser, all or
// none.
func (s *Service) AppendRecords(ctx context.Context, tenantID string, recs []Record) error {
	for i := range recs {
		if err := ValidateMSISDN(recs[i].MSISDN); err != nil || recs[i].SceneCode == "" || recs[i].EventTime.Before(earliestTime) {
			return aiccd.Errorf(aiccd.KindInvalid, "record %d was not made by a RecordParser", i)
		}
	}
	return s.store.AppendRecords(ctx, tenantID, recs)
}

// Records returns a tenant's records of msisdn in [from, to], earliest
// first, as queries see them (nothing older than the retention): what an
// administrator looks at to see why a query answered as it did.
func (s *Service) Records(ctx context.Context, tenantID, msisdn string, from, to time.Time) ([]Record, error) {
	if err := ValidateMSISDN(msisdn); err != nil {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "%v", err)
	}
	if to.Sub(from) > 31*24*time.Hour {
		return nil, aiccd.Errorf(aiccd.KindInvalid, "the window is longer than 31 days")
	}
	st, err := s.Settings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if h := st.Horizon(s.now()); from.Before(h) {
		from = h
	}
	return s.store.Records(ctx, tenantID, msisdn, from, to, s.maxQueryRecords)
}

// IngestReport is what IngestNDJSON did.
type IngestReport struct {
	Imported int64 `json:"imported"`
	Rejected int64 `json:"rejected"`
	// CommittedLines is the number of input lines whose records are
	// stored (or were rejected): a client whose stream broke resends from
	// the line after it.
	CommittedLines int64          `json:"committed_lines"`
	Errors         []RejectedLine `json:"errors"` // the first MaxReportedErrors
}

// RejectedLine is a line IngestNDJSON refused, and why.
type RejectedLine struct {
	Line   int64  `json:"line"`
	Reason string `json:"reason"`
}

// MaxReportedErrors bounds the rejected lines an IngestReport lists.
const MaxReportedErrors = 100

// MaxRecordLine bounds one NDJSON line.
const MaxRecordLine = 64 << 10

// IngestNDJSON reads records, one JSON object per line, from r and stores
// them in batches of IngestBatchSize, one transaction each, decoding the
// next batch while the previous one is written. Malformed lines are
// rejected and reported; the others are stored. It stops at the first
// failure of the store or of r, and reports how far it got.
func (s *Service) IngestNDJSON(ctx context.Context, tenantID string, r io.Reader) (IngestReport, error) {
	p, err := s.RecordParser(ctx, tenantID)
	if err != nil {
		return IngestReport{}, err
	}
	rep := IngestReport{Errors: []RejectedLine{}} // [] rather than null when every line is good
	w := newBatchWriter(ctx, func(ctx context.Context, b []Record) error { return s.AppendRecords(ctx, tenantID, b) })
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxRecordLine)
	batch := make([]Record, 0, IngestBatchSize)
	var line, pending int64 // pending: lines read since the last handed-over batch
	var pendingRejected int64
	committed := func(lines, imported, rejected int64) {
		rep.CommittedLines += lines
		rep.Imported += imported
		rep.Rejected += rejected
	}
	for sc.Scan() {
		line++
		pending++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		rec, err := p.FromJSON(b)
		if err != nil {
			pendingRejected++
			if len(rep.Errors) < MaxReportedErrors {
				rep.Errors = append(rep.Errors, RejectedLine{Line: line, Reason: aiccd.MessageOf(err, err.Error())})
			}
			continue
		}
		batch = append(batch, rec)
		if len(batch) == IngestBatchSize {
			if err := w.write(batch, pending, pendingRejected, committed); err != nil {
				return rep, err
			}
			batch, pending, pendingRejected = make([]Record, 0, IngestBatchSize), 0, 0
		}
	}
	readErr := sc.Err()
	if readErr == nil {
		if err := w.write(batch, pending, pendingRejected, committed); err != nil {
			return rep, err
		}
	}
	if err := w.wait(committed); err != nil {
		return rep, err
	}
	if readErr != nil {
		return rep, aiccd.Wrap(aiccd.KindInvalid, readErr, fmt.Sprintf("line %d: the stream broke or a line is longer than %d bytes", line+1, MaxRecordLine))
	}
	return rep, nil
}

// batchWriter writes one batch in the background while the next is
// decoded: decoding and the database then use a core each.
type batchWriter struct {
	ctx   context.Context
	fn    func(context.Context, []Record) error
	done  chan error
	busy  bool
	lines int64 // of the batch in flight
	recs  int64
	rejd  int64
}

func newBatchWriter(ctx context.Context, fn func(context.Context, []Record) error) *batchWriter {
	return &batchWriter{ctx: ctx, fn: fn, done: make(chan error, 1)}
}

// write waits for the batch in flight, then starts writing b, which covers
// lines input lines of which rejected were refused. committed is told
// about each batch once it is stored.
func (w *batchWriter) write(b []Record, lines, rejected int64, committed func(lines, imported, rejected int64)) error {
	if err := w.wait(committed); err != nil {
		return err
	}
	w.busy, w.lines, w.recs, w.rejd = true, lines, int64(len(b)), rejected
	if len(b) == 0 {
		w.done <- nil
		return nil
	}
	go func() { w.done <- w.fn(w.ctx, b) }()
	return nil
}

func (w *batchWriter) wait(committed func(lines, imported, rejected int64)) error {
	if !w.busy {
		return nil
	}
	w.busy = false
	if err := <-w.done; err != nil {
		return err
	}
	committed(w.lines, w.recs, w.rejd)
	return nil
}
