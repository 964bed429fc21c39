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
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/accesscode"
	"github.com/aiccd/aiccd/credential"
	"github.com/aiccd/aiccd/partner"
	"github.com/aiccd/aiccd/smartcare"
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

	// A cloud account that is not a partner, to try the partner APIs'
	// "not a partner" answer (CBC.5001).
	NonPartnerID = "demo-nonpartner"
	NonPartnerAK = "DEMONONPARTNERAK"
	NonPartnerSK = "demo-nonpartner-sk"

	// The partner's customer directory: demo-customer-01 … -20 with
	// customer01@example.com …; the first five share SharedMobile (so it
	// has reached the default limit of 5 accounts), the sixth alone has
	// SingleMobile, and FreeMobile belongs to nobody.
	Customers    = 20
	SharedMobile = "0086-13800000000"
	SingleMobile = "0086-13900000000"
	FreeMobile   = "0086-13700000000"
)

// LapsedTenant is a demo tenant in a state an integrator's code must
// handle: its service is not active, so every vendor API refuses its
// credentials with the pages' 401. Each has an app key and a mall token of
// its own, so that the refusals can be tried without administration.
type LapsedTenant struct {
	TenantID  string
	State     string // as printed: "suspended", "released", "expired trial"
	AppKey    string
	AppSecret string
	MallToken string
	draft     tenant.Draft
}

// LapsedTenants are the demo's tenants that are not in service.
var LapsedTenants = []LapsedTenant{
	{TenantID: "demo-suspended", State: "suspended", AppKey: "demo-suspended-app-key", AppSecret: "demo-suspended-app-secret",
		MallToken: "demo-suspended-token",
		draft: tenant.Draft{ID: "demo-suspended", Name: "Demo suspended tenant", Kind: tenant.KindFormal, Status: tenant.StatusSuspended,
			VDN: "151", PortalURL: PortalURL, CreatedAt: Created}},
	{TenantID: "demo-released", State: "released", AppKey: "demo-released-app-key", AppSecret: "demo-released-app-secret",
		MallToken: "demo-released-token",
		draft: tenant.Draft{ID: "demo-released", Name: "Demo released tenant", Kind: tenant.KindFormal, Status: tenant.StatusReleased,
			VDN: "152", PortalURL: PortalURL, CreatedAt: Created}},
	{TenantID: "demo-trial-expired", State: "expired trial", AppKey: "demo-trial-expired-app-key", AppSecret: "demo-trial-expired-app-secret",
		MallToken: "demo-trial-expired-token",
		draft: tenant.Draft{ID: "demo-trial-expired", Name: "Demo expired trial", Kind: tenant.KindTrial, Status: tenant.StatusTrialExpired,
			PortalURL: PortalURL, CreatedAt: Created, TrialExpiresAt: TrialExpires}},
}

// CustomerName and CustomerEmail are the name and e-mail address of demo
// customer i (1 to Customers).
func CustomerName(i int) string  { return fmt.Sprintf("demo-customer-%02d", i) }
func CustomerEmail(i int) string { return fmt.Sprintf("customer%02d@example.com", i) }

// The demo tenants' profiles: the values behind the examples of the mall
// pages (querytenantbasic, querytenantinfo). The pages show them masked.
var (
	// PortalURL is the pages' example portal URL.
	PortalURL = "https://software.huawei.com/auth?client_id=xxxxx&redirect_uri=https://xxx.com/service-cloud/sm/login/portal.html"
	// Created is the creation time of both demo tenants (createDate).
	Created = time.UnixMilli(1681203525000).UTC()
	// TrialExpires is the demo trial's expiryDate.
	TrialExpires = time.UnixMilli(1684650886000).UTC()

	profiles = []tenant.Draft{
		{
			ID: TenantID, Kind: tenant.KindFormal, Status: tenant.StatusActive, VDN: "150", PortalURL: PortalURL, CreatedAt: Created,
			Profile: tenant.Profile{Company: "Huawei Tech Corp", ContactName: "zhaolei", Email: "sunkai@huawei.com", Mobile: "15312340991"},
		},
		{
			ID: TrialTenantID, Kind: tenant.KindTrial, Status: tenant.StatusTrial, PortalURL: PortalURL, CreatedAt: Created, TrialExpiresAt: TrialExpires,
			Profile: tenant.Profile{Company: "Wanfang Tech", ContactName: "wanfang", Email: "wanfang@huawei.com", Mobile: "13212347077"},
		},
	}

	// resources are the demo tenants' subscriptions, for queryresource.
	resources = []struct {
		tenantID string
		draft    tenant.ResourceDraft
	}{
		{TenantID, tenant.ResourceDraft{ID: "demo-agents", Type: "agent", Spec: "voice-agent-standard", Quantity: 10,
			StartAt: Created, EndAt: Created.AddDate(10, 0, 0)}},
		{TenantID, tenant.ResourceDraft{ID: "demo-minutes-2023", Type: "call-minutes", Spec: "outbound-minutes", Quantity: 10000,
			StartAt: Created, EndAt: Created.AddDate(1, 0, 0)}},
		{TrialTenantID, tenant.ResourceDraft{ID: "demo-trial-agents", Type: "agent", Spec: "voice-agent-trial", Quantity: 2,
			StartAt: Created, EndAt: TrialExpires}},
	}
)

// tokenTTL keeps the demo mall tokens valid for as long as anyone will
// use a sandbox.
const tokenTTL = 10 * 365 * 24 * time.Hour

// Services are what the loader writes through.
type Services struct {
	Tenants     *tenant.Service
	Credentials *credential.Service
	Customers   *partner.Service
	SmartCare   *smartcare.Service
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
	demoIDs := map[string]bool{TenantID: true, TrialTenantID: true}
	for _, l := range LapsedTenants {
		demoIDs[l.TenantID] = true
	}
	var others int
	for _, t := range existing {
		if !demoIDs[t.ID] {
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
		if _, err := svc.Tenants.Create(ctx, t.id, t.name); absent(err) != nil {
			return fmt.Errorf("demo tenant %s: %w", t.id, err)
		}
	}
	if err := loadProfiles(ctx, svc.Tenants); err != nil {
		return err
	}
	if err := loadCredentials(ctx, svc.Credentials); err != nil {
		return err
	}
	if err := loadLapsedTenants(ctx, svc.Tenants, svc.Credentials); err != nil {
		return err
	}
	if err := loadCustomers(ctx, svc.Customers); err != nil {
		return err
	}
	if err := LoadSmartCare(ctx, svc.SmartCare, logger); err != nil {
		return fmt.Errorf("demo SmartCare data: %w", err)
	}
	return loadAccessCodes(ctx, svc.AccessCodes)
}

// loadCustomers creates the demo partner's customers. With a mobile limit
// below 5, the customers over it are left out.
func loadCustomers(ctx context.Context, c *partner.Service) error {
	for i := 1; i <= Customers; i++ {
		n := partner.NewCustomer{Name: CustomerName(i), Email: CustomerEmail(i)}
		switch {
		case i <= 5:
			n.Mobile = SharedMobile
		case i == 6:
			n.Mobile = SingleMobile
		}
		if _, err := c.Create(ctx, PartnerID, n); absent(err) != nil {
			return fmt.Errorf("demo customer %s: %w", n.Name, err)
		}
	}
	return nil
}

// loadProfiles completes the demo tenants where their profile is unset,
// and gives them their resources where absent.
func loadProfiles(ctx context.Context, tenants *tenant.Service) error {
	for _, d := range profiles {
		if _, _, err := tenants.FillProfile(ctx, d); absent(err) != nil {
			return fmt.Errorf("demo tenant %s profile: %w", d.ID, err)
		}
	}
	for _, r := range resources {
		if _, err := tenants.AddResource(ctx, r.tenantID, r.draft); absent(err) != nil {
			return fmt.Errorf("demo resource %s: %w", r.draft.ID, err)
		}
	}
	return nil
}

func loadCredentials(ctx context.Context, c *credential.Service) error {
	steps := []struct {
		what string
		do   func() error
	}{
		{"app key", func() error {
			_, err := c.CreateAppKeyWithSecret(ctx, AppKey, TenantID, "demo app", AppSecret)
			return err
		}},
		{"mall token", func() error { _, err := c.IssueMallTokenValue(ctx, TenantID, MallToken, tokenTTL); return err }},
		{"trial mall token", func() error {
			_, err := c.IssueMallTokenValue(ctx, TrialTenantID, TrialMallToken, tokenTTL)
			return err
		}},
		{"partner", func() error { _, err := c.CreateAccount(ctx, PartnerID, PartnerID, true); return err }},
		{"partner AK", func() error {
			_, err := c.CreateAccessKeyWithSecret(ctx, PartnerID, PartnerAK, PartnerSK, "demo partner key")
			return err
		}},
		{"partner IAM user", func() error { _, err := c.CreateIAMUser(ctx, PartnerID, PartnerUser, PartnerPassword); return err }},
		{"non-partner account", func() error { _, err := c.CreateAccount(ctx, NonPartnerID, NonPartnerID, false); return err }},
		{"non-partner AK", func() error {
			_, err := c.CreateAccessKeyWithSecret(ctx, NonPartnerID, NonPartnerAK, NonPartnerSK, "demo non-partner key")
			return err
		}},
	}
	for _, s := range steps {
		if err := absent(s.do()); err != nil {
			return fmt.Errorf("demo %s: %w", s.what, err)
		}
	}
	return nil
}

// loadLapsedTenants creates the tenants that are not in service, in their
// state, with their app key and mall token.
func loadLapsedTenants(ctx context.Context, tenants *tenant.Service, c *credential.Service) error {
	for _, l := range LapsedTenants {
		if _, err := tenants.CreateFrom(ctx, l.draft); absent(err) != nil {
			return fmt.Errorf("demo tenant %s: %w", l.TenantID, err)
		}
		if _, err := c.CreateAppKeyWithSecret(ctx, l.AppKey, l.TenantID, "demo app", l.AppSecret); absent(err) != nil {
			return fmt.Errorf("demo app key %s: %w", l.AppKey, err)
		}
		if _, err := c.IssueMallTokenValue(ctx, l.TenantID, l.MallToken, tokenTTL); absent(err) != nil {
			return fmt.Errorf("demo mall token of %s: %w", l.TenantID, err)
		}
	}
	return nil
}

// absent treats "already exists" as done: the demo never overwrites.
func absent(err error) error {
	if errors.Is(err, aiccd.ErrConflict) {
		return nil
	}
	return err
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
		{"trial verification code (any phone)", tenant.DemoVerificationCode},
		{"partner ID (cloud domain ID and name)", PartnerID},
		{"partner AK / SK", PartnerAK + " / " + PartnerSK},
		{"partner IAM user / password", PartnerUser + " / " + PartnerPassword},
		{"non-partner cloud account / AK / SK", NonPartnerID + " / " + NonPartnerAK + " / " + NonPartnerSK},
		{"partner's customers", fmt.Sprintf("%s … %s (%s …)", CustomerName(1), CustomerName(Customers), CustomerEmail(1))},
		{"mobile numbers: at the limit / used once / free", SharedMobile + " / " + SingleMobile + " / " + FreeMobile},
	} {
		fmt.Fprintf(tw, "  %s\t%s\n", row[0], row[1])
	}
	fmt.Fprintf(tw, "  tenants not in service (401 everywhere)\tapp key / secret / mall token\n")
	for _, l := range LapsedTenants {
		fmt.Fprintf(tw, "    %s: %s\t%s / %s / %s\n", l.State, l.TenantID, l.AppKey, l.AppSecret, l.MallToken)
	}
	tw.Flush()
}
