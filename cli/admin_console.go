package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aiccd/aiccd/admin"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newAdminUserCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage the web console's users (/console/)",
		Long: "Console users sign in to /console/ with a name and password. Viewers read;\n" +
			"operators also change. The console is served once a user exists or --admin-token is set.",
	}
	var role string
	create := &cobra.Command{
		Use:   "create NAME --role viewer|operator",
		Short: "Create a console user; the password is prompted for, or read from standard input",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := admin.ParseRole(role)
			if err != nil {
				return err
			}
			pw, err := promptPassword(cmd, e)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				u, err := a.admins.CreateUser(ctx, args[0], r, pw)
				if err != nil {
					return err
				}
				return e.printOne(cmd, u, consoleUserTable([]admin.User{u}))
			})
		},
	}
	create.Flags().StringVar(&role, "role", "", "viewer (reads) or operator (reads and changes)")
	create.MarkFlagRequired("role")

	list := &cobra.Command{
		Use: "list", Short: "List console users", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				us, err := a.admins.Users(ctx)
				if err != nil {
					return err
				}
				return printList(e, cmd, us, consoleUserTable(us))
			})
		},
	}
	del := &cobra.Command{
		Use: "delete NAME", Short: "Delete a console user and end their sessions", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := a.admins.DeleteUser(ctx, args[0]); err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", true, fmt.Sprintf("deleted user %s", args[0]))
			})
		},
	}
	cmd.AddCommand(create, list, del)
	return cmd
}

// promptPassword asks for a new password twice without echo when standard
// input is a terminal, and otherwise reads its first line.
func promptPassword(cmd *cobra.Command, e *env) (string, error) {
	f, ok := cmd.InOrStdin().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return readPassword(cmd, "", true)
	}
	read := func(prompt string) (string, error) {
		fmt.Fprint(e.stderr, prompt)
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		return string(b), err
	}
	pw, err := read("Password: ")
	if err != nil {
		return "", err
	}
	again, err := read("Password again: ")
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("the passwords differ")
	}
	return pw, nil
}

func consoleUserTable(us []admin.User) table {
	tbl := table{header: []string{"NAME", "ROLE", "CREATED"}}
	for _, u := range us {
		tbl.rows = append(tbl.rows, []string{u.Name, string(u.Role), u.CreatedAt.Format(time.RFC3339)})
	}
	return tbl
}

func newAdminAuditCommand(e *env) *cobra.Command {
	var q admin.AuditQuery
	var before string
	cmd := &cobra.Command{
		Use:   "audit [--actor NAME] [--before ID] [--limit N]",
		Short: "Show the audit log of changes made in the web console, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if before != "" {
				id, err := strconv.ParseInt(before, 10, 64)
				if err != nil || id <= 0 {
					return fmt.Errorf("--before %q is not an audit entry ID", before)
				}
				q.Before = id
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				es, err := a.admins.Audit(ctx, q)
				if err != nil {
					return err
				}
				return printList(e, cmd, es, auditTable(es))
			})
		},
	}
	cmd.Flags().StringVar(&q.Actor, "actor", "", "only this user's changes")
	cmd.Flags().StringVar(&before, "before", "", "only entries older than this ID (the last of the previous page)")
	cmd.Flags().IntVar(&q.Limit, "limit", 100, fmt.Sprintf("most entries to show (at most %d)", admin.MaxAuditPage))
	return cmd
}

func auditTable(es []admin.AuditEntry) table {
	tbl := table{header: []string{"ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL", "SOURCE"}}
	for _, a := range es {
		tbl.rows = append(tbl.rows, []string{strconv.FormatInt(a.ID, 10), a.At.Format(time.RFC3339), a.Actor, a.Action, a.Target, a.Detail, a.Source})
	}
	return tbl
}
