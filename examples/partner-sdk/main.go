// Command partner-sdk calls aiccd's partner registration checks with the
// official Huawei Cloud Go SDK, as an integrator's code would call the
// cloud: check-identity through the SDK's BssClient, and the older
// check-user (which the SDK has no method for) as a raw request signed by
// the SDK's AK/SK signer.
//
//	aiccd serve --demo &
//	go -C examples/partner-sdk run .
//	go -C examples/partner-sdk run . -type name -value demo-customer-01
//
// The defaults are the public credentials of aiccd's demo dataset.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	sdkrequest "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// The demo dataset's partner: its account (domain) ID and AK/SK.
const (
	demoPartnerID = "demo-partner"
	demoPartnerAK = "DEMOPARTNERAK"
	demoPartnerSK = "demo-partner-sk"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "partner-sdk:", err)
		os.Exit(1)
	}
}

// run parses args, then calls check-identity and check-user with the same
// search and prints both answers.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("partner-sdk", flag.ContinueOnError)
	endpoint := fs.String("endpoint", "http://127.0.0.1:8080", "aiccd's base URL")
	ak := fs.String("ak", demoPartnerAK, "the partner's access key (AK)")
	sk := fs.String("sk", demoPartnerSK, "the partner's secret key (SK)")
	domain := fs.String("domain", demoPartnerID, "the partner's domain (account) ID, which is also its partner ID")
	searchType := fs.String("type", "mobile", "what to check: email, mobile or name")
	value := fs.String("value", "0086-13700000000", "the value to check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	creds, err := global.NewCredentialsBuilder().WithAk(*ak).WithSk(*sk).WithDomainId(*domain).SafeBuild()
	if err != nil {
		return err
	}

	// check-identity, the current API, through the SDK's client.
	hc, err := bss.BssClientBuilder().WithEndpoints([]string{*endpoint}).WithCredential(creds).SafeBuild()
	if err != nil {
		return err
	}
	resp, err := bss.NewBssClient(hc).CheckUserIdentity(&model.CheckUserIdentityRequest{
		Body: &model.CheckSubcustomerUserReq{SearchType: *searchType, SearchValue: *value},
	})
	if err != nil {
		return fmt.Errorf("check-identity: %w", err)
	}
	fmt.Fprintf(out, "check-identity: %s\n", strings.TrimSpace(strings.TrimPrefix(resp.String(), "CheckUserIdentityResponse ")))

	// check-user, the old API: the SDK signs, net/http sends.
	body, _ := json.Marshal(map[string]string{"searchType": *searchType, "searchKey": *value})
	req := sdkrequest.NewHttpRequestBuilder().
		WithEndpoint(*endpoint).
		WithPath("/v1.0/"+*domain+"/partner/customer-mgr/check-user").
		WithMethod(http.MethodPost).
		WithSigningAlgorithm(algorithm.HmacSHA256).
		AddHeaderParam("Content-Type", "application/json").
		WithBody("body", string(body)).
		Build()
	if _, err := creds.ProcessAuthRequest(nil, req); err != nil {
		return err
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		return err
	}
	hres, err := http.DefaultClient.Do(hr.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("check-user: %w", err)
	}
	defer hres.Body.Close()
	answer, err := io.ReadAll(hres.Body)
	if err != nil {
		return fmt.Errorf("check-user: %w", err)
	}
	fmt.Fprintf(out, "check-user: HTTP %d %s\n", hres.StatusCode, answer)
	if hres.StatusCode != http.StatusOK {
		return fmt.Errorf("check-user answered HTTP %d", hres.StatusCode)
	}
	return nil
}
