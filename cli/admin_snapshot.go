package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/aiccd/aiccd/snapshot"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// terminalIn returns the command's standard input when it is a terminal,
// the only place a deletion is confirmed from; tests replace it.
var terminalIn = func(cmd *cobra.Command) (io.Reader, bool) {
	f, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, false
	}
	return f, true
}

// newAdminTenantDeleteCommand is `admin tenant delete ID`.
func newAdminTenantDeleteCommand(e *env) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a tenant and everything it owns (asks to type the ID; --yes does not ask)",
		Long: "Delete a tenant with its app keys, mall tokens, access codes, called routes, resources,\n" +
			"SmartCare settings, scenes, rules, records and tasks, the fault rules scoped to it, its\n" +
			"request journal and its snapshots, in one transaction. It cannot be undone. On a terminal\n" +
			"the command asks for the tenant's ID to confirm; elsewhere (scripts) it needs --yes.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := args[0]
			if !yes {
				in, ok := terminalIn(cmd)
				if !ok {
					return errors.New("deleting a tenant cannot be undone: confirm on a terminal, or pass --yes")
				}
				fmt.Fprintf(e.stderr, "Delete tenant %q and everything it owns? This cannot be undone.\nType the tenant's ID to confirm: ", id)
				line, err := bufio.NewReader(io.LimitReader(in, 1024)).ReadString('\n')
				if err != nil && !errors.Is(err, io.EOF) {
					return err
				}
				if strings.TrimSpace(line) != id {
					return errors.New("not confirmed: nothing was deleted")
				}
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := a.snapshots.DeleteTenant(ctx, id); err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", true, fmt.Sprintf("deleted tenant %s and everything it owned", id))
			})
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}

// newAdminSnapshotCommand is `admin tenant snapshot …`.
func newAdminSnapshotCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Snapshot a tenant's state and restore it (reset between tests)",
		Long: fmt.Sprintf("Snapshot everything a tenant owns but its request journal, in the database, and restore it\n"+
			"in one transaction: a test suite snapshots once and restores before each test. Secrets\n"+
			"stay sealed as they are stored. A tenant keeps at most %d snapshots of at most %d rows\n"+
			"and %d MiB each; names are 1 to %d characters of A-Z, a-z, 0-9, '.', '_' and '-'.",
			snapshot.MaxPerTenant, snapshot.MaxRows, snapshot.MaxBytes>>20, snapshot.MaxNameLength),
	}
	one := func(use, short string, do func(context.Context, *app, []string) error, nargs int) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(nargs),
			RunE: func(cmd *cobra.Command, args []string) error {
				return e.withApp(cmd, func(ctx context.Context, a *app) error { return do(ctx, a, args) })
			},
		}
	}
	var create, list, del, restore *cobra.Command
	create = one("create TENANT NAME", "Snapshot the tenant's state under NAME", func(ctx context.Context, a *app, args []string) error {
		s, err := a.snapshots.Create(ctx, args[0], args[1])
		if err != nil {
			return err
		}
		return e.printOne(create, s, snapshotTable([]snapshot.Snapshot{s}))
	}, 2)
	list = one("list TENANT", "List the tenant's snapshots", func(ctx context.Context, a *app, args []string) error {
		ss, err := a.snapshots.List(ctx, args[0])
		if err != nil {
			return err
		}
		return printList(e, list, ss, snapshotTable(ss))
	}, 1)
	del = one("delete TENANT NAME", "Delete a snapshot", func(ctx context.Context, a *app, args []string) error {
		if err := a.snapshots.Delete(ctx, args[0], args[1]); err != nil {
			return err
		}
		return e.printDone(del, "deleted", true, fmt.Sprintf("deleted snapshot %s of tenant %s", args[1], args[0]))
	}, 2)
	restore = one("restore TENANT NAME", "Replace everything the tenant owns with the snapshot, in one transaction", func(ctx context.Context, a *app, args []string) error {
		s, err := a.snapshots.Restore(ctx, args[0], args[1])
		if err != nil {
			return err
		}
		if outputFlag(restore) == outputJSON {
			return e.printOne(restore, s, table{})
		}
		_, err = fmt.Fprintf(e.stdout, "restored tenant %s to snapshot %s (%d rows, taken %s)\n", s.Tenant, s.Name, s.Rows, stamp(s.CreatedAt))
		return err
	}, 2)
	cmd.AddCommand(create, list, del, restore)
	return cmd
}

func snapshotTable(ss []snapshot.Snapshot) table {
	tbl := table{header: []string{"NAME", "CREATED", "ROWS", "BYTES"}}
	for _, s := range ss {
		tbl.rows = append(tbl.rows, []string{s.Name, stamp(s.CreatedAt), strconv.FormatInt(s.Rows, 10), strconv.FormatInt(s.Size, 10)})
	}
	return tbl
}
