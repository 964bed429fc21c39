package httpapi

import (
	"strconv"
	"time"

	"github.com/aiccd/aiccd/changefeed"
	"github.com/aiccd/aiccd/database"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	faults   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer, pools func() []database.PoolStats, feed *changefeed.Hub) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aiccd_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aiccd_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		faults: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aiccd_faults_injected_total",
			Help: "Requests affected by an integrator's fault rule, by route and kind (latency, forced, reset).",
		}, []string{"route", "kind"}),
	}
	reg.MustRegister(m.requests, m.duration, m.faults,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if pools != nil {
		reg.MustRegister(&poolCollector{stats: pools})
	}
	if feed != nil {
		reg.MustRegister(&feedCollector{feed: feed})
	}
	return m
}

// feedCollector reports the change feed at scrape time.
type feedCollector struct{ feed *changefeed.Hub }

var (
	feedLive = prometheus.NewDesc("aiccd_changefeed_live",
		"1 while the change feed is live and the read models answer from memory; 0 while they read the database.", nil, nil)
	feedChanges = prometheus.NewDesc("aiccd_changefeed_changes_total",
		"Changes delivered by the change feed.", nil, nil)
	feedBreaks = prometheus.NewDesc("aiccd_changefeed_breaks_total",
		"Times the change feed lost its subscription and the read models were emptied.", nil, nil)
)

func (c *feedCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- feedLive
	ch <- feedChanges
	ch <- feedBreaks
}

func (c *feedCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.feed.Stats()
	live := 0.0
	if s.Live {
		live = 1
	}
	ch <- prometheus.MustNewConstMetric(feedLive, prometheus.GaugeValue, live)
	ch <- prometheus.MustNewConstMetric(feedChanges, prometheus.CounterValue, float64(s.Changes))
	ch <- prometheus.MustNewConstMetric(feedBreaks, prometheus.CounterValue, float64(s.Breaks))
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// poolCollector reports the database connection pools at scrape time.
type poolCollector struct {
	stats func() []database.PoolStats
}

var (
	poolConns = prometheus.NewDesc("aiccd_db_pool_connections",
		"Database connections by pool and state (open, in_use, idle, max).", []string{"pool", "state"}, nil)
	poolWaits = prometheus.NewDesc("aiccd_db_pool_waits_total",
		"Times a request waited for a database connection.", []string{"pool"}, nil)
	poolWaitSeconds = prometheus.NewDesc("aiccd_db_pool_wait_seconds_total",
		"Time spent waiting for database connections.", []string{"pool"}, nil)
)

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolConns
	ch <- poolWaits
	ch <- poolWaitSeconds
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.stats() {
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.Open), s.Pool, "open")
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.InUse), s.Pool, "in_use")
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.Idle), s.Pool, "idle")
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(s.MaxOpen), s.Pool, "max")
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.WaitCount), s.Pool)
		ch <- prometheus.MustNewConstMetric(poolWaitSeconds, prometheus.CounterValue, s.WaitSeconds, s.Pool)
	}
}
