// Package demo holds the public sandbox dataset that `aiccd serve --demo`
// loads: the credentials and records that reproduce every example of the
// vendor pages, so that a client written against the docs works unchanged.
// Everything is loaded through the same services as real data, and only
// where it is absent: data an integrator changed is never overwritten.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/tenant"
)

// The fixed, public demo identities. Docs, examples and client tests rely on
// them; they are printed at start-up with a warning.
const (
	TenantID        = "demo"
	TrialTenantID   = "demo-trial"
	AppKey          = "demo-app-key"
	AppSecret       = "demo-app-secret"
	MallToken       = "demo-mall-token"
	TrialMallToken  = "demo-trial-token"
	PartnerID       = "demo-partner"
	PartnerAK       = "DEMOPARTNERAK"
	PartnerSK       = "demo-partner-sk"
	PartnerUser     = "demo-partner-admin"
	PartnerPassword = "Demo-partner-pw1"
)

// Services are what the loader writes through.
type Services struct {
	Tenants     *tenant.Service
	AccessCodes *accesscode.Service
}

// Load creates every demo object that does not exist yet. It is idempotent:
// running it again, or on a database an integrator has since changed,
// leaves existing objects as they are.
func Load(ctx context.Context, svc Services, logger *slog.Logger) error {
	existing, err := svc.Tenants.List(ctx)
	if err != nil {
		return err
	}
	var others int
	for _, t := range existing {
		if t.ID != TenantID && t.ID != TrialTenantID {
			others++
		}
	}
	if others > 0 {
		logger.Warn("loading the public demo dataset into a database that also holds other tenants; "+
			"the demo credentials are public, do not expose this server", "other_tenants", others)
	}

	for _, t := range []struct{ id, name string }{
		{TenantID, "Huawei Tech Corp"},
		{TrialTenantID, "Demo trial tenant"},
	} {
		if _, err := svc.Tenants.Create(ctx, t.id, t.name); err != nil && !errors.Is(err, aiccd.ErrConflict) {
			return fmt.Errorf("demo tenant %s: %w", t.id, err)
		}
	}
	return loadAccessCodes(ctx, svc.AccessCodes)
}

// PrintCredentials writes the demo credentials, with the warning that they
// are public.
func PrintCredentials(w io.Writer) {
	fmt.Fprintln(w, "WARNING: demo mode. These credentials are public; never expose this server to untrusted networks.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range [][2]string{
		{"demo tenant", TenantID},
		{"app gateway app key / secret", AppKey + " / " + AppSecret},
		{"mall access token (tenant demo)", MallToken},
		{"mall access token (trial tenant)", TrialMallToken},
		{"partner ID (cloud domain ID and name)", PartnerID},
		{"partner AK / SK", PartnerAK + " / " + PartnerSK},
		{"partner IAM user / password", PartnerUser + " / " + PartnerPassword},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", row[0], row[1])
	}
	tw.Flush()
}
