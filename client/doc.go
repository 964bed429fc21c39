// Package client is a Go client of aiccd and of the vendor APIs it
// serves: one typed method per endpoint, with the vendor's field names.
// It depends on the standard library only.
//
// A Client holds the credentials of the families it calls:
//
//   - WithAppKey for the app-gateway APIs (queryAccessCodeList,
//     queryCalledRoute, applyTenant, the SmartCare APIs): the client
//     obtains a token with tokenByAkSk, caches it, renews it before it
//     expires, and renews it once more if the gateway refuses it as
//     expired (APIG.0307) or invalid (APIG.0301). Concurrent calls share
//     one renewal.
//   - WithMallToken for the OMA interfaces of the business software mall.
//   - WithIAMUser (IAM tokens, obtained and renewed) or WithAKSK
//     (SDK-HMAC-SHA256 signatures, as the vendor's SDKs sign) for the
//     partner APIs.
//   - WithAdminToken for aiccd's admin API (Client.Admin).
//
// Every refusal is an *APIError carrying the HTTP status, the family whose
// format the answer had and the family's code: APIG.0301 from the
// gateway, CBC.0151 from the partner APIs, "4" (a SmartCare return code),
// "002" (an applyTenant return code). Business refusals that the vendor
// answers with HTTP 200 (check-user's CBC.0100, SmartCare's return codes
// other than success) are errors too; IsCode tells them apart.
//
// The client reads what the pages leave inconsistent either way: a
// returnCode sent as a number or a string, times in epoch milliseconds as
// numbers or strings, JSON whatever the Content-Type says, OMA errors as
// plain sentences.
//
// Calls honour their context. Calls that are safe to repeat (queries,
// token requests, admin reads) are sent again after a connection error or
// a 502 or 503 answer, with a growing, jittered back-off (Retry); calls
// that change state are sent once.
//
//	c, err := client.New("http://127.0.0.1:8080", client.WithAppKey("demo-app-key", "demo-app-secret"))
//	if err != nil {
//		return err
//	}
//	res, err := c.QueryFaultyUser(ctx, client.FaultyUserQuery{
//		MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1",
//	})
//	switch {
//	case client.IsCode(err, "4"):
//		// the complaint scene does not exist
//	case err != nil:
//		return err
//	case res.Found():
//		fmt.Println(res.Data[0].Rules[0].ReflectionRule)
//	}
package client
