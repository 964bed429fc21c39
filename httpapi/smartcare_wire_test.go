package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aiccd/aiccd"
	"github.com/aiccd/aiccd/demo"
	"github.com/aiccd/aiccd/smartcare"
	"github.com/aiccd/aiccd/tenant"
)

// goldenAnswer compares an answer, indented, with testdata/answers/name.
func goldenAnswer(t *testing.T, name string, v any) {
	t.Helper()
	// As the wire should carry it: '&' in reflection rules unescaped,
	// as on the page.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "answers", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./httpapi -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs:\n%s\nwant\n%s", name, got, want)
	}
}

// exampleFaultyUserRequest is the page's example request.
func exampleFaultyUserRequest() smartcare.FaultyUserRequest {
	return smartcare.FaultyUserRequest{
		MSISDN: "6680512100869", FaultTime: "1721283133000", ComplaintScene: "1",
		BacktraceDuration: "3600", SessionID: "20240709", QueryFlag: "1",
	}
}

func TestFaultyUserAnswerIsThePageExample(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		res, err := e.srv.smartcare.QueryFaultyUser(context.Background(), demo.TenantID, exampleFaultyUserRequest())
		if err != nil {
			t.Fatal(err)
		}
		goldenAnswer(t, "queryfaultyuser_example.golden", FaultyUserAnswer(res, nil))

		// Without the data element's ttid, which the page's table lists
		// and its example omits, the answer is the page's example.
		b, _ := json.Marshal(FaultyUserAnswer(res, nil))
		var got, want any
		json.Unmarshal(b, &got)
		if err := json.Unmarshal([]byte(smartCarePageExample), &want); err != nil {
			t.Fatal(err)
		}
		if data, ok := got.(map[string]any)["data"].([]any); ok && len(data) > 0 {
			delete(data[0].(map[string]any), "ttid")
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("answer without ttid:\n%s\nis not the page's example", b)
		}

		// A refusal has its return code, the page's sentence and no data.
		bad := exampleFaultyUserRequest()
		bad.MSISDN = "12"
		_, err = e.srv.smartcare.QueryFaultyUser(context.Background(), demo.TenantID, bad)
		b, _ = json.Marshal(FaultyUserAnswer(smartcare.FaultyUserResult{}, err))
		if string(b) != `{"returnCode":2,"description":"Invalid MSISDN.","data":[]}` {
			t.Fatalf("refusal: %s", b)
		}
	})
}

func TestDeepAnswerGolden(t *testing.T) {
	t.Parallel()
	demoData.Engines(t, func(t *testing.T, dsn string) {
		t.Parallel()
		ctx := context.Background()
		e := newEnv(t, dsn)
		e.clock.now = time.Date(2024, 7, 18, 7, 0, 0, 0, time.UTC)
		sub, err := e.srv.smartcare.SubmitQuickDelimit(ctx, demo.TenantID, exampleFaultyUserRequest())
		if err != nil {
			t.Fatal(err)
		}
		if a := taskAnswer(sub); a.ReturnCode != 0 || a.Description != "The delimitation task is accepted." {
			t.Fatalf("submitted: %+v", a)
		}
		if _, err := e.srv.smartcare.ProcessTasks(ctx, nilLogger()); err != nil {
			t.Fatal(err)
		}
		deep, err := e.srv.smartcare.QueryDeepResult(ctx, demo.TenantID, smartcare.FormatID(sub.Task.ID))
		if err != nil {
			t.Fatal(err)
		}
		a := deepAnswer(deep)
		data := a.Data.([]taskData[deepRule])
		// The task's and rules' IDs are the ID generator's: the golden
		// file numbers the rules from 1, in the order they were made.
		data[0].TaskID = "(task ID)"
		var ids []string
		for _, r := range data[0].Rules {
			ids = append(ids, r.RuleIDs...)
		}
		slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(len(a), len(b))*2 + cmp.Compare(a, b) })
		for _, r := range data[0].Rules {
			for j, id := range r.RuleIDs {
				r.RuleIDs[j] = strconv.Itoa(slices.Index(ids, id) + 1)
			}
		}
		goldenAnswer(t, "querydeepresult_example.golden", a)
	})
}

// TestReturnCodeOf holds the numbers of Table 4 to the smartcare
// package's error codes, and the fallback of any other error to its kind.
func TestReturnCodeOf(t *testing.T) {
	for _, tc := range []struct {
		code string
		kind aiccd.Kind
		want int
	}{
		{smartcare.CodeInvalidMSISDN, aiccd.KindInvalid, 2},
		{smartcare.CodeInvalidTime, aiccd.KindInvalid, 3},
		{smartcare.CodeUnknownScene, aiccd.KindNotFound, 4},
		{smartcare.CodeRecordsUnavailable, aiccd.KindUnavailable, 5},
		{smartcare.CodeUnknownTask, aiccd.KindNotFound, 7},
		{smartcare.CodeTooManyRecords, aiccd.KindInvalid, 97},
		{smartcare.CodeInvalidRule, aiccd.KindInvalid, 101},
		{"", aiccd.KindInvalid, 101},
		{"", aiccd.KindUnavailable, 5},
		{"", aiccd.KindNotFound, 97},
		{"", aiccd.KindConflict, 97},
		{"", aiccd.KindInternal, 102},
		{"", aiccd.KindForbidden, 102},
		{"", aiccd.KindRateLimited, 102},
		{tenant.CodeNotFormal, aiccd.KindConflict, 97},
	} {
		if got := returnCodeOf(tc.code, tc.kind); got != tc.want {
			t.Errorf("returnCodeOf(%q, %s) = %d, want %d", tc.code, tc.kind, got, tc.want)
		}
	}
}

// TestTaskReturnCode: a poll answers 0 or 1 once its task finished, 6
// while it is queued or running, 5 when it failed.
func TestTaskReturnCode(t *testing.T) {
	found := []smartcare.RuleMatch{{SceneCode: "DATA"}}
	for _, tc := range []struct {
		task smartcare.Task
		want int
	}{
		{smartcare.Task{Status: smartcare.TaskQueued}, 6},
		{smartcare.Task{Status: smartcare.TaskRunning}, 6},
		{smartcare.Task{Status: smartcare.TaskFinished, Matches: found}, 0},
		{smartcare.Task{Status: smartcare.TaskFinished}, 1},
		{smartcare.Task{Status: smartcare.TaskFailed}, 5},
	} {
		if got := taskReturnCode(smartcare.TaskView{Task: tc.task}); got != tc.want {
			t.Errorf("%s with %d matches: %d, want %d", tc.task.Status, len(tc.task.Matches), got, tc.want)
		}
	}
}
