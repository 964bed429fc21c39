package console

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// The overview's figures come from the server's own Prometheus series
// (aiccd_http_requests_total, aiccd_http_request_duration_seconds), read
// every few seconds: the same numbers /metrics gives, as rates.

const (
	sampleEvery = 5 * time.Second
	sampleSpan  = 10 * time.Minute // how far back the charts go
)

// routeCounts are one route's cumulative figures at a sample.
type routeCounts struct {
	requests float64
	errors   float64   // answers with status 500 or above
	buckets  []float64 // cumulative counts per upper bound
}

type sample struct {
	at     time.Time
	routes map[string]routeCounts
	bounds []float64 // the duration histogram's upper bounds, seconds
}

// sampler keeps the samples of the last sampleSpan.
type sampler struct {
	gather prometheus.Gatherer
	mu     sync.Mutex
	kept   []sample
}

func newSampler(g prometheus.Gatherer) *sampler { return &sampler{gather: g} }

// take reads the series now.
func (s *sampler) take(now time.Time) {
	if s.gather == nil {
		return
	}
	mfs, err := s.gather.Gather()
	if err != nil {
		return
	}
	smp := sample{at: now, routes: map[string]routeCounts{}}
	for _, mf := range mfs {
		switch mf.GetName() {
		case "aiccd_http_requests_total":
			for _, m := range mf.GetMetric() {
				route, status := label(m, "route"), label(m, "status")
				rc := smp.routes[route]
				rc.requests += m.GetCounter().GetValue()
				if status >= "500" {
					rc.errors += m.GetCounter().GetValue()
				}
				smp.routes[route] = rc
			}
		case "aiccd_http_request_duration_seconds":
			for _, m := range mf.GetMetric() {
				route := label(m, "route")
				rc := smp.routes[route]
				h := m.GetHistogram()
				rc.buckets = rc.buckets[:0]
				smp.bounds = smp.bounds[:0]
				for _, b := range h.GetBucket() {
					smp.bounds = append(smp.bounds, b.GetUpperBound())
					rc.buckets = append(rc.buckets, float64(b.GetCumulativeCount()))
				}
				smp.routes[route] = rc
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kept = append(s.kept, smp)
	cut := 0
	for cut < len(s.kept) && now.Sub(s.kept[cut].at) > sampleSpan {
		cut++
	}
	s.kept = slices.Delete(s.kept, 0, cut)
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// point is the traffic between two samples.
type point struct {
	At        time.Time
	PerSecond float64
	ErrorRate float64 // share of answers that were server errors, 0 to 1
	P99       float64 // seconds; NaN without requests
}

// routeStats are a route's figures over the last minute.
type routeStats struct {
	Route     string
	PerSecond float64
	ErrorRate float64
	P99       float64
	Requests  float64
}

// series returns the traffic of every route taken together, point by
// point, and each route's figures over the last minute, busiest first.
// Routes of the console itself are left out.
func (s *sampler) series() ([]point, []routeStats) {
	s.mu.Lock()
	kept := slices.Clone(s.kept)
	s.mu.Unlock()
	var points []point
	for i := 1; i < len(kept); i++ {
		points = append(points, between(kept[i-1], kept[i], ""))
	}
	if len(kept) < 2 {
		return points, nil
	}
	last := kept[len(kept)-1]
	first := kept[0]
	for i := len(kept) - 1; i >= 0 && last.at.Sub(kept[i].at) <= time.Minute; i-- {
		first = kept[i]
	}
	var stats []routeStats
	for route := range last.routes {
		if !counted(route) {
			continue
		}
		p := between(first, last, route)
		n := last.routes[route].requests - first.routes[route].requests
		if n <= 0 {
			continue
		}
		stats = append(stats, routeStats{Route: route, PerSecond: p.PerSecond, ErrorRate: p.ErrorRate, P99: p.P99, Requests: n})
	}
	sort.Slice(stats, func(i, j int) bool {
		if stats[i].Requests != stats[j].Requests {
			return stats[i].Requests > stats[j].Requests
		}
		return stats[i].Route < stats[j].Route
	})
	return points, stats
}

// counted tells the routes the overview shows: not the console's own
// pages and polls, which would show mostly the overview watching itself.
func counted(route string) bool { return !strings.Contains(route, Prefix) }

// between is the traffic from a to b of one route, or of every counted
// route for "".
func between(a, b sample, route string) point {
	p := point{At: b.at, P99: math.NaN()}
	secs := b.at.Sub(a.at).Seconds()
	if secs <= 0 {
		return p
	}
	var requests, errors float64
	buckets := make([]float64, len(b.bounds))
	for r, bc := range b.routes {
		if (route != "" && r != route) || (route == "" && !counted(r)) {
			continue
		}
		ac := a.routes[r]
		requests += bc.requests - ac.requests
		errors += bc.errors - ac.errors
		for i := range bc.buckets {
			if i < len(buckets) {
				prev := 0.0
				if i < len(ac.buckets) {
					prev = ac.buckets[i]
				}
				buckets[i] += bc.buckets[i] - prev
			}
		}
	}
	p.PerSecond = requests / secs
	if requests > 0 {
		p.ErrorRate = errors / requests
		p.P99 = quantile(0.99, b.bounds, buckets, requests)
	}
	return p
}

// quantile estimates the q-quantile from cumulative bucket counts, by
// linear interpolation inside the bucket that holds it, as Prometheus's
// histogram_quantile does. Past the last bound it answers that bound.
func quantile(q float64, bounds, cumulative []float64, total float64) float64 {
	rank := q * total
	lower, below := 0.0, 0.0
	for i, upper := range bounds {
		if cumulative[i] >= rank {
			in := cumulative[i] - below
			if in <= 0 {
				return upper
			}
			return lower + (upper-lower)*(rank-below)/in
		}
		lower, below = upper, cumulative[i]
	}
	if len(bounds) == 0 {
		return math.NaN()
	}
	return bounds[len(bounds)-1]
}
