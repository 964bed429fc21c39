package console

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"time"
)

// health is one dependency's state.
type health struct {
	Name   string
	OK     bool
	Detail string
}

type overviewData struct {
	Version       string
	Engine        string
	EngineVersion string
	Schema        string
	Uptime        string
	Health        []health
	Live          liveData
}

// liveData is the part of the overview its script refreshes.
type liveData struct {
	Charts []figure
	Routes []routeStats
}

// figure is a chart with its caption.
type figure struct {
	Title string
	SVG   template.HTML
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := overviewData{Version: c.Version, Uptime: c.Clock.Now().Sub(c.Started).Truncate(time.Second).String(), Live: c.live()}
	if c.DB != nil {
		d.Engine = string(c.DB.Engine)
		if v, err := c.DB.ServerVersion(ctx); err == nil {
			d.EngineVersion = v
		}
		if cur, latest, err := c.DB.SchemaVersion(ctx); err == nil {
			d.Schema = strconv.Itoa(cur) + " (this binary knows " + strconv.Itoa(latest) + ")"
		}
	}
	d.Health = c.health(ctx)
	return c.render(w, r, http.StatusOK, "overview", view{Title: "Overview", Nav: "overview", Data: d})
}

func (c *Console) overviewLive(w http.ResponseWriter, r *http.Request) error {
	return c.renderFragment(w, "overview_live", c.live())
}

func (c *Console) live() liveData {
	points, routes := c.samples.series()
	return liveData{
		Charts: []figure{
			{"Requests per second", chart("Requests per second", "req/s", points, func(p point) float64 { return p.PerSecond }, formatRate)},
			{"Server errors (%)", chart("Server errors", "%", points, func(p point) float64 { return p.ErrorRate }, formatPercent)},
			{"99th percentile latency (ms)", chart("99th percentile latency", "ms", points, func(p point) float64 { return p.P99 * 1000 },
				func(v float64) string { return formatMS(v / 1000) })},
		},
		Routes: routes,
	}
}

// health checks what aiccd depends on, each within a second.
func (c *Console) health(ctx context.Context) []health {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var hs []health
	if c.DB != nil {
		err := c.DB.Ping(ctx)
		hs = append(hs, health{Name: "Database", OK: err == nil, Detail: errDetail(err, "answers")})
	}
	if c.Redis != nil {
		err := c.Redis(ctx)
		hs = append(hs, health{Name: "Redis", OK: err == nil, Detail: errDetail(err, "answers")})
	} else {
		hs = append(hs, health{Name: "Redis", OK: true, Detail: "not used: lockouts and rate limits are counted in this process"})
	}
	live := c.Feed.Live()
	detail := "live: what any replica or admin command changes reaches this one's memory within 0.1 s"
	if !live {
		detail = "not live: every request reads the database until it is back"
	}
	hs = append(hs, health{Name: "Change feed", OK: live, Detail: detail})
	return hs
}

func errDetail(err error, ok string) string {
	if err != nil {
		return "does not answer"
	}
	return ok
}
