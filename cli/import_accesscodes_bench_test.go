package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aiccd/aiccd/accesscode/accesscodetest"
)

// BenchmarkImportAccessCodes imports a million access codes (or
// AICCD_BENCH_ROWS) from a CSV file into a fresh SQLite database with
// `aiccd import accesscodes`, and reports rows per second end to end:
// reading, validating, writing, indexing and the final tidying of the
// search indexes. It runs only with AICCD_BENCH_LARGE=1:
//
//	AICCD_BENCH_LARGE=1 go test ./cli -run '^$' -bench ImportAccessCodes -benchtime 1x -timeout 30m
func BenchmarkImportAccessCodes(b *testing.B) {
	if os.Getenv("AICCD_BENCH_LARGE") != "1" {
		b.Skip("set AICCD_BENCH_LARGE=1 to import a million access codes")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("AICCD_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "accesscodes.csv")
	writeAccessCodesCSV(b, file, n)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		dsn := filepath.Join(dir, fmt.Sprintf("aiccd-%d.db", i))
		var out, errOut bytes.Buffer
		if err := Run(ctx, []string{"admin", "tenant", "create", "big", "--database", dsn}, nil, &out, &errOut); err != nil {
			b.Fatal(err, errOut.String())
		}
		out.Reset()
		start := time.Now()
		if err := Run(ctx, []string{"import", "accesscodes", "--tenant", "big", file, "--database", dsn}, nil, &out, &errOut); err != nil {
			b.Fatal(err, errOut.String())
		}
		elapsed := time.Since(start)
		b.Logf("%s", out.String())
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
	}
}

func writeAccessCodesCSV(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(buf)
	w.Write([]string{"accessCode", "mediatypeId", "numCallAttr", "n400Number", "description"})
	for d := range accesscodetest.Drafts(1, n) {
		var n400, desc string
		if d.N400Number != nil {
			n400 = *d.N400Number
		}
		if d.Description != nil {
			desc = *d.Description
		}
		w.Write([]string{d.Code, strconv.Itoa(int(d.MediaType)), strconv.Itoa(int(d.CallAttr)), n400, desc})
	}
	w.Flush()
	if err := buf.Flush(); err != nil {
		b.Fatal(err)
	}
}
