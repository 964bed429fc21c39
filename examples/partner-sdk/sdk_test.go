package main

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiccd/aiccd/cli/clitest"
	"github.com/aiccd/aiccd/database/dbtest"
	"github.com/aiccd/aiccd/demo"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// The vendor's official Go SDK is the independent witness of aiccd's AK/SK
// signatures and partner APIs: what it signs and sends, aiccd accepts and
// answers, on both engines. It lives in this module so that the SDK and
// what it brings stay out of aiccd's own go.mod; CI runs these tests.

// demoServer runs `aiccd serve --demo` on dsn in this process.
func demoServer(t *testing.T, dsn string) string {
	t.Helper()
	srv, err := clitest.Start("--demo", "--database", dsn, "--master-key-file", filepath.Join(t.TempDir(), "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv.URL
}

// sdkRequest is a partner API request with body, signed by the SDK's own
// signer with the AK/SK and domain given.
func sdkRequest(t *testing.T, endpoint, ak, sk, domain, path, contentType string, body any) *http.Request {
	t.Helper()
	creds, err := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithDomainId(domain).SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	req := sdkrequest.NewHttpRequestBuilder().WithEndpoint(endpoint).WithPath(path).WithMethod("POST").
		WithSigningAlgorithm(algorithm.HmacSHA256).AddHeaderParam("Content-Type", contentType).
		WithBody("body", body).Build()
	if _, err := creds.ProcessAuthRequest(nil, req); err != nil {
		t.Fatal(err)
	}
	r, err := req.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func send(t *testing.T, r *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const checkIdentityPath = "/v2/partners/sub-customers/users/check-identity"

// TestSDKSignatures: a request the SDK signs is accepted; the same request
// with its query, path, a signed header, its body or its date changed is
// refused, five of them in a row lock the AK, and a non-partner's
// signature is accepted for the partner check to refuse it.
func TestSDKSignatures(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		endpoint := demoServer(t, dsn)
		body := map[string]string{"search_type": "name", "search_value": "demo-customer-01"}
		signed := func() *http.Request {
			return sdkRequest(t, endpoint, demo.PartnerAK, demo.PartnerSK, demo.PartnerID, checkIdentityPath, "application/json", body)
		}
		if code, answer := send(t, signed()); code != 200 || !strings.Contains(answer, `"used_by_user"`) {
			t.Fatalf("an SDK-signed request: %d %s", code, answer)
		}
		for name, tamper := range map[string]func(*http.Request){
			"query":  func(r *http.Request) { r.URL.RawQuery = "limit=11" },
			"path":   func(r *http.Request) { r.URL.Path = "/v2/partners/sub-customers" }, // another endpoint
			"header": func(r *http.Request) { r.Header.Set("X-Domain-Id", "other") },
			"body": func(r *http.Request) {
				r.Body, r.ContentLength = http.NoBody, 0
			},
			"date": func(r *http.Request) {
				r.Header.Set("X-Sdk-Date", time.Now().UTC().Add(-16*time.Minute).Format("20060102T150405Z"))
			},
		} {
			r := signed()
			tamper(r)
			if code, answer := send(t, r); code != 401 || !strings.Contains(answer, "APIG.0301") {
				t.Errorf("tampered %s: %d %s", name, code, answer)
			}
		}
		if code, answer := send(t, signed()); code != 429 || !strings.Contains(answer, "APIG.0308") {
			t.Errorf("after five failures: %d %s", code, answer)
		}
		r := sdkRequest(t, endpoint, demo.NonPartnerAK, demo.NonPartnerSK, demo.NonPartnerID, checkIdentityPath, "application/json", body)
		if code, answer := send(t, r); code == 401 || !strings.Contains(answer, "not a partner") {
			t.Errorf("a non-partner's signature: %d %s", code, answer)
		}
	})
}

// TestSDKSignsTheBody: the SDK signs a JSON body's hash, and a body it is
// not told is JSON as UNSIGNED-PAYLOAD; aiccd accepts both.
func TestSDKSignsTheBody(t *testing.T) {
	endpoint := demoServer(t, filepath.Join(t.TempDir(), "aiccd.db"))
	r := sdkRequest(t, endpoint, demo.PartnerAK, demo.PartnerSK, demo.PartnerID, checkIdentityPath, "text/plain",
		`{"search_type":"name","search_value":"demo-customer-01"}`)
	if r.Header.Get("X-Sdk-Content-Sha256") != "UNSIGNED-PAYLOAD" || !strings.Contains(r.Header.Get("Authorization"), "x-sdk-content-sha256") {
		t.Fatalf("the SDK no longer signs UNSIGNED-PAYLOAD for text bodies: %v", r.Header)
	}
	if code, answer := send(t, r); code != 200 || !strings.Contains(answer, `"used_by_user"`) {
		t.Fatalf("SDK-signed UNSIGNED-PAYLOAD: %d %s", code, answer)
	}
	r = sdkRequest(t, endpoint, demo.PartnerAK, demo.PartnerSK, demo.PartnerID, "/v2/partners/sub-customers", "application/json",
		map[string]string{"domain_name": "sdk-signed-customer", "email": "sdk-signed@example.com"})
	if code, answer := send(t, r); code != 200 || !strings.Contains(answer, `"domain_name":"sdk-signed-customer"`) {
		t.Fatalf("an SDK-signed JSON body: %d %s", code, answer)
	}
}

// TestBssClientAgainstAiccd points the SDK's BssClient, with the demo
// partner's AK/SK, at aiccd: its check-identity and create-customer calls
// get the directory's answers, its errors parse.
func TestBssClientAgainstAiccd(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, dsn string) {
		endpoint := demoServer(t, dsn)
		creds, err := global.NewCredentialsBuilder().WithAk(demo.PartnerAK).WithSk(demo.PartnerSK).WithDomainId(demo.PartnerID).SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		hc, err := bss.BssClientBuilder().WithEndpoints([]string{endpoint}).WithCredential(creds).SafeBuild()
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
