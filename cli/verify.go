package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aiccd/aiccd/client"
	"github.com/aiccd/aiccd/fixture"
	"github.com/aiccd/aiccd/journal"
	"github.com/spf13/cobra"
)

// maxReplayAnswer bounds an answer verify reads.
const maxReplayAnswer = 8 << 20

func newVerifyCommand(e *env) *cobra.Command {
	var v verifier
	var format outputFormat = outputTable
	var headers, secrets []string
	cmd := &cobra.Command{
		Use:   "verify DIR [--against URL] [-o json]",
		Short: "Replay recorded exchanges and report whether the answers agree with the recording",
		Long: "verify replays, in order, the requests `aiccd proxy --record` wrote to DIR against --against\n" +
			"(an aiccd, the platform, any URL) and reports per exchange whether the status, the field\n" +
			"names, the field types and the return codes (returnCode, error_code, error.code) agree with\n" +
			"the recording. Values may differ; masked values are not compared. It exits\n" +
			"non-zero when any exchange disagrees or could not be replayed.\n\n" +
			"The recording masks credentials, so verify authenticates anew: --app-key/--app-secret get\n" +
			"an app gateway token for the /apiaccess APIs and fill tokenByAkSk's masked body; --ak/--sk\n" +
			"re-sign AK/SK-signed requests for the --against host; --mall-token is the OMA APIs'\n" +
			"X-Auth-Token; --secret NAME=VALUE fills a masked body field (password, ...); --header\n" +
			"sets a header on every request (X-Auth-Token: ...). A request whose personal data was\n" +
			"masked is skipped: record with --keep-request-personal to replay it.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := v.parse(headers, secrets); err != nil {
				return err
			}
			xs, err := fixture.Load(args[0])
			if err != nil {
				return err
			}
			if len(xs) == 0 {
				return fmt.Errorf("%s holds no recorded exchanges", args[0])
			}
			results := v.run(cmd.Context(), xs)
			if err := output(e.stdout, format, struct {
				Items []verifyResult `json:"items"`
			}{results}, verifyTable(results)); err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				if r.Result == resultDisagree || r.Result == resultError {
					failed++
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d exchanges do not agree with the recording", failed, len(results))
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&v.against, "against", "http://127.0.0.1:8080", "base URL to replay the requests against")
	fl.VarP(&format, "output", "o", "output format: table or json")
	fl.StringVar(&v.appKey, "app-key", "", "app key for the app gateway's token (and tokenByAkSk's recorded body)")
	fl.StringVar(&v.appSecret, "app-secret", "", "app secret for --app-key")
	fl.StringVar(&v.ak, "ak", "", "access key to re-sign AK/SK-signed requests with")
	fl.StringVar(&v.sk, "sk", "", "secret key for --ak")
	fl.StringVar(&v.mallToken, "mall-token", "", "access token (X-Auth-Token) for the OMA APIs")
	fl.StringArrayVar(&secrets, "secret", nil, "NAME=VALUE: the value of a masked body field NAME (repeatable)")
	fl.StringArrayVar(&headers, "header", nil, "'Name: value': a header set on every replayed request (repeatable)")
	fl.DurationVar(&v.timeout, "timeout", 30*time.Second, "how long to wait for each answer")
	return cmd
}

const (
	resultAgree    = "agree"
	resultDisagree = "disagree"
	resultSkipped  = "skipped"
	resultError    = "error"
)

// verifyResult is the report of one exchange.
type verifyResult struct {
	File           string   `json:"file"`
	Method         string   `json:"method"`
	Path           string   `json:"path"`
	RecordedStatus int      `json:"recorded_status"`
	Status         int      `json:"status"`
	Result         string   `json:"result"`
	Differences    []string `json:"differences"`
}

type verifier struct {
	against                string
	appKey, appSecret      string
	ak, sk, mallToken      string
	timeout                time.Duration
	headers                http.Header
	secrets                map[string]string
	base                   *url.URL
	http                   *http.Client
	gatewayToken, tokenErr string
	gatewayTokenRequested  bool
}

func (v *verifier) parse(headers, secrets []string) error {
	u, err := url.Parse(v.against)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--against %q is not an http or https URL", v.against)
	}
	v.base = u
	if (v.appKey == "") != (v.appSecret == "") || (v.ak == "") != (v.sk == "") {
		return fmt.Errorf("give --app-key with --app-secret, and --ak with --sk")
	}
	v.headers = http.Header{}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return fmt.Errorf("--header %q: want 'Name: value'", h)
		}
		v.headers.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	v.secrets = map[string]string{}
	if v.appKey != "" {
		v.secrets["app_key"], v.secrets["app_secret"] = v.appKey, v.appSecret
	}
	for _, s := range secrets {
		name, value, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("--secret %q: want NAME=VALUE", s)
		}
		v.secrets[name] = value
	}
	v.http = &http.Client{Timeout: v.timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return nil
}

func (v *verifier) run(ctx context.Context, xs []fixture.Exchange) []verifyResult {
	out := make([]verifyResult, 0, len(xs))
	for _, x := range xs {
		r := verifyResult{File: filepath.Base(x.File), Method: x.Request.Method, Path: x.Request.Path,
			RecordedStatus: x.Response.Status, Differences: []string{}}
		switch {
		case x.Request.PersonalMasked:
			r.Result = resultSkipped
			r.Differences = append(r.Differences, "the recording masked the request's personal data: record with --keep-request-personal to replay it")
		default:
			status, body, err := v.replay(ctx, x.Request)
			r.Status = status
			if err != nil {
				r.Result = resultError
				r.Differences = append(r.Differences, err.Error())
				break
			}
			r.Differences = append(r.Differences, fixture.Compare(x.Response, status, body)...)
			r.Result = resultAgree
			if len(r.Differences) > 0 {
				r.Result = resultDisagree
			}
		}
		out = append(out, r)
	}
	return out
}

// replay sends a recorded request to --against and returns the answer.
func (v *verifier) replay(ctx context.Context, rec fixture.Request) (int, []byte, error) {
	body, err := v.unmaskBody(rec)
	if err != nil {
		return 0, nil, err
	}
	target, err := url.Parse(v.base.Scheme + "://" + v.base.Host + rec.Path)
	if err != nil {
		return 0, nil, fmt.Errorf("the recorded path %q: %v", rec.Path, err)
	}
	target.RawQuery = rec.Query
	req, err := http.NewRequestWithContext(ctx, rec.Method, target.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for name, values := range rec.Header {
		if name == "Host" || name == "Authorization" || name == "X-Sdk-Date" || name == "Accept-Encoding" {
			continue
		}
		for _, value := range values {
			if !strings.Contains(value, journal.Masked) {
				req.Header.Add(name, value)
			}
		}
	}
	if err := v.authenticate(ctx, req, rec, body); err != nil {
		return 0, nil, err
	}
	for name, values := range v.headers {
		req.Header[name] = values
	}
	resp, err := v.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("no answer: %v", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxReplayAnswer+1))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("reading the answer: %v", err)
	}
	if len(answer) > maxReplayAnswer {
		return resp.StatusCode, nil, fmt.Errorf("the answer is over %d bytes", maxReplayAnswer)
	}
	return resp.StatusCode, answer, nil
}

// unmaskBody returns the request body to send: the recorded one, with its
// masked secret fields filled from --secret (and --app-key/--app-secret).
func (v *verifier) unmaskBody(rec fixture.Request) ([]byte, error) {
	if len(rec.Body) == 0 {
		return nil, nil
	}
	if !bytes.Contains(rec.Body, []byte(journal.Masked)) {
		return rec.Body, nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(rec.Body))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return rec.Body, nil
	}
	for name, value := range m {
		if value != journal.Masked {
			continue
		}
		secret, ok := v.secrets[name]
		if !ok {
			return nil, fmt.Errorf("the recorded body's %s is masked: give it with --secret %s=VALUE", name, name)
		}
		m[name] = secret
	}
	if key, ok := v.secrets["app_key"]; ok && m["app_secret"] != nil {
		m["app_key"] = key // the secret given goes with its own key
	}
	return json.Marshal(m)
}

// authenticate sets the credentials the recorded request carried, masked
// in the recording, from the flags.
func (v *verifier) authenticate(ctx context.Context, req *http.Request, rec fixture.Request, body []byte) error {
	if t := rec.Header["X-Auth-Token"]; len(t) > 0 && t[0] == journal.Masked && strings.HasPrefix(rec.Path, "/rest/oma/") {
		if v.mallToken == "" {
			return fmt.Errorf("the OMA request carried a mall token: give --mall-token")
		}
		req.Header.Set("X-Auth-Token", v.mallToken)
	}
	auth := ""
	if a := rec.Header["Authorization"]; len(a) > 0 {
		auth = a[0]
	}
	scheme, _, _ := strings.Cut(auth, " ")
	switch {
	case auth == "":
		return nil
	case strings.EqualFold(scheme, "SDK-HMAC-SHA256"):
		if v.ak == "" {
			return fmt.Errorf("the request was signed with an AK/SK: give --ak and --sk")
		}
		s := client.Signer{AK: v.ak, SK: v.sk}
		return s.Sign(req, body, time.Now())
	case strings.EqualFold(scheme, "Bearer"):
		token, err := v.appGatewayToken(ctx)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if len(rec.Header["X-App-Key"]) > 0 {
			req.Header.Set("X-App-Key", v.appKey)
		}
	default:
		if !strings.Contains(auth, journal.Masked) {
			req.Header.Set("Authorization", auth)
		}
	}
	return nil
}

// appGatewayToken obtains, once, a token for the app gateway's APIs.
func (v *verifier) appGatewayToken(ctx context.Context) (string, error) {
	if v.appKey == "" {
		return "", fmt.Errorf("the request carried an app gateway token: give --app-key and --app-secret")
	}
	if v.gatewayTokenRequested {
		if v.tokenErr != "" {
			return "", fmt.Errorf("%s", v.tokenErr)
		}
		return v.gatewayToken, nil
	}
	v.gatewayTokenRequested = true
	body, _ := json.Marshal(map[string]string{"app_key": v.appKey, "app_secret": v.appSecret})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.base.Scheme+"://"+v.base.Host+"/apigovernance/api/oauth/tokenByAkSk", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := v.http.Do(req)
	if err == nil {
		defer resp.Body.Close()
		var answer struct{ AccessToken string }
		if err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&answer); err == nil && answer.AccessToken == "" {
			err = fmt.Errorf("HTTP %d without an AccessToken", resp.StatusCode)
		}
		v.gatewayToken = answer.AccessToken
	}
	if err != nil {
		v.tokenErr = "getting an app gateway token with --app-key: " + err.Error()
		return "", fmt.Errorf("%s", v.tokenErr)
	}
	return v.gatewayToken, nil
}

func verifyTable(rs []verifyResult) table {
	tbl := table{header: []string{"FILE", "REQUEST", "STATUS", "RESULT", "DIFFERENCES"}}
	for _, r := range rs {
		status := strconv.Itoa(r.RecordedStatus)
		if r.Status != 0 && r.Status != r.RecordedStatus {
			status += "→" + strconv.Itoa(r.Status)
		}
		tbl.rows = append(tbl.rows, []string{r.File, r.Method + " " + r.Path, status, r.Result, strings.Join(r.Differences, "; ")})
	}
	return tbl
}
