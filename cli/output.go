package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

// outputFormat is the -o flag of admin commands: a table for people, JSON
// for scripts.
type outputFormat string

const (
	outputTable outputFormat = "table"
	outputJSON  outputFormat = "json"
)

func (o *outputFormat) String() string { return string(*o) }
func (o *outputFormat) Type() string   { return "format" }
func (o *outputFormat) Set(s string) error {
	switch outputFormat(s) {
	case outputTable, outputJSON:
		*o = outputFormat(s)
		return nil
	}
	return fmt.Errorf("%q is neither table nor json", s)
}

// table is what a command shows in table form.
type table struct {
	header []string
	rows   [][]string
}

// Every admin command prints, with -o json, what the admin API answers for
// the same operation, so that a script reads one format whichever it uses:
//
//   - one thing created, shown or changed: that object (printOne);
//   - a list: {"items":[…]} (printList);
//   - an operation that leaves nothing to show: what it did,
//     {"deleted":true}, {"cancelled":true}, {"revoked":N} (printDone);
//   - an error: {"error":{"code":…,"message":…}} on stderr (report).
//
// Keys are snake_case, times RFC 3339, 64-bit IDs strings, and "&" is
// written as it is. The one command that prints a vendor API's answer,
// `admin smartcare query`, prints its body as that API sends it.

// printOne shows one object, field by field in tbl for people.
func (e *env) printOne(cmd *cobra.Command, v any, tbl table) error {
	return output(e.stdout, outputFlag(cmd), v, tbl)
}

// printList shows a list: {"items":[…]}, or tbl.
func printList[T any](e *env, cmd *cobra.Command, items []T, tbl table) error {
	if items == nil {
		items = []T{} // an empty list, not null
	}
	return output(e.stdout, outputFlag(cmd), struct {
		Items []T `json:"items"`
	}{items}, tbl)
}

// printDone shows what an operation did that leaves no object: {key:
// value}, or sentence.
func (e *env) printDone(cmd *cobra.Command, key string, value any, sentence string) error {
	if outputFlag(cmd) == outputJSON {
		return writeJSON(e.stdout, map[string]any{key: value})
	}
	_, err := fmt.Fprintln(e.stdout, sentence)
	return err
}

// output writes v as indented JSON, or tbl as an aligned table.
func output(w io.Writer, format outputFormat, v any, tbl table) error {
	if format == outputJSON {
		return writeJSON(w, v)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(tbl.header, "\t"))
	for _, row := range tbl.rows {
		for i, cell := range row {
			row[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// writeJSON writes v as indented JSON, "&", "<" and ">" as they are (the
// admin API writes them so too), not as \u0026.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// outputFlag returns the -o value of cmd (defined on the admin root).
func outputFlag(cmd *cobra.Command) outputFormat {
	if f := cmd.Flags().Lookup("output"); f != nil {
		return outputFormat(f.Value.String())
	}
	return outputTable
}
