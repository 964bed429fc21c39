package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/aiccd/aiccd/config"
	"github.com/aiccd/aiccd/fixture"
	"github.com/aiccd/aiccd/httpapi"
	"github.com/spf13/cobra"
)

func newProxyCommand(e *env) *cobra.Command {
	var p proxyConfig
	cmd := &cobra.Command{
		Use:   "proxy --upstream URL --record DIR [--listen ADDR]",
		Short: "Forward calls to the platform (or any server) and record each exchange as a fixture file",
		Long: "proxy listens like aiccd and forwards each call unchanged to --upstream: the same method,\n" +
			"path, query, headers (Host included) and body, so that an AK/SK signature the client made\n" +
			"stays valid. Sign for the host the upstream expects: have the client send that Host header\n" +
			"(or resolve the upstream's name to the proxy). It records each exchange in --record as one\n" +
			"JSON file, numbered in order, with secrets and personal data masked as in the request\n" +
			"journal (--keep-request-personal keeps the requests' personal data, so that `aiccd verify`\n" +
			"can replay them). An upstream that does not answer is answered with the family's 502.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The proxy has no database: of the configuration, it takes
			// the log flags alone.
			cfg := config.Config{LogFormat: flagValue(cmd, "log-format"), LogLevel: flagValue(cmd, "log-level")}
			return runProxy(cmd.Context(), p, e.newLogger(cfg))
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&p.upstream, "upstream", "", "base URL of the server to forward to, e.g. https://example.com (no path)")
	fl.StringVar(&p.dir, "record", "", "directory to write the fixture files to (created if missing; a recording there is continued)")
	fl.StringVar(&p.listen, "listen", "127.0.0.1:8081", "address to listen on")
	fl.Int64Var(&p.maxBody, "max-body", 1<<20, "largest request or response body, in bytes, recorded (larger requests are refused with 413)")
	fl.BoolVar(&p.keepPersonal, "keep-request-personal", false, "keep personal data (msisdn, names, e-mail) in recorded requests, so that verify can replay them")
	fl.DurationVar(&p.timeout, "upstream-timeout", 60*time.Second, "how long to wait for the upstream's answer")
	cmd.MarkFlagRequired("upstream")
	cmd.MarkFlagRequired("record")
	return cmd
}

func flagValue(cmd *cobra.Command, name string) string {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

type proxyConfig struct {
	upstream, dir, listen string
	maxBody               int64
	keepPersonal          bool
	timeout               time.Duration
}

// runProxy serves until ctx ends (SIGINT or SIGTERM).
func runProxy(ctx context.Context, p proxyConfig, logger *slog.Logger) error {
	h, err := newRecordingProxy(p, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", p.listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("proxy listening", "addr", ln.Addr().String(), "upstream", p.upstream, "record", p.dir)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	logger.Info("proxy stopped", "recorded", h.recorded())
	return nil
}

// recordingProxy forwards requests to the upstream and records them.
type recordingProxy struct {
	cfg      proxyConfig
	upstream *url.URL
	proxy    *httputil.ReverseProxy
	logger   *slog.Logger

	mu   sync.Mutex
	next int // the next file's sequence number
	n    int
}

type ctxKeyExchange struct{}

// pending is what the proxy learns of one exchange before it is written.
type pending struct {
	start time.Time
	x     fixture.Exchange
}

func newRecordingProxy(p proxyConfig, logger *slog.Logger) (*recordingProxy, error) {
	u, err := url.Parse(p.upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--upstream %q is not an http or https URL", p.upstream)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		// A prefix would change the path the client signed.
		return nil, fmt.Errorf("--upstream %q has a path or query: give the server's base URL, as the client's paths are forwarded as they are", p.upstream)
	}
	if p.maxBody <= 0 {
		return nil, fmt.Errorf("--max-body must be positive")
	}
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return nil, err
	}
	next, err := fixture.NextSeq(p.dir)
	if err != nil {
		return nil, err
	}
	rp := &recordingProxy{cfg: p, upstream: u, logger: logger, next: next}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.ResponseHeaderTimeout = p.timeout
	rp.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			// The request as the client sent it, to another server: the
			// path, query and Host header the client signed are kept.
			pr.Out.URL.Scheme, pr.Out.URL.Host = u.Scheme, u.Host
			pr.Out.Host = pr.In.Host
		},
		Transport:      transport,
		ModifyResponse: rp.record,
		ErrorHandler:   rp.upstreamFailed,
	}
	return rp, nil
}

func (p *recordingProxy) recorded() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *recordingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, p.cfg.maxBody+1))
	if err != nil {
		http.Error(w, "the request body could not be read", http.StatusBadRequest)
		return
	}
	if int64(len(body)) > p.cfg.maxBody {
		http.Error(w, fmt.Sprintf("the request body is over %d bytes (--max-body)", p.cfg.maxBody), http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	req := fixture.Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: fixture.MaskHeader(r.Header)}
	req.Header["Host"] = []string{r.Host}
	req.Body, req.BodyText, req.PersonalMasked = fixture.MaskBody(body, p.cfg.keepPersonal)
	pend := &pending{start: time.Now(), x: fixture.Exchange{Upstream: p.upstream.String(), Request: req}}
	p.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKeyExchange{}, pend)))
}

// record reads the upstream's answer, records the exchange and passes the
// answer on unchanged.
func (p *recordingProxy) record(resp *http.Response) error {
	pend, _ := resp.Request.Context().Value(ctxKeyExchange{}).(*pending)
	if pend == nil {
		return nil
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.maxBody+1))
	if err != nil {
		return err
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	x := pend.x
	x.Response = fixture.Response{Status: resp.StatusCode, Header: fixture.MaskHeader(resp.Header)}
	if int64(len(head)) > p.cfg.maxBody {
		x.Response.BodyText = fmt.Sprintf("(over %d bytes, not kept)", p.cfg.maxBody)
	} else {
		x.Response.Body, x.Response.BodyText, _ = fixture.MaskBody(head, false)
	}
	p.write(pend, x)
	return nil
}

// upstreamFailed answers a request the upstream did not answer with the
// family's 502 (httpapi.WriteBadGateway), and records that answer.
func (p *recordingProxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	p.logger.Warn("upstream failed", "method", r.Method, "path", r.URL.Path, "err", err)
	rec := &bodyRecorder{ResponseWriter: w}
	httpapi.WriteBadGateway(rec, r)
	if pend, _ := r.Context().Value(ctxKeyExchange{}).(*pending); pend != nil {
		x := pend.x
		x.Response = fixture.Response{Status: rec.status, Header: fixture.MaskHeader(w.Header())}
		x.Response.Body, x.Response.BodyText, _ = fixture.MaskBody(rec.body.Bytes(), false)
		p.write(pend, x)
	}
}

func (p *recordingProxy) write(pend *pending, x fixture.Exchange) {
	x.DurationMS = float64(time.Since(pend.start).Microseconds()) / 1000
	x.RecordedAt = pend.start.UTC()
	p.mu.Lock()
	defer p.mu.Unlock()
	x.Seq = p.next
	name, err := fixture.Write(p.cfg.dir, x)
	if err != nil {
		p.logger.Error("recording an exchange", "err", err)
		return
	}
	p.next++
	p.n++
	p.logger.Info("recorded", "file", name, "method", x.Request.Method, "path", x.Request.Path, "status", x.Response.Status)
}

// bodyRecorder keeps what a handler writes, as well as writing it.
type bodyRecorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (b *bodyRecorder) WriteHeader(status int) {
	b.status = status
	b.ResponseWriter.WriteHeader(status)
}

func (b *bodyRecorder) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body.Write(p)
	return b.ResponseWriter.Write(p)
}
