package forensics

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

func nodeSequence(tl []Run) []string {
	var s []string
	for _, r := range tl {
		s = append(s, r.Node)
	}
	return s
}

func TestTimelineOrderOfEveryFixture(t *testing.T) {
	loop := []string{"Webhook", "Fetch Replies"}
	for i := 0; i < 5; i++ {
		loop = append(loop, "Loop Over Items", "Classify", "Is Positive?")
	}
	loop = append(loop, "Loop Over Items", "Summarize")
	texas := []string{"Webhook", "Load Leads", "Attach PDF", "Batch", "OpenAI Agent"}
	ohio := []string{"Webhook", "Enrich Lead", "Email Sender"}
	want := map[string][]string{
		"execution-error-code-node.json":            ohio,
		"execution-retry-of-2.json":                 ohio,
		"execution-success-code.json":               ohio,
		"execution-success-loop.json":               loop,
		"execution-error-http-429-with-binary.json": texas,
		"execution-error-42mb.json.gz":              texas,
		"execution-waiting.json":                    {"Webhook", "Wait 3 Days"},
		"execution-soft-failure-merge.json":         {"Webhook", "Fetch Profile", "Tag Lead", "Merge"},
		"execution-soft-failure-merge-2x.json":      {"Webhook", "Fetch Profile", "Tag Lead", "Merge"},
		"execution-parent-sub-failed.json":          {"Webhook", "Call Validator"},
		"execution-parent-sub-failed-2x.json":       {"Webhook", "Call Validator"},
		"execution-parent-sub-ok.json":              {"Webhook", "Call Validator"},
		"execution-parent-sub-ok-2x.json":           {"Webhook", "Call Validator"},
		"execution-sub-failed-code.json":            {"When Called", "Validate Lead"},
		"execution-sub-failed-code-2x.json":         {"When Called", "Validate Lead"},
		"execution-disabled-node.json":              {"Webhook", "Normalize", "Done"},
		"execution-disabled-node-2x.json":           {"Webhook", "Normalize", "Done"},
	}
	for _, path := range fixtureNames(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			e := openFixture(t, name)
			tl := e.Timeline()
			if got := nodeSequence(tl); strings.Join(got, ",") != strings.Join(want[name], ",") {
				t.Fatalf("timeline order\n got %q\nwant %q", got, want[name])
			}
			for i := 1; i < len(tl); i++ {
				if tl[i].Start.Before(tl[i-1].Start) {
					t.Errorf("run %d (%s) starts before run %d (%s)", i, tl[i].Node, i-1, tl[i-1].Node)
				}
			}
			// Every run n8n recorded is on the timeline once, with its duration.
			runData := gjson.GetBytes(readFixture(t, path), "data.resultData.runData")
			total := 0
			runData.ForEach(func(node, runs gjson.Result) bool {
				for i, r := range runs.Array() {
					total++
					found := false
					for _, tr := range tl {
						if tr.Node == node.String() && tr.RunIndex == i {
							found = true
							if tr.Duration.Milliseconds() != r.Get("executionTime").Int() || tr.Start.UnixMilli() != r.Get("startTime").Int() {
								t.Errorf("%s run %d: start/duration %v/%v, n8n says %d/%d", tr.Node, i, tr.Start, tr.Duration, r.Get("startTime").Int(), r.Get("executionTime").Int())
							}
						}
					}
					if !found {
						t.Errorf("%s run %d missing from the timeline", node, i)
					}
				}
				return true
			})
			if total != len(tl) {
				t.Errorf("timeline has %d runs, n8n recorded %d", len(tl), total)
			}
		})
	}
}

func TestFirstFailure(t *testing.T) {
	cases := []struct {
		file, node, typ, message, httpCode string
		line                               int
	}{
		{"execution-error-code-node.json", "Email Sender", "n8n-nodes-base.code", "SMTP 550: mailbox unavailable for bounce@target.com [line 1]", "", 1},
		{"execution-retry-of-2.json", "Email Sender", "n8n-nodes-base.code", "SMTP 550: mailbox unavailable for bounce@target.com [line 1]", "", 1},
		{"execution-error-http-429-with-binary.json", "OpenAI Agent", "n8n-nodes-base.httpRequest", "The service is receiving too many requests from you", "429", 0},
		{"execution-error-42mb.json.gz", "OpenAI Agent", "n8n-nodes-base.httpRequest", "The service is receiving too many requests from you", "429", 0},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			e := openFixture(t, c.file)
			f := e.FirstFailure()
			if f == nil {
				t.Fatal("no failure found in a failed execution")
			}
			if f.Node != c.node || f.NodeType != c.typ || f.Error.Message != c.message || f.Error.HTTPCode != c.httpCode || f.Error.LineNumber != c.line {
				t.Errorf("got %s (%s) %q http %q line %d, want %s (%s) %q http %q line %d",
					f.Node, f.NodeType, f.Error.Message, f.Error.HTTPCode, f.Error.LineNumber, c.node, c.typ, c.message, c.httpCode, c.line)
			}
			if !f.Ran || e.Timeline()[f.Run].Node != c.node || e.Timeline()[f.Run].Status != "error" {
				t.Errorf("failure not linked to the failed run: %+v", f)
			}
			if c.httpCode != "" && (f.Error.Name != "NodeApiError" || !strings.HasPrefix(f.Error.Description, "Rate limit reached for gpt-4o")) {
				t.Errorf("429: name %q description %q", f.Error.Name, f.Error.Description)
			}
			errJSON, err := e.ErrorJSON(e.Timeline()[f.Run])
			if err != nil || gjson.GetBytes(errJSON, "message").String() != c.message {
				t.Errorf("ErrorJSON: %v, message %q", err, gjson.GetBytes(errJSON, "message"))
			}
		})
	}
	for _, ok := range []string{"execution-success-code.json", "execution-success-loop.json", "execution-waiting.json"} {
		if f := openFixture(t, ok).FirstFailure(); f != nil {
			t.Errorf("%s did not fail, FirstFailure says %+v", ok, f)
		}
	}
}

func TestRetryExecution(t *testing.T) {
	e := openFixture(t, "execution-retry-of-2.json")
	if e.Mode != "retry" || e.RetryOf != "2" || e.ID != "3" {
		t.Errorf("mode %q retryOf %q id %q", e.Mode, e.RetryOf, e.ID)
	}
}

func TestLoopRunsAndTheirInputs(t *testing.T) {
	e := openFixture(t, "execution-success-loop.json")
	loop, classify := e.RunsOf("Loop Over Items"), e.RunsOf("Classify")
	if len(loop) != 6 || len(classify) != 5 {
		t.Fatalf("Loop Over Items ran %d times, Classify %d; want 6 and 5", len(loop), len(classify))
	}
	raw := readFixture(t, "testdata/execution-success-loop.json")
	for i, r := range classify {
		if r.RunIndex != i || r.RunCount != 5 {
			t.Errorf("Classify run %d labelled %d/%d", i, r.RunIndex, r.RunCount)
		}
		// Classify run i is fed by output 1 of Loop Over Items run i.
		if len(r.Sources) != 1 || r.Sources[0] != (Source{Node: "Loop Over Items", Output: 1, Run: i}) {
			t.Errorf("Classify run %d sources %+v", i, r.Sources)
		}
		in, err := e.Input(r)
		if err != nil {
			t.Fatal(err)
		}
		want := gjson.GetBytes(raw, "data.resultData.runData.Loop Over Items."+itoa(i)+".data.main.1").Raw
		if string(in) != want {
			t.Errorf("input of Classify run %d is not output 1 of Loop Over Items run %d", i, i)
		}
		if r.ItemsIn != int(gjson.Get(want, "#").Int()) {
			t.Errorf("Classify run %d: ItemsIn %d, input has %d items", i, r.ItemsIn, gjson.Get(want, "#").Int())
		}
	}
	if got := loop[5].OutputItems; len(got) != 2 || got[0] != 45 || got[1] != 0 {
		t.Errorf("last Loop Over Items run outputs %v, want [45 0] (done, loop)", got)
	}
	sum := e.RunsOf("Summarize")[0]
	in, err := e.Input(sum)
	if err != nil || gjson.GetBytes(in, "#").Int() != 45 {
		t.Errorf("Summarize input: %d items, %v; want the 45 of Loop Over Items run 6 output 0", gjson.GetBytes(in, "#").Int(), err)
	}
	out, err := e.Output(loop[0])
	if err != nil || gjson.GetBytes(out, "#").Int() != 2 || gjson.GetBytes(out, "1.#").Int() != 10 {
		t.Errorf("a two-output run's Output is its outputs: %s…, %v", out[:min(len(out), 40)], err)
	}
	if _, err := e.Input(e.RunsOf("Webhook")[0]); !errors.Is(err, ErrNoData) {
		t.Errorf("a trigger's input: %v, want ErrNoData", err)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestInputOfFailedRunThroughItsSource(t *testing.T) {
	e := openFixture(t, "execution-error-http-429-with-binary.json")
	f := e.FirstFailure()
	run := e.Timeline()[f.Run]
	in, err := e.Input(run)
	if err != nil {
		t.Fatal(err)
	}
	items := gjson.ParseBytes(in).Array()
	if len(items) != 20 || run.ItemsIn != 20 {
		t.Fatalf("OpenAI Agent got %d items (ItemsIn %d), want the 20 of Batch output 1", len(items), run.ItemsIn)
	}
	if items[0].Get("json.email").String() != "lead0@texas-solar.com" {
		t.Errorf("first input item %s", items[0].Get("json.email"))
	}
	if _, err := e.Output(run); !errors.Is(err, ErrNoData) {
		t.Errorf("output of a run that failed before producing any: %v, want ErrNoData", err)
	}
	params, err := e.Parameters("OpenAI Agent")
	if err != nil || gjson.GetBytes(params, "method").String() != "POST" {
		t.Errorf("parameters: %s, %v", params, err)
	}
	if _, err := e.Parameters("No Such Node"); !errors.Is(err, ErrNoData) {
		t.Errorf("parameters of an unknown node: %v", err)
	}
}

func TestBinaryPayloadsReplacedInFixtures(t *testing.T) {
	for _, name := range []string{"execution-error-http-429-with-binary.json", "execution-error-42mb.json.gz"} {
		e := openFixture(t, name)
		if e.Sanitized.Binaries != 9 {
			t.Errorf("%s: %d binaries replaced, want 9 (3 PDFs in 3 places)", name, e.Sanitized.Binaries)
		}
		if strings.Contains(string(e.Bytes()), "JVBERi0xLjQ") { // "%PDF-1.4" in base64
			t.Errorf("%s: PDF payload still in the sanitized execution", name)
		}
		out, err := e.Output(e.RunsOf("Attach PDF")[0])
		if err != nil {
			t.Fatal(err)
		}
		b := gjson.GetBytes(out, "0.binary.proposal")
		if b.Get("mimeType").String() != "application/pdf" || b.Get("fileName").String() != "proposal-0.pdf" ||
			b.Get("fileExtension").String() != "pdf" || b.Get("storage").String() != "default" {
			t.Errorf("%s: descriptor %s", name, b.Raw)
		}
		// 266,680 base64 characters decode to 200,010 bytes.
		orig := gjson.GetBytes(readFixture(t, "testdata/"+name), `data.resultData.runData.Attach PDF.0.data.main.0.0.binary.proposal.data`).Str
		if got, want := b.Get("bytes").Int(), int64(len(orig))*3/4-int64(strings.Count(orig[len(orig)-2:], "=")); got != want {
			t.Errorf("%s: descriptor bytes %d, want %d", name, got, want)
		}
	}
}

func TestWaitingExecution(t *testing.T) {
	e := openFixture(t, "execution-waiting.json")
	w := e.Waiting()
	if e.Status != "waiting" || w == nil || w.Node != "Wait 3 Days" || w.Until.Format("2006-01-02T15:04:05.000Z07:00") != "2026-11-24T23:16:43.453Z" {
		t.Fatalf("status %q wait %+v", e.Status, w)
	}
	if openFixture(t, "execution-success-code.json").Waiting() != nil {
		t.Error("a finished execution reported as waiting")
	}
}

func TestCodeSourceWithFailingLine(t *testing.T) {
	e := openFixture(t, "execution-error-code-node.json")
	c, err := e.CodeSource("Email Sender")
	if err != nil {
		t.Fatal(err)
	}
	if c.Language != "javascript" || !strings.Contains(c.Source, "throw new Error('SMTP 550") || c.FailingLine != 1 {
		t.Errorf("code %+v", c)
	}
	if c, _ := e.CodeSource("Enrich Lead"); c.FailingLine != 0 {
		t.Errorf("a code node that did not fail has failing line %d", c.FailingLine)
	}
	if _, err := e.CodeSource("Webhook"); !errors.Is(err, ErrNoData) {
		t.Errorf("code of a webhook node: %v", err)
	}
}

func TestExecutionSavedWithoutData(t *testing.T) {
	raw := readFixture(t, "testdata/execution-error-code-node.json")
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "data")
	noData, _ := json.Marshal(m)
	e, err := Open(noData)
	if err != nil {
		t.Fatal(err)
	}
	if e.HasRunData() || len(e.Timeline()) != 0 || e.Status != "error" || e.ID != "2" {
		t.Errorf("no data: has %v timeline %d status %q id %q", e.HasRunData(), len(e.Timeline()), e.Status, e.ID)
	}
	f := e.FirstFailure()
	if f == nil || f.Ran || !strings.Contains(f.Error.Message, "no error") {
		t.Errorf("a failed execution without data still reports that it failed: %+v", f)
	}
	var sb strings.Builder
	if err := WriteSummary(&sb, e); err != nil || !strings.Contains(sb.String(), "no run data") {
		t.Errorf("summary does not say the data is missing:\n%s", sb.String())
	}
}

func TestCrashedExecutionNamesNodeWithoutRun(t *testing.T) {
	raw := []byte(`{"id":"9","status":"crashed","mode":"webhook","startedAt":"2026-01-01T00:00:00.000Z",
	"data":{"resultData":{"error":{"message":"Workflow did crash","name":"WorkflowCrashedError","node":{"name":"Send Mail","type":"n8n-nodes-base.emailSend"}},
	"runData":{"Webhook":[{"startTime":1767225600000,"executionTime":1,"executionIndex":0,"executionStatus":"success","source":[],"data":{"main":[[{"json":{}}]]}}]},
	"lastNodeExecuted":"Webhook"}},
	"workflowData":{"name":"w","nodes":[{"name":"Webhook","type":"n8n-nodes-base.webhook"},{"name":"Send Mail","type":"n8n-nodes-base.emailSend","parameters":{}}]}}`)
	e, err := Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	f := e.FirstFailure()
	if f == nil || f.Node != "Send Mail" || f.Ran || f.Run != -1 || !f.FromExecution || f.Error.Message != "Workflow did crash" || f.NodeType != "n8n-nodes-base.emailSend" {
		t.Fatalf("crash: %+v", f)
	}
	var sb strings.Builder
	_ = WriteSummary(&sb, e)
	if !strings.Contains(sb.String(), "FAILED at Send Mail") || !strings.Contains(sb.String(), "has no run") {
		t.Errorf("summary:\n%s", sb.String())
	}
}

func TestInvalidJSONNamesOffsetAndLine(t *testing.T) {
	raw := []byte("{\n  \"id\": \"1\",\n  \"status\": error\n}")
	_, err := Open(raw)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *SyntaxError", err)
	}
	if se.Line != 3 || se.Column != 13 || se.Offset != strings.Index(string(raw), "error") {
		t.Errorf("error at line %d column %d byte %d: %v", se.Line, se.Column, se.Offset, err)
	}
	if !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), fmt.Sprintf("byte %d", se.Offset)) {
		t.Errorf("message does not name the place: %v", err)
	}
	for _, bad := range []string{"", "{", `{"a":1,}`, `[1 2]`, `{"a" 1}`, `"\x"`, "\"a\x01\"", `01`, `-`, `1.`, `1e`, `tru`, `{} {}`, `{"a":1]`, `[1}`} {
		if _, err := NewDocument([]byte(bad)); err == nil {
			t.Errorf("NewDocument(%q) accepted invalid JSON", bad)
		}
		if _, _, err := Sanitize([]byte(bad)); err == nil {
			t.Errorf("Sanitize(%q) accepted invalid JSON", bad)
		}
		if json.Valid([]byte(bad)) {
			t.Errorf("test bug: %q is valid JSON", bad)
		}
	}
}

func TestNotAnExecution(t *testing.T) {
	for _, doc := range []string{`[1,2]`, `{"foo":1}`, `"x"`} {
		if _, err := Open([]byte(doc)); err == nil || !strings.Contains(err.Error(), "not an n8n execution") {
			t.Errorf("Open(%s): %v", doc, err)
		}
	}
}

func TestOpenFileJSONAndGzip(t *testing.T) {
	e, err := OpenFile("testdata/execution-success-code.json")
	if err != nil || e.ID != "1" || e.Status != "success" {
		t.Fatalf("json: %v %+v", err, e)
	}
	if _, err := OpenFile("testdata/nope.json"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json.gz")
	if err := os.WriteFile(bad, []byte("plain"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(bad); err == nil || !strings.Contains(err.Error(), "bad.json.gz") {
		t.Errorf("not gzip: %v", err)
	}
}
