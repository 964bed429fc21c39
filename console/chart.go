package console

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
)

// chart draws a series as an inline SVG line chart: no script and no
// library, so it renders under the console's Content-Security-Policy and
// without JavaScript. The chart is an image to assistive technology,
// labelled with its title and latest value.
func chart(title, unit string, points []point, value func(point) float64, format func(float64) string) template.HTML {
	const w, h, left, bottom = 600.0, 160.0, 56.0, 20.0
	top := 8.0
	var maxV float64
	var vs []float64
	for _, p := range points {
		v := value(p)
		vs = append(vs, v)
		if !math.IsNaN(v) && v > maxV {
			maxV = v
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	maxV = niceCeil(maxV)
	latest := "no requests yet"
	for i := len(vs) - 1; i >= 0; i-- {
		if !math.IsNaN(vs[i]) {
			latest = format(vs[i]) + " " + unit
			break
		}
	}
	var b strings.Builder
	label := title + ", last " + sampleSpan.String() + ": now " + latest
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<title>%s</title>`, template.HTMLEscapeString(label))
	plotW, plotH := w-left-4, h-top-bottom
	for _, f := range []float64{0, 0.5, 1} {
		y := top + plotH*(1-f)
		fmt.Fprintf(&b, `<line class="grid" x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f"/>`, left, y, w-4, y)
		fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.1f" text-anchor="end">%s</text>`, left-6, y+4, template.HTMLEscapeString(format(maxV*f)))
	}
	fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.0f">−%s</text>`, left, h-4, shortDuration(sampleSpan))
	fmt.Fprintf(&b, `<text class="axis" x="%.0f" y="%.0f" text-anchor="end">now</text>`, w-4, h-4)
	n := int(sampleSpan / sampleEvery)
	var line []string
	flush := func() {
		if len(line) > 1 {
			fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(line, " "))
		} else if len(line) == 1 {
			xy := strings.Split(line[0], ",")
			fmt.Fprintf(&b, `<circle class="dot" cx="%s" cy="%s" r="2"/>`, xy[0], xy[1])
		}
		line = line[:0]
	}
	for i, v := range vs {
		if math.IsNaN(v) {
			flush()
			continue
		}
		slot := n - (len(vs) - 1 - i) // the newest point is at the right edge
		x := left + plotW*float64(slot)/float64(n)
		y := top + plotH*(1-v/maxV)
		line = append(line, fmt.Sprintf("%.1f,%.1f", x, y))
	}
	flush()
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

func shortDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return d.String()
}

func formatRate(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func formatPercent(v float64) string { return fmt.Sprintf("%.1f", v*100) }

func formatMS(seconds float64) string {
	if math.IsNaN(seconds) {
		return "–"
	}
	ms := seconds * 1000
	if ms >= 10 {
		return fmt.Sprintf("%.0f", ms)
	}
	return fmt.Sprintf("%.2f", ms)
}
