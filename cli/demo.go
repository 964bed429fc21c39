package cli

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/spf13/cobra"
)

// newDemoCommand is the root of commands that make demonstration and load
// test data. They need no database.
func newDemoCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate demonstration and load-test data",
	}
	cmd.AddCommand(newDemoSmartCareDataCommand(e))
	return cmd
}

// feedColumns are the CSV columns of a generated feed.
var feedColumns = []string{smartcare.FieldMSISDN, smartcare.FieldEventTime, smartcare.FieldSceneCode,
	"LAC_TAC", "SAI_CGI_ECGI", "RAT", "APN", "FAILURE_CAUSE"}

func newDemoSmartCareDataCommand(e *env) *cobra.Command {
	var o demo.FeedOptions
	var out, format, rulesOut, start string
	cmd := &cobra.Command{
		Use:   "smartcare-data --records N [--out FILE] [--rules FILE]",
		Short: "Write a synthetic SmartCare subscriber-record feed for load tests",
		Long: `Write a synthetic SmartCare feed: records over many cells, with skewed subscriber
activity and a few mass faults whose sessions fail, in time order. With --rules, the
mass faults (and --history-rules older ones) are written as rules for
'aiccd import rules'. The same options and --seed give the same data.

A load test on a fresh tenant:
  aiccd admin tenant create load
  aiccd admin smartcare scene create 1 --tenant load --codes SMS,DATA
  aiccd demo smartcare-data --records 10000000 --history-rules 100000 --out feed.ndjson.gz --rules rules.ndjson
  aiccd import rules --tenant load rules.ndjson
  aiccd import records --tenant load feed.ndjson.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Records <= 0 {
				return invalidf("--records must be positive")
			}
			if start != "" {
				t, err := parseAdminTime("--start", start)
				if err != nil {
					return err
				}
				o.Start = t
			} else {
				// End now, so that the tenant's retention accepts the feed.
				o.Start = time.Now().UTC().Truncate(time.Hour).Add(-o.Span)
			}
			feed := demo.NewFeed(o)
			if format == "" {
				format = "ndjson"
				if out != "-" {
					format = formatOf(out)
				}
			}
			if err := writeFeed(e, feed, out, format); err != nil {
				return err
			}
			if rulesOut != "" {
				return writeFeedRules(feed, rulesOut)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Records, "records", 1_000_000, "records to write")
	f.IntVar(&o.Subscribers, "subscribers", 0, "distinct subscribers (default records/25)")
	f.IntVar(&o.Cells, "cells", 0, "cells, 16 per tracking area (default subscribers/10, at most 20,000)")
	f.IntVar(&o.Faults, "faults", 6, "mass faults during the feed")
	f.IntVar(&o.HistoryRules, "history-rules", 0, "rules of past faults to add to --rules")
	f.DurationVar(&o.Span, "span", 24*time.Hour, "time the records spread over")
	f.StringVar(&start, "start", "", "time of the first record, RFC 3339 or epoch ms (default: so that the feed ends now)")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed")
	f.StringVar(&out, "out", "-", "file to write (.gz compresses; - is standard output)")
	f.StringVar(&format, "format", "", "ndjson or csv (default: by --out's name; ndjson for standard output)")
	f.StringVar(&rulesOut, "rules", "", "also write the feed's mass-fault rules to this NDJSON file")
	return cmd
}

// create opens path for writing, gzip-compressed when it ends in .gz; "-"
// is w.
func create(path string, w io.Writer) (io.Writer, func() error, error) {
	if path == "-" || path == "" {
		return w, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, f.Close, nil
	}
	gz, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	return gz, func() error {
		if err := gz.Close(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}

func writeFeed(e *env, feed *demo.Feed, path, format string) error {
	w, closeFn, err := create(path, e.stdout)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	start := time.Now()
	n := 0
	switch format {
	case "ndjson":
		var line []byte
		for r := range feed.Records() {
			line = smartcare.AppendRecordJSON(line[:0], r)
			if _, err := bw.Write(line); err != nil {
				closeFn()
				return err
			}
			n++
		}
	case "csv":
		cw := csv.NewWriter(bw)
		cw.Write(feedColumns)
		row := make([]string, len(feedColumns))
		for r := range feed.Records() {
			for i := range row {
				row[i] = ""
			}
			row[0], row[1], row[2] = r.MSISDN, strconv.FormatInt(r.EventTime.UnixMilli(), 10), r.SceneCode
			for _, d := range r.Dimensions {
				for i := 3; i < len(feedColumns); i++ {
					if feedColumns[i] == d.Key {
						row[i] = d.Value
					}
				}
			}
			if err := cw.Write(row); err != nil {
				closeFn()
				return err
			}
			n++
		}
		cw.Flush()
	default:
		closeFn()
		return invalidf("--format %q is neither ndjson nor csv", format)
	}
	if err := bw.Flush(); err != nil {
		closeFn()
		return err
	}
	if err := closeFn(); err != nil {
		return err
	}
	if path != "-" {
		fmt.Fprintf(e.stderr, "wrote %d records to %s in %s\n", n, path, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

func writeFeedRules(feed *demo.Feed, path string) error {
	w, closeFn, err := create(path, nil)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for r := range feed.Rules() {
		row := ruleRow{SceneCode: r.SceneCode, ReflectionRule: r.ReflectionRule, ActiveFrom: r.ActiveFrom.Format(time.RFC3339), Description: r.Description}
		if !r.ActiveUntil.IsZero() {
			row.ActiveUntil = r.ActiveUntil.Format(time.RFC3339)
		}
		if err := enc.Encode(row); err != nil {
			closeFn()
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		closeFn()
		return err
	}
	return closeFn()
}
