package forensics

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestSummaryTextAndJSONOnEveryFixture(t *testing.T) {
	for _, path := range fixtureNames(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			e := openFixture(t, name)
			var text, js strings.Builder
			if err := WriteSummary(&text, e); err != nil {
				t.Fatal(err)
			}
			if err := WriteSummaryJSON(&js, e); err != nil {
				t.Fatal(err)
			}
			var s Summary
			if err := json.Unmarshal([]byte(js.String()), &s); err != nil {
				t.Fatalf("summary JSON does not parse: %v", err)
			}
			tl := e.Timeline()
			if s.ID != e.ID || s.Status != e.Status || len(s.Timeline) != len(tl) {
				t.Errorf("JSON: id %q status %q %d runs; execution %q %q %d runs", s.ID, s.Status, len(s.Timeline), e.ID, e.Status, len(tl))
			}
			out := text.String()
			if !strings.HasPrefix(out, "execution "+e.ID+"  "+strings.ToUpper(e.Status)) {
				t.Errorf("text header: %q", strings.SplitN(out, "\n", 2)[0])
			}
			// Every run is a row of the table, in timeline order.
			pos := 0
			for i, r := range tl {
				j := strings.Index(out[pos:], r.Node)
				if j < 0 {
					t.Fatalf("run %d (%s) missing from the text, or out of order", i, r.Node)
				}
				pos += j + len(r.Node)
			}
			f := e.FirstFailure()
			switch {
			case f != nil:
				if s.Failure == nil || s.Failure.Node != f.Node || s.Failure.Message != f.Error.Message || s.Failure.HTTPCode != f.Error.HTTPCode {
					t.Errorf("JSON failure %+v, want %s %q", s.Failure, f.Node, f.Error.Message)
				}
				if !strings.Contains(out, "FAILED at "+f.Node) || !strings.Contains(out, f.Error.Message) {
					t.Errorf("text does not name the failed node and message:\n%s", out)
				}
				if f.Error.HTTPCode != "" && !strings.Contains(out, "HTTP "+f.Error.HTTPCode) {
					t.Errorf("text does not give the HTTP code:\n%s", out)
				}
			case s.Failure != nil || strings.Contains(out, "FAILED"):
				t.Errorf("a successful execution is reported as failed")
			}
			if e.Status == "waiting" && (s.Waiting == nil || s.Waiting.Node != "Wait 3 Days" || !strings.Contains(out, "WAITING at Wait 3 Days until 2026-11-24T23:16:43.453Z")) {
				t.Errorf("waiting: %+v\n%s", s.Waiting, out)
			}
		})
	}
}

func TestSummaryOfLoopCountsRuns(t *testing.T) {
	var js strings.Builder
	if err := WriteSummaryJSON(&js, openFixture(t, "execution-success-loop.json")); err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal([]byte(js.String()), &s); err != nil {
		t.Fatal(err)
	}
	runs := map[string]int{}
	for _, r := range s.Timeline {
		runs[r.Node]++
		if r.Runs != map[string]int{"Loop Over Items": 6, "Classify": 5, "Is Positive?": 5}[r.Node] && r.Runs != 1 {
			t.Errorf("%s says %d runs", r.Node, r.Runs)
		}
	}
	if runs["Loop Over Items"] != 6 || runs["Classify"] != 5 {
		t.Errorf("runs %v", runs)
	}
}

// evil is what a workflow can put in its names and errors: OSC 52 (write
// the clipboard), CSI 2J (clear the screen), an OSC 0 title, the one-byte
// C1 CSI (U+009B), BEL, CR, DEL and a tab.
const evil = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b]0;owned\x1b\\\u009b31m\r\x7f\x08\t!"

func evilExecution(t *testing.T) []byte {
	t.Helper()
	node := "Send " + evil
	doc := map[string]any{
		"id": "7" + evil, "status": "error", "mode": "webhook" + evil, "workflowId": "wf" + evil,
		"startedAt": "2026-11-21T23:15:56.593Z", "stoppedAt": "2026-11-21T23:15:56.622Z",
		"workflowData": map[string]any{"name": "Ohio " + evil, "nodes": []any{
			map[string]any{"name": node, "type": "n8n-nodes-base.code" + evil, "parameters": map[string]any{}}}},
		"data": map[string]any{"resultData": map[string]any{
			"runData": map[string]any{node: []any{map[string]any{"startTime": 1795302956601, "executionTime": 3,
				"executionStatus": "error", "data": map[string]any{},
				"error": map[string]any{"message": "SMTP " + evil + "\nsecond line " + evil, "description": "desc " + evil,
					"name": "NodeOperationError" + evil, "httpCode": "550" + evil}}}},
			"lastNodeExecuted": node}},
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// The summary goes to a terminal: nothing from the execution may reach it
// as a control character.
func TestSummaryTextCarriesNoControlCharacters(t *testing.T) {
	e, err := Open(evilExecution(t))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteSummary(&b, e); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			t.Fatalf("byte offset %d: control %U reaches the terminal in:\n%q", i, r, out)
		}
	}
	for _, want := range []string{"FAILED at Send ␛]52;c;", "workflow  Ohio ␛]52;", "SMTP ␛]52;", "\n  second line ␛"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// --json stays exact: JSON's own escaping makes it safe, and a script gets
// the names as n8n holds them.
func TestSummaryJSONKeepsNamesExact(t *testing.T) {
	e, err := Open(evilExecution(t))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteSummaryJSON(&b, e); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < b.Len(); i++ {
		if c := b.String()[i]; c < 0x20 && c != '\n' {
			t.Fatalf("raw control byte %#x in the JSON", c)
		}
	}
	var s Summary
	if err := json.Unmarshal([]byte(b.String()), &s); err != nil {
		t.Fatal(err)
	}
	if s.WorkflowName != "Ohio "+evil || s.Failure == nil || s.Failure.Node != "Send "+evil || !strings.HasPrefix(s.Failure.Message, "SMTP "+evil) {
		t.Fatalf("JSON changed the names: %q, %+v", s.WorkflowName, s.Failure)
	}
}

// A crash before any node ran leaves n8n's error with no node: the
// summary says so instead of "FAILED at " and nothing.
func TestSummaryFailureWithoutNode(t *testing.T) {
	raw := `{"id":"9","status":"crashed","data":{"resultData":{"error":{"message":"worker lost"},"runData":{}}}}`
	e, err := Open([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteSummary(&b, e); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "FAILED at ") || strings.Contains(out, "at :") || !strings.Contains(out, "FAILED (n8n did not record at which node)\n  worker lost") {
		t.Fatalf("summary of a failure with no node:\n%s", out)
	}
}
