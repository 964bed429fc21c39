package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/aiccd/aiccd/client"
)

// The demo server's public credentials (aiccd serve --demo prints them).
const (
	demoAppKey    = "demo-app-key"
	demoAppSecret = "demo-app-secret"
	demoMallToken = "demo-mall-token"
	demoPartner   = "demo-partner"
	demoAK        = "DEMOPARTNERAK"
	demoSK        = "demo-partner-sk"
)

func Example() {
	ctx := context.Background()
	c, err := client.New(demoURL, client.WithAppKey(demoAppKey, demoAppSecret))
	if err != nil {
		log.Fatal(err)
	}
	// The page's example: the token is obtained on the first call.
	res, err := c.QueryFaultyUser(ctx, client.FaultyUserQuery{
		MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1", BacktraceDuration: "3600", SessionID: "20240709",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.ReturnCode, res.Description, "since", res.Data[0].TTID)
	for _, r := range res.Data[0].Rules {
		fmt.Printf("%s %s\n", r.CCMSceneCode, r.ReflectionRule)
	}
	// An unknown complaint scene is return code 4.
	_, err = c.QueryFaultyUser(ctx, client.FaultyUserQuery{MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "9"})
	fmt.Println(client.IsCode(err, "4"))
	// Output:
	// 0 Query succeeded. Data is found in the query result. since 2024-07-18 12:20:41
	// SMS FAILURE_CAUSE=DTAPSMS_CP:CP Error(17 Network Failure)
	// DATA LAC_TAC=5200504B2007&SAI_CGI_ECGI=5200504B2007
	// true
}

func ExampleClient_QueryAccessCodeList() {
	c, err := client.New(demoURL, client.WithAppKey(demoAppKey, demoAppSecret))
	if err != nil {
		log.Fatal(err)
	}
	page, err := c.QueryAccessCodeList(context.Background(), client.AccessCodeQuery{AccessCode: "9911411", MediatypeID: 5, Limit: client.Ptr(10)})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range page.CalledRouteList {
		fmt.Println(page.Total, a.ID, a.AccessCode, a.MediatypeID, a.N400Number, a.Description, a.NumCallAttr)
	}
	// Output:
	// 1 1124167935465633793 9911411 5 <nil> <nil> 3
}

func ExampleClient_QueryTenantBasic() {
	c, err := client.New(demoURL, client.WithMallToken(demoMallToken))
	if err != nil {
		log.Fatal(err)
	}
	t, err := c.QueryTenantBasic(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Company, t.MobilePhone, t.Email, t.TenantSpaceStatus, t.CreateDate.Time())
	// Output: Huawei XXXXXXXXX 153****0991 sunk****@huawei.com 2 2023-04-11 08:58:45 +0000 UTC
}

func ExampleClient_CheckUser() {
	// AK/SK signatures, as the vendor's SDKs sign.
	c, err := client.New(demoURL, client.WithAKSK(demoPartner, demoAK, demoSK))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	r, err := c.CheckUser(ctx, "", client.SearchMobile, "0086-13800000000")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("used:", r.Used(), "limit reached:", r.LimitReached())
	// Invalid input is CBC.0100, answered with HTTP 200.
	_, err = c.CheckUser(ctx, "", client.SearchName, "op_admin")
	if e, ok := errors.AsType[*client.APIError](err); ok {
		fmt.Println(e.Status, e.Family, e.Code, e.Message)
	}
	// Output:
	// used: true limit reached: true
	// 200 partner CBC.0100 Invalid input parameter. A name must not start with op_ or shadow_.
}

func ExampleIsCode() {
	c, err := client.New(demoURL, client.WithAppKey(demoAppKey, "wrong secret"), client.WithRetry(client.Retry{Attempts: 1}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.QueryCalledRoute(context.Background(), client.CalledRouteQuery{})
	fmt.Println(client.IsCode(err, "APIG.0301"), client.StatusOf(err))
	// Output: true 401
}

func ExampleAdmin_CreateFault() {
	ctx := context.Background()
	admin := must(client.New(demoURL, client.WithAdminToken(adminToken))).Admin()
	// The next query of the demo tenant fails with SmartCare's DAC error.
	f, err := admin.CreateFault(ctx, client.Fault{TenantID: "demo", Endpoint: "queryfaultyuser", Code: "5", Remaining: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer admin.DeleteFault(ctx, f.ID)
	c := must(client.New(demoURL, client.WithAppKey(demoAppKey, demoAppSecret)))
	q := client.FaultyUserQuery{MSISDN: "6680512100870", FaultTime: "1721283133000", ComplaintScene: "1"}
	_, err = c.QueryFaultyUser(ctx, q)
	fmt.Println(err != nil, client.IsCode(err, "5"))
	res, err := c.QueryFaultyUser(ctx, q)
	fmt.Println(res.ReturnCode, err)
	// Output:
	// true true
	// 1 <nil>
}

func ExampleAdmin_CreateFault_override() {
	ctx := context.Background()
	admin := must(client.New(demoURL, client.WithAdminToken(adminToken))).Admin()
	// The platform reports a fault aiccd's rules would not find, for one
	// subscriber only, once. The body is checked against queryfaultyuser's
	// documented answer.
	f, err := admin.CreateFault(ctx, client.Fault{
		TenantID: "demo", Endpoint: "queryfaultyuser", Remaining: 1,
		BodyMatch: map[string]any{"msisdn": "6680512100871"},
		Body: json.RawMessage(`{"returnCode":0,"description":"Query succeeded. Data is found in the query result.",` +
			`"data":[{"rules":[{"reflectionRule":"CELL=4711","ccmSceneCode":"VOICE"}],"msisdn":"6680512100871"}]}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer admin.DeleteFault(ctx, f.ID)
	c := must(client.New(demoURL, client.WithAppKey(demoAppKey, demoAppSecret)))
	q := client.FaultyUserQuery{MSISDN: "6680512100871", FaultTime: "1721283133000", ComplaintScene: "1"}
	res, err := c.QueryFaultyUser(ctx, q)
	fmt.Println(res.ReturnCode, res.Data[0].Rules[0].ReflectionRule, err)
	// Output: 0 CELL=4711 <nil>
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

// A test suite snapshots its tenant once and restores it before each test,
// so that no test sees what another left behind.
func ExampleAdmin_RestoreSnapshot() {
	ctx := context.Background()
	admin := must(client.New(demoURL, client.WithAdminToken(adminToken))).Admin()
	if _, err := admin.CreateTenant(ctx, client.TenantDraft{ID: "example-suite"}); err != nil {
		log.Fatal(err)
	}
	defer admin.DeleteTenant(ctx, "example-suite")
	if _, err := admin.CreateSnapshot(ctx, "example-suite", "clean"); err != nil {
		log.Fatal(err)
	}
	// A test adds an app key...
	if _, err := admin.CreateAppKey(ctx, "example-suite", "left behind"); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(must(admin.ListAppKeys(ctx, "example-suite"))))
	// ...and the next one starts from the snapshot.
	s, err := admin.RestoreSnapshot(ctx, "example-suite", "clean")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Name, len(must(admin.ListAppKeys(ctx, "example-suite"))))
	// Output:
	// 1
	// clean 0
}
