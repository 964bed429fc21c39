package cli

import (
	"context"
	"strconv"
	"time"

	"github.com/aiccd/aiccd/accesscode"
	"github.com/spf13/cobra"
)

func newAdminCalledRouteCommand(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calledroute",
		Short: "Manage the called routes of a tenant's access codes",
		Long: "Manage called routes, as queryCalledRoute answers them: an access code, optionally\n" +
			"followed by an extension code, routed to a skill queue (device type 1) or an IVR flow (3).",
	}
	cmd.AddCommand(newRouteAdd(e), newRouteList(e), newRouteUpdate(e), newRouteDelete(e))
	return cmd
}

// routeFlags are the changeable fields of a route as flags.
type routeFlags struct {
	tenant, media, deviceType, deviceDesc, editable string
	deviceID                                        int64
}

func (f *routeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.tenant, "tenant", "", "tenant ID (required)")
	cmd.MarkFlagRequired("tenant")
	cmd.Flags().StringVar(&f.media, "media-type", "", "media type (default: the access code's)")
	cmd.Flags().StringVar(&f.deviceType, "device-type", "", "skill-queue (1) or ivr (3)")
	cmd.Flags().Int64Var(&f.deviceID, "device-id", 0, "skill queue or IVR flow ID")
	cmd.Flags().StringVar(&f.deviceDesc, "device-desc", "", "device description (skill queue or IVR name); empty for none")
	cmd.Flags().StringVar(&f.editable, "editable", "0", "what the tenant's own API may do: 0 modify and delete, 1 delete only, 2 modify only, 3 neither")
}

func newRouteAdd(e *env) *cobra.Command {
	var f routeFlags
	var code, ext, id string
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Route an access code (and extension code) to a skill queue or IVR flow",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d := accesscode.RouteDraft{AccessCode: code, ExtCode: &ext, DeviceID: f.deviceID, DeviceDesc: &f.deviceDesc}
			var err error
			if d.DeviceType, err = accesscode.ParseDeviceType(f.deviceType); err != nil {
				return err
			}
			if f.media != "" {
				if d.MediaType, err = accesscode.ParseMediaType(f.media); err != nil {
					return err
				}
			}
			if d.Editable, err = accesscode.ParseEditable(f.editable); err != nil {
				return err
			}
			if id != "" {
				if d.ID, err = parseID(id); err != nil {
					return err
				}
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				r, err := a.accessCodes.AddRoute(ctx, f.tenant, d)
				if err != nil {
					return err
				}
				return e.printOne(cmd, r, routeTable([]accesscode.Route{r}))
			})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&code, "access-code", "", "the tenant's access code to route (required)")
	cmd.MarkFlagRequired("access-code")
	cmd.MarkFlagRequired("device-type")
	cmd.MarkFlagRequired("device-id")
	cmd.Flags().StringVar(&ext, "ext-code", "", "extension code dialled after the access code (up to 12 digits)")
	cmd.Flags().StringVar(&id, "id", "", "ID to give the route (default: a new snowflake ID)")
	return cmd
}

func newRouteList(e *env) *cobra.Command {
	var tenant, media, deviceType string
	var filter accesscode.RouteFilter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List called routes by access code and extension code, optionally filtered",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if media != "" {
				if filter.MediaType, err = accesscode.ParseMediaType(media); err != nil {
					return err
				}
			}
			if deviceType != "" {
				if filter.DeviceType, err = accesscode.ParseDeviceType(deviceType); err != nil {
					return err
				}
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				out := []accesscode.Route{}
				for {
					page, err := a.accessCodes.QueryRoutes(ctx, tenant, accesscode.RouteQuery{
						RouteFilter: filter, Limit: accesscode.MaxLimit, Offset: int64(len(out))})
					if err != nil {
						return err
					}
					out = append(out, page.Items...)
					if len(page.Items) < accesscode.MaxLimit {
						break
					}
				}
				return printList(e, cmd, out, routeTable(out))
			})
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant ID (required)")
	cmd.MarkFlagRequired("tenant")
	cmd.Flags().StringVar(&filter.AccessCode, "access-code", "", "only routes of this access code")
	cmd.Flags().StringVar(&filter.ExtCode, "ext-code", "", "only routes with this extension code")
	cmd.Flags().StringVar(&deviceType, "device-type", "", "only routes to skill-queue (1) or ivr (3)")
	cmd.Flags().StringVar(&filter.DeviceDesc, "device-desc", "", "only device descriptions containing this, ignoring case")
	cmd.Flags().StringVar(&media, "media-type", "", "only this media type")
	return cmd
}

func newRouteUpdate(e *env) *cobra.Command {
	var f routeFlags
	cmd := &cobra.Command{
		Use:   "update ID",
		Short: "Change where a called route leads; only the flags given change",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			var p accesscode.RoutePatch
			changed := cmd.Flags().Changed
			if changed("media-type") {
				m, err := accesscode.ParseMediaType(f.media)
				if err != nil {
					return err
				}
				p.MediaType = &m
			}
			if changed("device-type") {
				d, err := accesscode.ParseDeviceType(f.deviceType)
				if err != nil {
					return err
				}
				p.DeviceType = &d
			}
			if changed("device-id") {
				p.DeviceID = &f.deviceID
			}
			if changed("device-desc") {
				p.DeviceDesc = &f.deviceDesc
			}
			if changed("editable") {
				ed, err := accesscode.ParseEditable(f.editable)
				if err != nil {
					return err
				}
				p.Editable = &ed
			}
			return e.withApp(cmd, func(ctx context.Context, a *app) error {
				r, err := a.accessCodes.UpdateRoute(ctx, f.tenant, id, p)
				if err != nil {
					return err
				}
				return e.printOne(cmd, r, routeTable([]accesscode.Route{r}))
			})
		},
	}
	f.add(cmd)
	return cmd
}

func newRouteDelete(e *env) *cobra.Command {
	return newTenantDeleteCommand(e, "Delete a called route",
		func(ctx context.Context, a *app, tenant string, id int64) error {
			return a.accessCodes.DeleteRoute(ctx, tenant, id)
		})
}

func routeTable(rs []accesscode.Route) table {
	tbl := table{header: []string{"ID", "DNID", "ACCESS CODE", "EXT CODE", "MEDIA TYPE", "DEVICE", "DEVICE DESC", "EDITABLE", "UPDATED"}}
	for _, r := range rs {
		tbl.rows = append(tbl.rows, []string{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.DNID, 10), r.AccessCode,
			orDash(r.ExtCode), strconv.Itoa(int(r.MediaType)) + " " + r.MediaType.String(),
			r.DeviceType.String() + " " + strconv.FormatInt(r.DeviceID, 10), orDash(r.DeviceDesc),
			strconv.Itoa(int(r.Editable)), r.UpdatedAt.Format(time.RFC3339)})
	}
	return tbl
}
