// Command client-quickstart calls every endpoint of aiccd's demo once
// through the Go client (package github.com/aiccd/aiccd/client) and
// prints one line per call: the first successful call of each, as an
// integrator's code would make it.
//
//	aiccd serve --demo &
//	go run ./examples/client-quickstart
//
// The credentials are the public ones of the demo dataset. Two calls
// change the demo's data, as they would on the platform: applyTenant
// creates a trial tenant and sub-customers a customer of the demo partner.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aiccd/aiccd/client"
)

// The demo dataset's public credentials.
const (
	demoAppKey         = "demo-app-key"
	demoAppSecret      = "demo-app-secret"
	demoMallToken      = "demo-mall-token"
	demoTrialMallToken = "demo-trial-token"
	demoPartnerID      = "demo-partner"
	demoPartnerAK      = "DEMOPARTNERAK"
	demoPartnerSK      = "demo-partner-sk"
	demoPartnerUser    = "demo-partner-admin"
	demoPartnerPass    = "Demo-partner-pw1"
	demoVerifyCode     = "123456" // accepted for any phone number in demo mode
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "client-quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("client-quickstart", flag.ContinueOnError)
	endpoint := fs.String("endpoint", "http://127.0.0.1:8080", "aiccd's base URL")
	if err := fs.Parse(args); err != nil {
		return err
	}
	gw, err := client.New(*endpoint, client.WithAppKey(demoAppKey, demoAppSecret))
	if err != nil {
		return err
	}
	mall := must(client.New(*endpoint, client.WithMallToken(demoMallToken)))
	trial := must(client.New(*endpoint, client.WithMallToken(demoTrialMallToken)))
	iam := must(client.New(*endpoint, client.WithIAMUser(demoPartnerID, demoPartnerUser, demoPartnerPass)))
	aksk := must(client.New(*endpoint, client.WithAKSK(demoPartnerID, demoPartnerAK, demoPartnerSK)))

	tok, err := gw.TokenByAkSk(ctx, demoAppKey, demoAppSecret, 10*time.Minute)
	if err != nil {
		return fmt.Errorf("tokenByAkSk: %w", err)
	}
	fmt.Fprintf(out, "tokenByAkSk: a %s token of tenant %s for %s s\n", tok.ApplyType, tok.Scope, tok.Expires)

	tb, err := mall.QueryTenantBasic(ctx)
	if err != nil {
		return fmt.Errorf("querytenantbasic: %w", err)
	}
	fmt.Fprintf(out, "querytenantbasic: %s, %s, %s, status %s, since %s\n", tb.Company, tb.MobilePhone, tb.Email, tb.TenantSpaceStatus, tb.CreateDate.Time().Format(time.DateOnly))

	ti, err := trial.QueryTrialTenantInfo(ctx)
	if err != nil {
		return fmt.Errorf("querytenantinfo: %w", err)
	}
	fmt.Fprintf(out, "querytenantinfo: %s, status %s, expiring %s\n", ti.Company, ti.TenantSpaceStatus, ti.ExpiryDate.Time().Format(time.DateOnly))

	res, err := mall.QueryResource(ctx, client.ResourceQuery{Limit: 10})
	if err != nil {
		return fmt.Errorf("queryresource: %w", err)
	}
	fmt.Fprintf(out, "queryresource: %d resources, the first %s (%d %s, %s)\n", res.Count, res.Result[0].ResourceID, res.Result[0].Quantity, res.Result[0].ResourceType, res.Result[0].Status)

	codes, err := gw.QueryAccessCodeList(ctx, client.AccessCodeQuery{AccessCode: "9911411", MediatypeID: 5, Limit: client.Ptr(10)})
	if err != nil {
		return fmt.Errorf("queryAccessCodeList: %w", err)
	}
	fmt.Fprintf(out, "queryAccessCodeList: %d access code, %s with ID %s\n", codes.Total, codes.CalledRouteList[0].AccessCode, codes.CalledRouteList[0].ID)

	routes, err := gw.QueryCalledRoute(ctx, client.CalledRouteQuery{AccessCode: "9911411"})
	if err != nil {
		return fmt.Errorf("queryCalledRoute: %w", err)
	}
	for _, r := range routes.CalledRouteList {
		ext := "-"
		if r.ExtCode != nil {
			ext = *r.ExtCode
		}
		fmt.Fprintf(out, "queryCalledRoute: %s ext %s to device type %d, %s\n", r.AccessCode, ext, r.DeviceType, *r.DeviceDesc)
	}

	q := client.FaultyUserQuery{MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1", BacktraceDuration: "3600", SessionID: "20240709"}
	fu, err := gw.QueryFaultyUser(ctx, q)
	if err != nil {
		return fmt.Errorf("queryfaultyuser: %w", err)
	}
	fmt.Fprintf(out, "queryfaultyuser: returnCode %d, %d faults since %s\n", fu.ReturnCode, len(fu.Data[0].Rules), fu.Data[0].TTID)

	task, err := gw.SubmitQuickDelimit(ctx, q)
	if err != nil {
		return fmt.Errorf("submitquickdelimit: %w", err)
	}
	fmt.Fprintf(out, "submitquickdelimit: task %s is %s\n", task.TaskID, task.Status)
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	done, err := gw.WaitQuickResult(wctx, task.TaskID, 100*time.Millisecond)
	if err != nil {
		return fmt.Errorf("queryquickresult: %w", err)
	}
	fmt.Fprintf(out, "queryquickresult: returnCode %d, task %s, %d faults\n", done.ReturnCode, done.Data[0].Status, len(done.Data[0].Rules))
	deep, err := gw.QueryDeepResult(ctx, task.TaskID)
	if err != nil {
		return fmt.Errorf("querydeepresult: %w", err)
	}
	r := deep.Data[0].Rules[0]
	fmt.Fprintf(out, "querydeepresult: %s explained by %d record(s), the first at %s\n", r.ReflectionRule, len(r.Records), r.Records[0].EventTime)

	trialTenant, err := gw.ApplyTenant(ctx, client.TrialApplication{CompanyName: "Quickstart Ltd",
		Phone: fmt.Sprintf("137%08d", time.Now().UnixNano()%1e8), PhoneVerifyCode: demoVerifyCode,
		Email: fmt.Sprintf("quickstart-%d@example.com", time.Now().UnixNano())})
	if err != nil {
		return fmt.Errorf("applyTenant: %w", err)
	}
	fmt.Fprintf(out, "applyTenant: trial tenant created, expiring %s\n", trialTenant.ExpiryDate.Time().Format(time.DateOnly))

	it, err := iam.IAMToken(ctx, demoPartnerID, demoPartnerUser, demoPartnerPass)
	if err != nil {
		return fmt.Errorf("IAM token: %w", err)
	}
	fmt.Fprintf(out, "IAM token: for %s of %s, valid %s\n", it.UserName, it.DomainName, it.ExpiresAt.Sub(it.IssuedAt))

	cu, err := iam.CheckUser(ctx, "", client.SearchMobile, "0086-13800000000")
	if err != nil {
		return fmt.Errorf("check-user: %w", err)
	}
	fmt.Fprintf(out, "check-user (IAM token): 0086-13800000000 used %v, at its limit %v\n", cu.Used(), cu.LimitReached())

	ci, err := aksk.CheckIdentity(ctx, client.SearchName, "my-new-customer")
	if err != nil {
		return fmt.Errorf("check-identity: %w", err)
	}
	fmt.Fprintf(out, "check-identity (AK/SK): my-new-customer is %s\n", ci.CheckResult)

	cust, err := aksk.CreateSubCustomer(ctx, client.SubCustomer{})
	if err != nil {
		return fmt.Errorf("sub-customers: %w", err)
	}
	fmt.Fprintf(out, "sub-customers: created a customer with a generated name of %d characters\n", len(cust.DomainName))

	// A refusal: an unknown complaint scene is SmartCare's return code 4.
	q.ComplaintScene = "9"
	_, err = gw.QueryFaultyUser(ctx, q)
	fmt.Fprintf(out, "queryfaultyuser, unknown scene: return code 4 is %v\n", client.IsCode(err, "4"))
	return nil
}

func must(c *client.Client, err error) *client.Client {
	if err != nil {
		panic(err) // only for a malformed endpoint, which New refused for the first client already
	}
	return c
}
