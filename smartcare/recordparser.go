package smartcare

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
)

// RecordFutureTolerance is how far in the future a record's event time may
// lie: feeds are produced by clocks that differ a little.
const RecordFutureTolerance = time.Hour

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
		key, err := NormalizeDimensionKey(h)
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
	code, err := NormalizeSceneCode(sceneCode)
	if err != nil {
		return Record{}, err
	}
	return Record{MSISDN: msisdn, EventTime: t, SceneCode: code, Dimensions: dims}, nil
}
