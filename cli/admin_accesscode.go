package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/spf13/cobra"
)

func newAdminAccessCodeCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "accesscode",
		Short: "Manage a tenant's access codes",
		Long: "Manage the access codes (hotline numbers) of a tenant, as queryAccessCodeList answers them.\n" +
			"Media types: 2 click-to-dial, 5 audio-video, 18 video-click-to-dial, 19 video, 53 multimedia.\n" +
			"Call attributes: 1 inbound, 2 outbound, 3 both.",
	}
	cmd.AddCommand(newAccessCodeAdd(e), newAccessCodeList(e), newAccessCodeUpdate(e), newAccessCodeDelete(e))
	return cmd
}

// accessCodeFlags are the fields of an access code as flags.
type accessCodeFlags struct {
	tenant, code, media, callAttr, n400, description string
}

func (f *accessCodeFlags) add(cmd *cobra.Command, defaults bool) {
	media, attr := "", ""
	if defaults {
		media, attr = "5", "3"
	}
	cmd.Flags().StringVar(&f.tenant, "tenant", "", "tenant ID (required)")
	cmd.MarkFlagRequired("tenant")
	cmd.Flags().StringVar(&f.media, "media-type", media, "media type: 2, 5, 18, 19, 53 or click-to-dial, audio-video, video-click-to-dial, video, multimedia")
	cmd.Flags().StringVar(&f.callAttr, "call-attr", attr, "call attribute: 1 inbound, 2 outbound, 3 both")
	cmd.Flags().StringVar(&f.n400, "n400-number", "", "service (400) number; empty for none")
	cmd.Flags().StringVar(&f.description, "description", "", "description; empty for none")
}

func newAccessCodeAdd(e *env) *cobra.Command {
	var f accessCodeFlags
	var id string
	cmd := &cobra.Command{
		Use:   "add CODE",
		Short: "Add an access code",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d := accesscode.Draft{Code: args[0]}
			var err error
			if d.MediaType, err = accesscode.ParseMediaType(f.media); err != nil {
				return err
			}
			if d.CallAttr, err = accesscode.ParseCallAttr(f.callAttr); err != nil {
				return err
			}
			if id != "" {
				if d.ID, err = parseID(id); err != nil {
					return err
				}
			}
			d.N400Number, d.Description = &f.n400, &f.description
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ac, err := a.accessCodes.Add(ctx, f.tenant, d)
				if err != nil {
					return err
				}
				return e.printOne(cmd, ac, accessCodeTable([]accesscode.AccessCode{ac}))
			})
		},
	}
	f.add(cmd, true)
	cmd.Flags().StringVar(&id, "id", "", "ID to give the access code (default: a new snowflake ID)")
	return cmd
}

func newAccessCodeList(e *env) *cobra.Command {
	var tenant, code, media, description string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List access codes in access code order, optionally filtered",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var filter accesscode.Filter
			filter.AccessCode, filter.Description = code, description
			if media != "" {
				m, err := accesscode.ParseMediaType(media)
				if err != nil {
					return err
				}
				filter.MediaType = m
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				out := []accesscode.AccessCode{}
				for after := ""; limit == 0 || len(out) < limit; {
					n := accesscode.MaxListLimit
					if limit > 0 {
						n = min(n, limit-len(out))
					}
					page, err := a.accessCodes.List(ctx, tenant, accesscode.ListOptions{Filter: filter, After: after, Limit: n})
					if err != nil {
						return err
					}
					out = append(out, page.Items...)
					if len(page.Items) < n {
						break
					}
					after = page.Items[len(page.Items)-1].Code
				}
				return printList(e, cmd, out, accessCodeTable(out))
			})
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant ID (required)")
	cmd.MarkFlagRequired("tenant")
	cmd.Flags().StringVar(&code, "access-code", "", "only codes containing this")
	cmd.Flags().StringVar(&description, "description", "", "only descriptions containing this, ignoring case")
	cmd.Flags().StringVar(&media, "media-type", "", "only this media type")
	cmd.Flags().IntVar(&limit, "limit", 0, "list at most this many (0: all)")
	return cmd
}

func newAccessCodeUpdate(e *env) *cobra.Command {
	var f accessCodeFlags
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change fields of an access code; only the flags given change",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			var p accesscode.Patch
			changed := cmd.Flags().Changed
			if changed("access-code") {
				p.Code = &f.code
			}
			if changed("media-type") {
				m, err := accesscode.ParseMediaType(f.media)
				if err != nil {
					return err
				}
				p.MediaType = &m
			}
			if changed("call-attr") {
				c, err := accesscode.ParseCallAttr(f.callAttr)
				if err != nil {
					return err
				}
				p.CallAttr = &c
			}
			if changed("n400-number") {
				p.N400Number = &f.n400
			}
			if changed("description") {
				p.Description = &f.description
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				ac, err := a.accessCodes.Update(ctx, f.tenant, id, p)
				if err != nil {
					return err
				}
				return e.printOne(cmd, ac, accessCodeTable([]accesscode.AccessCode{ac}))
			})
		},
	}
	f.add(cmd, false)
	cmd.Flags().StringVar(&f.code, "access-code", "", "new access code")
	return cmd
}

func newAccessCodeDelete(e *env) *cobra.Command {
	return newTenantDeleteCommand(e, "Delete an access code that no called route uses",
		func(ctx context.Context, a *app, tenant string, id int64) error {
			return a.accessCodes.Delete(ctx, tenant, id)
		})
}

// newTenantDeleteCommand is `delete ID --tenant T` for a tenant's object
// with a numeric ID.
func newTenantDeleteCommand(e *env, short string, del func(ctx context.Context, a *app, tenant string, id int64) error) *cobra.Command {
	var tenant string
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				if err := del(ctx, a, tenant, id); err != nil {
					return err
				}
				return e.printDone(cmd, "deleted", true, fmt.Sprintf("deleted %d of tenant %s", id, tenant))
			})
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant ID (required)")
	cmd.MarkFlagRequired("tenant")
	return cmd
}

// parseID reads an access code or route ID.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, aiccd.Errorf(aiccd.KindInvalid, "ID %q is not a positive 64-bit number", s)
	}
	return id, nil
}

func accessCodeTable(acs []accesscode.AccessCode) table {
	tbl := table{header: []string{"ID", "ACCESS CODE", "MEDIA TYPE", "N400 NUMBER", "DESCRIPTION", "CALL ATTR", "UPDATED"}}
	for _, a := range acs {
		tbl.rows = append(tbl.rows, []string{strconv.FormatInt(a.ID, 10), a.Code,
			strconv.Itoa(int(a.MediaType)) + " " + a.MediaType.String(), orDash(a.N400Number), orDash(a.Description),
			strconv.Itoa(int(a.CallAttr)) + " " + a.CallAttr.String(), a.UpdatedAt.Format(time.RFC3339)})
	}
	return tbl
}

func orDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}
