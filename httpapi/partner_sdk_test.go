package httpapi

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// TestBssClientAgainstAiccd points the official Go SDK's BssClient, with
// the demo partner's AK/SK, at a listening aiccd: its check-identity and
// create-customer calls get the directory's answers, its errors parse.
func TestBssClientAgainstAiccd(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.clock.now = time.Now().UTC() // the SDK signs with the wall clock
		ts := httptest.NewServer(e.srv)
		defer ts.Close()

		creds, err := global.NewCredentialsBuilder().WithAk(demo.PartnerAK).WithSk(demo.PartnerSK).WithDomainId(demo.PartnerID).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		hc, err := bss.BssClientBuilder().WithEndpoints([]string{ts.URL}).WithCredential(creds).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		client := bss.NewBssClient(hc)
		check := func(typ, value string) (*model.CheckUserIdentityResponse, error) {
			return client.CheckUserIdentity(&model.CheckUserIdentityRequest{
				Body: &model.CheckSubcustomerUserReq{SearchType: typ, SearchValue: value},
			})
		}

		for _, tc := range []struct {
			typ, value string
			result     string
			remaining  int32 // -1: absent
		}{
			{"mobile", demo.FreeMobile, "available", 5},
			{"mobile", demo.SingleMobile, "available", 4},
			{"mobile", demo.SharedMobile, "used_by_user", 0},
			{"name", "demo-customer-01", "used_by_user", -1},
			{"name", "sdk-customer", "available", -1},
			{"email", demo.CustomerEmail(3), "used_by_user", -1},
		} {
			resp, err := check(tc.typ, tc.value)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.typ, tc.value, err)
			}
			if resp.HttpStatusCode != 200 || *resp.ErrorCode != "CBC.0000" || *resp.CheckResult != tc.result {
				t.Errorf("%s %s: %s", tc.typ, tc.value, resp)
			}
			if got := resp.MobileRemainAvailableNum; (tc.remaining < 0) != (got == nil) || (got != nil && *got != tc.remaining) {
				t.Errorf("%s %s: mobile_remain_available_num %v, want %d", tc.typ, tc.value, got, tc.remaining)
			}
		}

		// The SDK's create-customer call, with its Chinese mobile number
		// without a country code.
		name, mobile, password := "sdk-customer", "13600000000", "Sdk-pass-2026"
		created, err := client.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: &model.CreateCustomerV2Req{
			DomainName: &name, MobilePhone: &mobile, Password: &password, XaccountId: "sdk-1", XaccountType: "aiccd_demo",
		}})
		if err != nil {
			t.Fatal(err)
		}
		if created.DomainId == nil || len(*created.DomainId) != 32 || *created.DomainName != name {
			t.Fatalf("CreateSubCustomer: %s", created)
		}
		if resp, _ := check("name", name); resp == nil || *resp.CheckResult != "used_by_user" {
			t.Fatalf("the created customer's name is still available: %v", resp)
		}
		if resp, _ := check("mobile", "0086-"+mobile); resp == nil || *resp.MobileRemainAvailableNum != 4 {
			t.Fatalf("the created customer's mobile number is not counted: %v", resp)
		}

		// Refusals reach the SDK as service errors with the CBC code.
		_, err = check("name", "op_reserved")
		if se, ok := errors.AsType[*sdkerr.ServiceResponseError](err); !ok || se.StatusCode != 400 || se.ErrorCode != "CBC.0101" {
			t.Fatalf("an invalid name: %v", err)
		}
		_, err = client.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: &model.CreateCustomerV2Req{DomainName: &name, XaccountId: "sdk-2", XaccountType: "aiccd_demo"}})
		if se, ok := errors.AsType[*sdkerr.ServiceResponseError](err); !ok || se.StatusCode != 400 || se.ErrorCode != "CBC.99000038" {
			t.Fatalf("a used name: %v", err)
		}
	})
}
