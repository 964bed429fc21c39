package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/credential"
	"github.com/spf13/cobra"
)

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func stamp(t time.Time) string { return t.Format(time.RFC3339) }

// showOnce warns that a secret printed now cannot be shown again.
func (e *env) showOnce(cmd *cobra.Command) {
	if outputFlag(cmd) == outputTable {
		fmt.Fprintln(e.stderr, "The secret below is shown once; it is stored only as a hash or sealed. Keep it now.")
	}
}

// --- app keys -------------------------------------------------------------

func newAdminAppKeyCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "appkey", Short: "Manage app keys of the app gateway (tokenByAkSk)"}
	var tenantID, name string

	create := &cobra.Command{
		Use: "create", Short: "Create an app key for a tenant; prints its secret once", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				k, secret, err := a.credentials.CreateAppKey(ctx, tenantID, name)
				if err != nil {
					return err
				}
				e.showOnce(cmd)
				return printAppKeyWithSecret(e, cmd, k, secret)
			})
		},
	}
	create.Flags().StringVar(&tenantID, "tenant", "", "tenant ID (required)")
	create.Flags().StringVar(&name, "name", "", "a name for the app")
	create.MarkFlagRequired("tenant")

	list := &cobra.Command{
		Use: "list", Short: "List app keys", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ks, err := a.credentials.AppKeys(ctx, tenantID)
				if err != nil {
					return err
				}
				return printList(e, cmd, ks, appKeyTable(ks, ""))
			})
		},
	}
	list.Flags().StringVar(&tenantID, "tenant", "", "only this tenant's keys")

	setEnabled := func(use, short string, enabled bool) *cobra.Command {
		return &cobra.Command{
			Use: use + " KEY", Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return e.withApp(cmd, func(ctx context.Context, a *app) error {
					k, err := a.credentials.SetAppKeyEnabled(ctx, args[0], enabled)
					if err != nil {
						return err
					}
					return e.printOne(cmd, k, appKeyTable([]credential.AppKey{k}, ""))
				})
			},
		}
	}
	rotate := &cobra.Command{
		Use: "rotate KEY", Short: "Give an app key a new secret (printed once) and revoke its tokens", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				k, secret, err := a.credentials.RotateAppKey(ctx, args[0])
				if err != nil {
					return err
				}
				e.showOnce(cmd)
				return printAppKeyWithSecret(e, cmd, k, secret)
			})
		},
	}
	cmd.AddCommand(create, list,
		setEnabled("disable", "Disable an app key; its tokens stop working on every replica within 0.1 s", false),
		setEnabled("enable", "Enable an app key", true),
		rotate)
	return cmd
}

func appKeyTable(ks []credential.AppKey, secret string) table {
	tbl := table{header: []string{"APP KEY", "TENANT", "NAME", "ENABLED", "CREATED"}}
	if secret != "" {
		tbl.header = append(tbl.header, "APP SECRET")
	}
	for _, k := range ks {
		row := []string{k.Key, k.TenantID, k.Name, yesNo(k.Enabled), stamp(k.CreatedAt)}
		if secret != "" {
			row = append(row, secret)
		}
		tbl.rows = append(tbl.rows, row)
	}
	return tbl
}

// printAppKeyWithSecret shows a new or rotated app key with its secret,
// as the admin API does, once.
func printAppKeyWithSecret(e *env, cmd *cobra.Command, k credential.AppKey, secret string) error {
	return e.printOne(cmd, struct {
		credential.AppKey
		AppSecret string `json:"app_secret"`
	}{k, secret}, appKeyTable([]credential.AppKey{k}, secret))
}

// --- mall tokens ----------------------------------------------------------

func newAdminMallTokenCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "malltoken", Short: "Manage business software mall access tokens (X-Auth-Token of the OMA APIs)"}
	var tenantID string
	var ttl time.Duration
	var all bool

	issue := &cobra.Command{
		Use: "issue", Short: "Issue a mall access token for a tenant; prints it once", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				t, token, err := a.credentials.IssueMallToken(ctx, tenantID, ttl)
				if err != nil {
					return err
				}
				e.showOnce(cmd)
				info := t.Info()
				return e.printOne(cmd, struct {
					credential.TokenInfo
					Token string `json:"token"`
				}{info, token}, table{
					header: []string{"ID", "TENANT", "EXPIRES", "TOKEN"},
					rows:   [][]string{{info.ID, info.TenantID, stamp(info.ExpiresAt), token}},
				})
			})
		},
	}
	issue.Flags().StringVar(&tenantID, "tenant", "", "tenant ID (required)")
	issue.Flags().DurationVar(&ttl, "ttl", credential.DefaultMallTokenTTL, "lifetime")
	issue.MarkFlagRequired("tenant")

	list := &cobra.Command{
		Use: "list", Short: "List mall tokens (IDs, never the tokens)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ts, err := a.credentials.MallTokens(ctx, tenantID)
				if err != nil {
					return err
				}
				infos := make([]credential.TokenInfo, len(ts))
				tbl := table{header: []string{"ID", "TENANT", "CREATED", "EXPIRES", "REVOKED"}}
				for i, t := range ts {
					infos[i] = t.Info()
					revoked := "-"
					if t.RevokedAt != nil {
						revoked = stamp(*t.RevokedAt)
					}
					tbl.rows = append(tbl.rows, []string{infos[i].ID, t.TenantID, stamp(t.CreatedAt), stamp(t.ExpiresAt), revoked})
				}
				return printList(e, cmd, infos, tbl)
			})
		},
	}
	list.Flags().StringVar(&tenantID, "tenant", "", "only this tenant's tokens")

	revoke := &cobra.Command{
		Use: "revoke --tenant T (ID | --all)", Short: "Revoke a tenant's mall token by ID, or all of them", Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return errors.New("give either a token ID or --all")
			}
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				n, err := a.credentials.RevokeMallTokens(ctx, tenantID, id)
				if err != nil {
					return err
				}
				if n == 0 {
					return aiccd.Errorf(aiccd.KindNotFound, "no unrevoked mall token of tenant %q matched", tenantID)
				}
				return e.printDone(cmd, "revoked", n, fmt.Sprintf("revoked %d token(s)", n))
			})
		},
	}
	revoke.Flags().StringVar(&tenantID, "tenant", "", "tenant ID (required)")
	revoke.Flags().BoolVar(&all, "all", false, "revoke every token of the tenant")
	revoke.MarkFlagRequired("tenant")

	cmd.AddCommand(issue, list, revoke)
	return cmd
}

// --- cloud accounts, IAM users, AK/SK -------------------------------------

func newAdminAccountCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "account",
		Aliases: []string{"partner"},
		Short:   "Manage cloud accounts (IAM domains); partners are accounts created with --partner",
	}
	var name string
	var partner, enabled bool

	create := &cobra.Command{
		Use: "create ID", Short: "Create a cloud account; its ID is the partner ID and domain ID", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				acc, err := a.credentials.CreateAccount(ctx, args[0], name, partner)
				if err != nil {
					return err
				}
				return e.printOne(cmd, acc, accountTable([]credential.Account{acc}))
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "domain name (default: the ID)")
	create.Flags().BoolVar(&partner, "partner", false, "the account is a partner")

	list := &cobra.Command{
		Use: "list", Short: "List cloud accounts", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				as, err := a.credentials.Accounts(ctx)
				if err != nil {
					return err
				}
				return printList(e, cmd, as, accountTable(as))
			})
		},
	}

	update := &cobra.Command{
		Use: "update ID [--partner=BOOL] [--enabled=BOOL]", Short: "Change an account's partner status or enabled state", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				acc, err := a.credentials.Account(ctx, args[0])
				if err != nil {
					return err
				}
				if cmd.Flags().Changed("partner") {
					acc.IsPartner = partner
				}
				if cmd.Flags().Changed("enabled") {
					acc.Enabled = enabled
				}
				if acc, err = a.credentials.UpdateAccount(ctx, acc.ID, acc.IsPartner, acc.Enabled); err != nil {
					return err
				}
				return e.printOne(cmd, acc, accountTable([]credential.Account{acc}))
			})
		},
	}
	update.Flags().BoolVar(&partner, "partner", false, "the account is a partner")
	update.Flags().BoolVar(&enabled, "enabled", true, "the account may authenticate")

	cmd.AddCommand(create, list, update)
	return cmd
}

func accountTable(as []credential.Account) table {
	tbl := table{header: []string{"ID", "NAME", "PARTNER", "ENABLED", "CREATED"}}
	for _, a := range as {
		tbl.rows = append(tbl.rows, []string{a.ID, a.Name, yesNo(a.IsPartner), yesNo(a.Enabled), stamp(a.CreatedAt)})
	}
	return tbl
}

// readPassword takes the password from --password, or from the first line
// of standard input with --password-stdin (kept out of the process list).
func readPassword(cmd *cobra.Command, flag string, fromStdin bool) (string, error) {
	if !fromStdin {
		return flag, nil
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func newAdminIAMUserCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "iamuser", Short: "Manage IAM users of cloud accounts (POST /v3/auth/tokens)"}
	var accountID, password string
	var fromStdin, enabled bool

	create := &cobra.Command{
		Use: "create NAME --account ID (--password P | --password-stdin)", Short: "Create an IAM user", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := readPassword(cmd, password, fromStdin)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				u, err := a.credentials.CreateIAMUser(ctx, accountID, args[0], pw)
				if err != nil {
					return err
				}
				return e.printOne(cmd, u, iamUserTable([]credential.IAMUser{u}))
			})
		},
	}
	list := &cobra.Command{
		Use: "list", Short: "List IAM users", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				us, err := a.credentials.IAMUsers(ctx, accountID)
				if err != nil {
					return err
				}
				return printList(e, cmd, us, iamUserTable(us))
			})
		},
	}
	update := &cobra.Command{
		Use: "update NAME --account ID [--enabled=BOOL] [--password P | --password-stdin]", Short: "Enable, disable or re-password a user; revokes its tokens", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := readPassword(cmd, password, fromStdin)
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				u, err := a.credentials.UpdateIAMUser(ctx, accountID, args[0], enabled, pw)
				if err != nil {
					return err
				}
				return e.printOne(cmd, u, iamUserTable([]credential.IAMUser{u}))
			})
		},
	}
	for _, c := range []*cobra.Command{create, list, update} {
		c.Flags().StringVar(&accountID, "account", "", "cloud account ID")
	}
	for _, c := range []*cobra.Command{create, update} {
		c.Flags().StringVar(&password, "password", "", "the password (visible to other local users; prefer --password-stdin)")
		c.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input")
		c.MarkFlagRequired("account")
	}
	update.Flags().BoolVar(&enabled, "enabled", true, "the user may authenticate")
	cmd.AddCommand(create, list, update)
	return cmd
}

func iamUserTable(us []credential.IAMUser) table {
	tbl := table{header: []string{"ACCOUNT", "NAME", "ID", "ENABLED", "CREATED"}}
	for _, u := range us {
		tbl.rows = append(tbl.rows, []string{u.AccountID, u.Name, u.ID, yesNo(u.Enabled), stamp(u.CreatedAt)})
	}
	return tbl
}

func newAdminAccessKeyCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{Use: "aksk", Short: "Manage AK/SK pairs of cloud accounts (SDK-HMAC-SHA256 signatures)"}
	var accountID, description string

	create := &cobra.Command{
		Use: "create --account ID", Short: "Create an AK/SK pair; prints the SK once", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				k, sk, err := a.credentials.CreateAccessKey(ctx, accountID, description)
				if err != nil {
					return err
				}
				e.showOnce(cmd)
				return printAccessKeyWithSecret(e, cmd, k, sk)
			})
		},
	}
	create.Flags().StringVar(&accountID, "account", "", "cloud account ID (required)")
	create.Flags().StringVar(&description, "description", "", "what the key is for")
	create.MarkFlagRequired("account")

	list := &cobra.Command{
		Use: "list", Short: "List AKs (never the SKs)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ks, err := a.credentials.AccessKeys(ctx, accountID)
				if err != nil {
					return err
				}
				return printList(e, cmd, ks, accessKeyTable(ks, ""))
			})
		},
	}
	list.Flags().StringVar(&accountID, "account", "", "only this account's keys")

	setEnabled := func(use, short string, enabled bool) *cobra.Command {
		return &cobra.Command{
			Use: use + " AK", Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				return e.withApp(cmd, func(ctx context.Context, a *app) error {
					k, err := a.credentials.SetAccessKeyEnabled(ctx, args[0], enabled)
					if err != nil {
						return err
					}
					return e.printOne(cmd, k, accessKeyTable([]credential.AccessKey{k}, ""))
				})
			},
		}
	}
	rotate := &cobra.Command{
		Use: "rotate AK", Short: "Disable an AK and create a new pair for its account (SK printed once)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				k, sk, err := a.credentials.RotateAccessKey(ctx, args[0])
				if err != nil {
					return err
				}
				e.showOnce(cmd)
				return printAccessKeyWithSecret(e, cmd, k, sk)
			})
		},
	}
	cmd.AddCommand(create, list,
		setEnabled("disable", "Disable an AK; signatures with it fail on every replica within 0.1 s", false),
		setEnabled("enable", "Enable an AK", true),
		rotate)
	return cmd
}

func accessKeyTable(ks []credential.AccessKey, sk string) table {
	tbl := table{header: []string{"AK", "ACCOUNT", "DESCRIPTION", "ENABLED", "CREATED"}}
	if sk != "" {
		tbl.header = append(tbl.header, "SK")
	}
	for _, k := range ks {
		row := []string{k.AK, k.AccountID, k.Description, yesNo(k.Enabled), stamp(k.CreatedAt)}
		if sk != "" {
			row = append(row, sk)
		}
		tbl.rows = append(tbl.rows, row)
	}
	return tbl
}

// printAccessKeyWithSecret shows a new AK with its SK, as the admin API
// does, once.
func printAccessKeyWithSecret(e *env, cmd *cobra.Command, k credential.AccessKey, sk string) error {
	return e.printOne(cmd, struct {
		credential.AccessKey
		SK string `json:"sk"`
	}{k, sk}, accessKeyTable([]credential.AccessKey{k}, sk))
}
