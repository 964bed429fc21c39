package console

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/aiccd/aiccd/smartcare"
)

// The SmartCare subscriber explorer: for an msisdn and a fault time, the
// subscriber's records in the backtrace window with the rules each
// matched, beside what queryfaultyuser answers. The answer is the same
// service call as `aiccd admin smartcare query`, the records those of
// `aiccd admin smartcare records`.

type smartCareData struct {
	Tenant string
	Req    smartcare.FaultyUserRequest
	Asked  bool // the form was sent
	// Answer is queryfaultyuser's response body; Reason, when it is an
	// error, says why (the body has the page's sentence only).
	Answer, Reason string
	From, To       time.Time
	Timeline       []timelineEntry
	Chart          timelineChart
	TimelineError  string
}

// timelineEntry is one record of the window and the faults it evidences.
type timelineEntry struct {
	Record smartcare.Record
	Rules  []smartcare.RuleMatch
}

func (c *Console) smartCareExplorer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := smartCareData{Tenant: r.PathValue("tenant")}
	if _, err := c.Tenants.Get(ctx, d.Tenant); err != nil {
		return err
	}
	q := r.URL.Query()
	d.Req = smartcare.FaultyUserRequest{MSISDN: strings.TrimSpace(q.Get("msisdn")), FaultTime: strings.TrimSpace(q.Get("faultTime")),
		ComplaintScene: strings.TrimSpace(q.Get("complaintScene")), BacktraceDuration: strings.TrimSpace(q.Get("backtraceDuration")), QueryFlag: "1"}
	d.Asked = q.Has("msisdn")
	if d.Asked {
		if err := c.explore(r, &d); err != nil {
			return err
		}
	}
	return c.render(w, r, http.StatusOK, "smartcare", view{Title: "SmartCare explorer · " + d.Tenant, Nav: "tenants", Data: d})
}

// explore fills in the answer and the timeline.
func (c *Console) explore(r *http.Request, d *smartCareData) error {
	ctx := r.Context()
	res, err := c.SmartCare.QueryFaultyUser(ctx, d.Tenant, d.Req)
	body := httpapi.FaultyUserAnswer(res, err)
	if err != nil {
		d.Reason = sentence(aiccd.MessageOf(err, ""))
		if !clientError(err) {
			c.Logger.ErrorContext(ctx, "console: queryfaultyuser failed", "err", err)
			d.Reason = "Something went wrong on the server; the log has the details."
		}
	}
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return err
	}
	d.Answer = string(b)

	query, err := smartcare.ParseFaultyUserRequest(d.Req)
	if err != nil {
		d.TimelineError = "No timeline: " + aiccd.MessageOf(err, "the request is not valid") + "."
		return nil
	}
	backtrace := query.Backtrace
	if backtrace == 0 {
		settings, err := c.SmartCare.Settings(ctx, d.Tenant)
		if err != nil {
			return err
		}
		backtrace = settings.DefaultBacktrace
	}
	d.From, d.To = query.FaultTime.Add(-backtrace), query.FaultTime
	recs, err := c.SmartCare.Records(ctx, d.Tenant, query.MSISDN, d.From, d.To)
	if err != nil {
		if !clientError(err) {
			return err
		}
		d.TimelineError = "No timeline: " + aiccd.MessageOf(err, "the records cannot be read") + "."
		return nil
	}
	for _, rec := range recs {
		e := timelineEntry{Record: rec}
		for _, m := range res.Matches {
			if m.Evidences(rec) {
				e.Rules = append(e.Rules, m)
			}
		}
		d.Timeline = append(d.Timeline, e)
	}
	d.Chart = chartTimeline(d.From, d.To, d.Timeline)
	return nil
}

// timelineChart places the window's records on a line, as inline SVG.
type timelineChart struct {
	Width, Height int
	Marks         []timelineMark
}

type timelineMark struct {
	X       float64
	Matched bool
	Label   string
}

func chartTimeline(from, to time.Time, entries []timelineEntry) timelineChart {
	ch := timelineChart{Width: 800, Height: 40}
	span := to.Sub(from)
	for _, e := range entries {
		x := 10.0
		if span > 0 {
			x += float64(ch.Width-20) * float64(e.Record.EventTime.Sub(from)) / float64(span)
		}
		label := e.Record.EventTime.UTC().Format("15:04:05") + " " + e.Record.SceneCode
		if len(e.Rules) > 0 {
			label += ": matched"
		}
		ch.Marks = append(ch.Marks, timelineMark{X: x, Matched: len(e.Rules) > 0, Label: label})
	}
	return ch
}
