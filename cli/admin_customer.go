package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/partner"
	"github.com/spf13/cobra"
)

// newAdminCustomerCommand is `aiccd admin customer`: one function a
// subcommand, each with its own flags.
func newAdminCustomerCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "customer",
		Short: "Manage partners' customer accounts: the directory check-user and check-identity answer from",
	}
	config.AddFlags(cmd.PersistentFlags(), "partner-mobile-limit")
	cmd.AddCommand(newAdminCustomerCreateCommand(e), newAdminCustomerListCommand(e),
		newAdminCustomerShowCommand(e), newAdminCustomerDeleteCommand(e), newAdminCustomerCheckCommand(e))
	return cmd
}

func newAdminCustomerCreateCommand(e *env) *cobra.Command {
	var partnerID, password string
	var n partner.NewCustomer
	var fromStdin bool
	create := &cobra.Command{
		Use:   "create --partner P [--name N] [--email E] [--mobile M] [--password P | --password-stdin]",
		Short: "Create a customer of a partner (a name is generated when none is given)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pw, err := readPassword(cmd, password, fromStdin)
			if err != nil {
				return err
			}
			n.Password = pw
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := mustBePartner(ctx, a, partnerID); err != nil {
					return err
				}
				c, err := a.customers.Create(ctx, partnerID, n)
				if err != nil {
					return err
				}
				return e.printOne(cmd, c, customerTable([]partner.Customer{c}))
			})
		},
	}
	create.Flags().StringVar(&partnerID, "partner", "", "the partner's account ID (required)")
	create.Flags().StringVar(&n.Name, "name", "", "login name, 5 to 32 characters")
	create.Flags().StringVar(&n.Email, "email", "", "e-mail address")
	create.Flags().StringVar(&n.Mobile, "mobile", "", "mobile number, 00XX-XXXXXXXX (or a Chinese number without 0086-)")
	create.Flags().StringVar(&password, "password", "", "a password (visible to other local users; prefer --password-stdin)")
	create.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
	create.MarkFlagRequired("partner")
	return create
}

func newAdminCustomerListCommand(e *env) *cobra.Command {
	var partnerID, after string
	var limit int
	list := &cobra.Command{
		Use:   "list [--partner P] [--after NAME] [--limit N]",
		Short: "List customers by name, a page at a time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				cs, err := a.customers.List(ctx, partnerID, after, limit)
				if err != nil {
					return err
				}
				return printList(e, cmd, cs, customerTable(cs))
			})
		},
	}
	list.Flags().StringVar(&partnerID, "partner", "", "only this partner's customers")
	list.Flags().StringVar(&after, "after", "", "start after this name (the last of the previous page)")
	list.Flags().IntVar(&limit, "limit", 100, "most customers to list")
	return list
}

func newAdminCustomerShowCommand(e *env) *cobra.Command {
	show := &cobra.Command{
		Use:   "show ID|NAME",
		Short: "Show a customer",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				c, err := a.customers.Get(ctx, args[0])
				if err != nil {
					return err
				}
				return e.printOne(cmd, c, customerTable([]partner.Customer{c}))
			})
		},
	}
	return show
}

func newAdminCustomerDeleteCommand(e *env) *cobra.Command {
	del := &cobra.Command{
		Use:   "delete ID|NAME",
		Short: "Delete a customer, freeing its name, e-mail address and place on its mobile number",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				c, err := a.customers.Delete(ctx, args[0])
				if err != nil {
					return err
				}
				return e.printOne(cmd, c, customerTable([]partner.Customer{c}))
			})
		},
	}
	return del
}

func newAdminCustomerCheckCommand(e *env) *cobra.Command {
	check := &cobra.Command{
		Use:   "check email|mobile|name VALUE",
		Short: "Answer a registration check as check-user and check-identity would",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				res, err := a.customers.Check(ctx, args[0], args[1])
				if err != nil {
					return err
				}
				remaining := "-"
				if partner.SearchType(args[0]) == partner.SearchMobile {
					remaining = strconv.Itoa(res.Remaining)
				}
				return e.printOne(cmd, struct {
					Used         bool `json:"used"`
					LimitReached bool `json:"limit_reached"`
					Remaining    *int `json:"remaining,omitempty"`
				}{res.Used, res.LimitReached, mobileRemaining(args[0], res)}, table{
					header: []string{"USED", "LIMIT REACHED", "REMAINING"},
					rows:   [][]string{{yesNo(res.Used), yesNo(res.LimitReached), remaining}},
				})
			})
		},
	}
	return check
}

// mobileRemaining is a check's remaining count, for mobile numbers only.
func mobileRemaining(searchType string, res partner.Result) *int {
	if partner.SearchType(searchType) != partner.SearchMobile {
		return nil
	}
	return &res.Remaining
}

// mustBePartner refuses customers for an account that is not a partner.
func mustBePartner(ctx context.Context, a *app, id string) error {
	acc, err := a.credentials.Account(ctx, id)
	if err != nil {
		return err
	}
	if !acc.IsPartner {
		return fmt.Errorf("account %q is not a partner; make it one with: aiccd admin account update %s --partner", id, id)
	}
	return nil
}

func customerTable(cs []partner.Customer) table {
	tbl := table{header: []string{"ID", "PARTNER", "NAME", "EMAIL", "MOBILE", "PASSWORD", "CREATED"}}
	for _, c := range cs {
		tbl.rows = append(tbl.rows, []string{c.ID, c.PartnerID, c.Name, dash(c.Email), dash(c.Mobile), yesNo(c.HasPassword), stamp(c.CreatedAt)})
	}
	return tbl
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
