package smartcare

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// Subscriber records arrive in bulk: from files through `aiccd import
// records` and as a stream of NDJSON through the admin API. Both parse
// with a RecordParser and write through AppendRecords.

// RecordFutureTolerance is how far in the future a record's event time may
// lie: feeds are produced by clocks that differ a little.
const RecordFutureTolerance = time.Hour

// IngestBatchSize is the number of records written per transaction by
// IngestNDJSON, and the batch size the importer uses: large enough that
// per-transaction costs vanish, small enough to bound memory and the
// work an interruption repeats.
const IngestBatchSize = 20000

// The record fields of files and streams besides the dimensions.
const (
	FieldMSISDN    = "msisdn"
	FieldEventTime = "eventTime"
	FieldSceneCode = "ccmSceneCode"
)

// RecordParser reads records for one tenant, checking each against the
// tenant's retention and the clock when the parser was made.
type RecordParser struct {
	earliest time.Time // the retention horizon, or 2000-01-01
	latest   time.Time
	dims     DimensionsBuilder
}

// RecordParser returns a parser for records of tenantID.
func (s *Service) RecordParser(ctx context.Context, tenantID string) (*RecordParser, error) {
	if err := s.checkTenant(ctx, tenantID); err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &RecordParser{earliest: earliestTime, latest: now.Add(RecordFutureTolerance)}
	if h := st.Horizon(now); h.After(p.earliest) {
		p.earliest = h
	}
	return p, nil
}

// recordJSON is one NDJSON line:
//
//	{"msisdn":"6680512100869","eventTime":1721280041000,"ccmSceneCode":"SMS",
//	 "dimensions":{"LAC_TAC":"5200504B2007","FAILURE_CAUSE":"…"}}
//
// eventTime is epoch milliseconds (a number or a string) or RFC 3339.
type recordJSON struct {
	MSISDN     string            `json:"msisdn"`
	EventTime  json.RawMessage   `json:"eventTime"`
	SceneCode  string            `json:"ccmSceneCode"`
	Dimensions map[string]string `json:"dimensions"`
}

// FromJSON parses one NDJSON line.
func (p *RecordParser) FromJSON(line []byte) (Record, error) {
	var v recordJSON
	if !fastRecordJSON(line, &v, &p.dims) {
		p.dims.Build() // drop what the fast path collected
		if err := p.slowRecordJSON(line, &v); err != nil {
			p.dims.Build()
			return Record{}, err
		}
	}
	t := string(bytes.Trim(v.EventTime, `"`))
	if len(v.EventTime) == 0 || string(v.EventTime) == "null" {
		t = ""
	}
	return p.build(v.MSISDN, t, v.SceneCode, p.dims.Build())
}

// slowRecordJSON decodes any line encoding/json accepts.
func (p *RecordParser) slowRecordJSON(line []byte, v *recordJSON) error {
	*v = recordJSON{}
	if err := json.Unmarshal(line, v); err != nil {
		return aiccd.Errorf(aiccd.KindInvalid, "not a record object: %v", err)
	}
	for k, val := range v.Dimensions {
		if err := p.dims.Add(k, val); err != nil {
			return err
		}
	}
	return nil
}

// CSV returns a parser of CSV rows whose first line is header: columns
// msisdn, eventTime and ccmSceneCode, and one column per dimension
// (LAC_TAC, SAI_CGI_ECGI, FAILURE_CAUSE, APN, RAT, …). A blank cell leaves
// the dimension out.
func (p *RecordParser) CSV(header []string) (func(row []string) (Record, error), error) {
	col := map[string]int{}
	type dimCol struct {
		i   int
		key string
	}
	var dimCols []dimCol
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		switch h {
		case FieldMSISDN, FieldEventTime, FieldSceneCode:
			col[h] = i
			continue
		}
		key, err := NormaliseDimensionKey(h)
		if err != nil {
			return nil, fmt.Errorf("column %d %q is neither msisdn, eventTime, ccmSceneCode nor a dimension name: %v", i+1, h, err)
		}
		dimCols = append(dimCols, dimCol{i, key})
	}
	for _, f := range []string{FieldMSISDN, FieldEventTime, FieldSceneCode} {
		if _, ok := col[f]; !ok {
			return nil, fmt.Errorf("column %q is missing (required: msisdn, eventTime, ccmSceneCode)", f)
		}
	}
	iM, iT, iS := col[FieldMSISDN], col[FieldEventTime], col[FieldSceneCode]
	cell := func(row []string, i int) string {
		if i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	return func(row []string) (Record, error) {
		for _, d := range dimCols {
			if err := p.dims.Add(d.key, cell(row, d.i)); err != nil {
				p.dims.Build()
				return Record{}, err
			}
		}
		return p.build(cell(row, iM), cell(row, iT), cell(row, iS), p.dims.Build())
	}, nil
}

func (p *RecordParser) build(msisdn, eventTime, sceneCode string, dims Dimensions) (Record, error) {
	if err := ValidateMSISDN(msisdn); err != nil {
		return Record{}, aiccd.Errorf(aiccd.KindInvalid, "%v", err)
	}
	t, err := ParseTime(eventTime)
	if err != nil {
		return Record{}, aiccd.Errorf(aiccd.KindInvalid, "eventTime: %v", err)
	}
	if t.Before(p.earliest) {
		return Record{}, aiccd.Errorf(aiccd.KindInvalid, "eventTime %s is older than the tenant's retention of subscriber records", t.Format(time.RFC3339))
	}
	if t.After(p.latest) {
		return Record{}, aiccd.Errorf(aiccd.KindInvalid, "eventTime %s lies more than %s in the future", t.Format(time.RFC3339), RecordFutureTolerance)
	}
	code, err := NormaliseSceneCode(sceneCode)
	if err != nil {
		return Record{}, err
	}
	return Record{MSISDN: msisdn, EventTime: t, SceneCode: code, Dimensions: dims}, nil
}

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
	CommittedLines int64          `json:"committedLines"`
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
	var rep IngestReport
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

// AppendRecordJSON appends r as one NDJSON line of the form FromJSON
// reads, newline included: what generators and exports write.
func AppendRecordJSON(dst []byte, r Record) []byte {
	dst = append(dst, `{"msisdn":`...)
	dst = appendJSONString(dst, r.MSISDN)
	dst = append(dst, `,"eventTime":`...)
	dst = strconv.AppendInt(dst, r.EventTime.UnixMilli(), 10)
	dst = append(dst, `,"ccmSceneCode":`...)
	dst = appendJSONString(dst, r.SceneCode)
	dst = append(dst, `,"dimensions":{`...)
	for i, d := range r.Dimensions {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, d.Key)
		dst = append(dst, ':')
		dst = appendJSONString(dst, d.Value)
	}
	return append(dst, "}}\n"...)
}

// appendJSONString appends s as a JSON string. s is valid UTF-8 (records
// are checked when parsed), so only quotes, backslashes and control
// characters need escaping.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
