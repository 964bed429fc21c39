// Command sign prints the headers of an SDK-HMAC-SHA256 signed request, so
// that a load generator can replay it: a signature stays valid for the 15
// minutes X-Sdk-Date may be off the server's clock.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aiccd/aiccd/credential"
)

func main() {
	ak := flag.String("ak", "DEMOPARTNERAK", "access key")
	sk := flag.String("sk", "demo-partner-sk", "secret key")
	domain := flag.String("domain", "demo-partner", "X-Domain-Id")
	method := flag.String("method", "POST", "method")
	target := flag.String("url", "", "request URL")
	body := flag.String("body", "", "request body")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		log.Fatalf("-url: %q is not an absolute URL", *target)
	}
	h := http.Header{}
	h.Set("X-Sdk-Date", time.Now().UTC().Format(credential.SDKDateLayout))
	h.Set("X-Domain-Id", *domain)
	sum := sha256.Sum256([]byte(*body))
	signed := []string{"host", "x-domain-id", "x-sdk-date"}
	sig, err := credential.Sign(credential.SignedRequest{
		Method: *method, EscapedPath: u.EscapedPath(), RawQuery: u.RawQuery, Host: u.Host,
		Header: h.Values, BodySHA256: hex.EncodeToString(sum[:]),
	}, signed, []byte(*sk))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "X-Sdk-Date: %s\nX-Domain-Id: %s\nAuthorization: %s Access=%s, SignedHeaders=%s, Signature=%s\n",
		h.Get("X-Sdk-Date"), *domain, credential.SDKHMACSHA256, *ak, strings.Join(signed, ";"), sig)
}
