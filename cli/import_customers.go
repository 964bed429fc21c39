package cli

import (
	"context"

	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/partner"
	"github.com/spf13/cobra"
)

func newImportCustomersCommand(e *env) *cobra.Command {
	var o bulkOptions
	var partnerID string
	cmd := &cobra.Command{
		Use:   "customers --partner P FILE",
		Short: "Import a partner's customers: CSV with columns name, email, mobile, password (all but name optional), or NDJSON",
		Long: "Import a partner's customers. Rows are checked by the rules of check-user and\n" +
			"check-identity; a used name or e-mail address, or a mobile number at its limit,\n" +
			"rejects the row. An empty name is generated. Passwords are hashed with argon2id,\n" +
			"which costs tens of milliseconds a row: leave the column out when not needed.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := mustBePartner(ctx, a, partnerID); err != nil {
					return err
				}
				_, err := runBulk(ctx, e, args[0], bulkSpec[partner.Record]{
					What:      "customers",
					Required:  []string{"name"},
					BatchSize: 1000,
					FromCSV: func(r csvRow) (partner.Record, error) {
						return a.customers.Prepare(partnerID, partner.NewCustomer{
							Name: r.Get("name"), Email: r.Get("email"), Mobile: r.Get("mobile"), Password: r.Get("password"),
						})
					},
					FromJSON: func(line []byte) (partner.Record, error) {
						var v struct {
							Name     string `json:"name"`
							Email    string `json:"email"`
							Mobile   string `json:"mobile"`
							Password string `json:"password"`
						}
						if err := decodeRow(line, &v); err != nil {
							return partner.Record{}, err
						}
						return a.customers.Prepare(partnerID, partner.NewCustomer(v))
					},
					Write: a.customers.Import,
				}, o)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&partnerID, "partner", "", "the partner's account ID (required)")
	cmd.MarkFlagRequired("partner")
	config.AddFlags(cmd.Flags(), "partner-mobile-limit")
	o.addFlags(cmd, true)
	return cmd
}
