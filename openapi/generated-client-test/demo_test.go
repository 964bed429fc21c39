// Package generatedclient_test proves that a generic client generated
// from aiccd's OpenAPI document by oapi-codegen compiles and can call
// `aiccd serve --demo`. See README.md.
package generatedclient_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/aiccd/aiccd/openapi/generated-client-test/aiccdapi"
)

// demoURL is the address of the aiccd process TestMain starts.
var demoURL string

var listening = regexp.MustCompile(`msg=listening addr=(\S+)`)

// TestMain runs `aiccd serve --demo` on a random port: the binary
// $AICCD_BINARY, or one built from the aiccd module this directory is in.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "aiccd-generated-client")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary := os.Getenv("AICCD_BINARY")
	if binary == "" {
		binary = filepath.Join(dir, "aiccd")
		build := exec.Command("go", "-C", "../..", "build", "-o", binary, "./cmd/aiccd")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building aiccd:", err)
			return 1
		}
	}
	cmd := exec.Command(binary, "serve", "--demo", "--addr", "127.0.0.1:0", "--log-format", "text")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AICCD_DATABASE="+filepath.Join(dir, "aiccd.db"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting aiccd:", err)
		return 1
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case a := <-addr:
		demoURL = "http://" + a
	case <-time.After(30 * time.Second):
		fmt.Fprintln(os.Stderr, "aiccd did not listen within 30s")
		return 1
	}
	return m.Run()
}

func bearer(token string) aiccdapi.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

func TestGeneratedClientCallsTheDemo(t *testing.T) {
	ctx := t.Context()
	c, err := aiccdapi.NewClientWithResponses(demoURL)
	if err != nil {
		t.Fatal(err)
	}

	// tokenByAkSk, and its refusal of a wrong secret.
	tok, err := c.TokenByAkSkWithResponse(ctx, &aiccdapi.TokenByAkSkParams{},
		aiccdapi.TokenByAkSkJSONRequestBody{AppKey: "demo-app-key", AppSecret: "demo-app-secret"})
	if err != nil || tok.JSON200 == nil {
		t.Fatalf("tokenByAkSk: %v %s", err, tok.Body)
	}
	if tok.JSON200.ApplyType != "Bearer" || tok.JSON200.Scope != "demo" {
		t.Fatalf("tokenByAkSk: %+v", tok.JSON200)
	}
	bad, err := c.TokenByAkSkWithResponse(ctx, &aiccdapi.TokenByAkSkParams{},
		aiccdapi.TokenByAkSkJSONRequestBody{AppKey: "demo-app-key", AppSecret: "wrong"})
	if err != nil || bad.JSON401 == nil || bad.JSON401.ErrorCode != "APIG.0301" {
		t.Fatalf("a wrong secret: %v %d %s", err, bad.StatusCode(), bad.Body)
	}
	auth := bearer(tok.JSON200.AccessToken)
	appKey := "demo-app-key"

	// queryAccessCodeList: the page's example without its description.
	code, limit, offset := "9911411", 10, 0
	media := aiccdapi.MediaTypeID(5)
	list, err := c.QueryAccessCodeListWithResponse(ctx, &aiccdapi.QueryAccessCodeListParams{XAPPKey: &appKey},
		aiccdapi.QueryAccessCodeListJSONRequestBody{AccessCode: &code, MediatypeId: &media, Limit: &limit, Offset: &offset}, auth)
	if err != nil || list.JSON200 == nil {
		t.Fatalf("queryAccessCodeList: %v %s", err, list.Body)
	}
	d := list.JSON200.Data
	if d.Total != 1 || d.CalledRouteList[0].Id != "1124167935465633793" || d.CalledRouteList[0].Description != nil || d.CalledRouteList[0].NumCallAttr != 3 {
		t.Fatalf("queryAccessCodeList: %s", list.Body)
	}
	over := 101
	refused, err := c.QueryAccessCodeListWithResponse(ctx, &aiccdapi.QueryAccessCodeListParams{},
		aiccdapi.QueryAccessCodeListJSONRequestBody{Offset: &over}, auth)
	if err != nil || refused.JSON400 == nil || refused.JSON400.ReturnCode != "400" {
		t.Fatalf("offset 101: %v %s", err, refused.Body)
	}

	// queryfaultyuser: the page's example.
	backtrace, session := "3600", "20240709"
	q, err := c.QueryFaultyUserWithResponse(ctx, &aiccdapi.QueryFaultyUserParams{XAPPKey: appKey}, aiccdapi.QueryFaultyUserJSONRequestBody{
		Msisdn: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1", BacktraceDuration: &backtrace, SessionID: &session, QueryFlag: "1",
	}, auth)
	if err != nil || q.JSON200 == nil {
		t.Fatalf("queryfaultyuser: %v %s", err, q.Body)
	}
	if q.JSON200.ReturnCode != 0 || len(q.JSON200.Data) != 1 || len(q.JSON200.Data[0].Rules) != 2 {
		t.Fatalf("queryfaultyuser: %s", q.Body)
	}
	unknown, err := c.QueryFaultyUserWithResponse(ctx, &aiccdapi.QueryFaultyUserParams{XAPPKey: appKey}, aiccdapi.QueryFaultyUserJSONRequestBody{
		Msisdn: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "9", QueryFlag: "1",
	}, auth)
	if err != nil || unknown.JSON200 == nil || unknown.JSON200.ReturnCode != 4 || unknown.JSON200.Data == nil || len(unknown.JSON200.Data) != 0 {
		t.Fatalf("an unknown scene: %v %s", err, unknown.Body)
	}

	// querytenantbasic, with the mall token.
	basic, err := c.QueryTenantBasicWithResponse(ctx, func(_ context.Context, req *http.Request) error {
		req.Header.Set("X-Auth-Token", "demo-mall-token")
		return nil
	})
	if err != nil || basic.JSON200 == nil || basic.JSON200.MobilePhone != "153****0991" || basic.JSON200.CreateDate != 1681203525000 {
		t.Fatalf("querytenantbasic: %v %s", err, basic.Body)
	}
}
