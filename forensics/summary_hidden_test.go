package forensics

import (
	"encoding/json"
	"strings"
	"testing"
)

func summaries(t *testing.T, e *Execution) (string, Summary) {
	t.Helper()
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
	return text.String(), s
}

// tableRow is the text line of the timeline's row n (1-based).
func tableRow(t *testing.T, out string, n int) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 3 && f[0] == itoa(n) {
			return l
		}
	}
	t.Fatalf("no row %d in:\n%s", n, out)
	return ""
}

func TestSummaryOfASwallowedError(t *testing.T) {
	for _, name := range []string{"execution-soft-failure-merge.json", "execution-soft-failure-merge-2x.json"} {
		t.Run(name, func(t *testing.T) {
			out, s := summaries(t, openFixture(t, name))
			want := SummarySoft{Node: "Fetch Profile", NodeType: "n8n-nodes-base.httpRequest", Run: 1, Items: 1, Message: "connect ECONNREFUSED 127.0.0.1:1"}
			if s.Verdict != "succeeded, 1 error swallowed" || len(s.SoftFailures) != 1 || s.SoftFailures[0] != want || s.Failure != nil {
				t.Errorf("JSON verdict %q, soft %+v, failure %+v", s.Verdict, s.SoftFailures, s.Failure)
			}
			for _, r := range s.Timeline {
				if r.SoftError != (r.Node == "Fetch Profile") {
					t.Errorf("JSON %s soft_error %v", r.Node, r.SoftError)
				}
			}
			for _, w := range []string{"\nverdict   succeeded, 1 error swallowed\n",
				"\nSWALLOWED 1 error (continue on failure: the execution went on)\n  Fetch Profile (n8n-nodes-base.httpRequest) run 1, 1 item\n    connect ECONNREFUSED 127.0.0.1:1\n"} {
				if !strings.Contains(out, w) {
					t.Errorf("text lacks %q:\n%s", w, out)
				}
			}
			if row := tableRow(t, out, 2); !strings.HasSuffix(row, "error swallowed") || !strings.Contains(row, "Fetch Profile") {
				t.Errorf("row of Fetch Profile: %q", row)
			}
			if row := tableRow(t, out, 4); strings.Contains(row, "swallowed") {
				t.Errorf("the Merge that only carried the error on is marked: %q", row)
			}
			if strings.Contains(out, "FAILED") {
				t.Errorf("reads as failed:\n%s", out)
			}
		})
	}
}

func TestSummaryOfAFailureInASubExecution(t *testing.T) {
	for _, tc := range []struct{ file, line string }{
		{"execution-parent-sub-failed.json", "\n  failed in sub-execution 7 of workflow 4tZcX2Xxhoe86EvP, at node Validate Lead\n"},
		{"execution-parent-sub-failed-2x.json", "\n  failed in sub-execution 5 of workflow 9FyqQ7IsC8F5B3Zn\n"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			e := openFixture(t, tc.file)
			out, s := summaries(t, e)
			sub := e.FirstFailure().Sub
			want := SummaryLink{Kind: LinkSub, ExecutionID: sub.ExecutionID, WorkflowID: sub.WorkflowID, Node: "Call Validator", FailedNode: sub.FailedNode}
			if s.Failure == nil || s.Failure.SubExecution == nil || *s.Failure.SubExecution != want {
				t.Errorf("JSON failure %+v", s.Failure)
			}
			if s.Timeline[1].SubExecution != sub.ExecutionID {
				t.Errorf("JSON run of Call Validator: sub_execution %q", s.Timeline[1].SubExecution)
			}
			if !strings.Contains(out, "FAILED at Call Validator (n8n-nodes-base.executeWorkflow) run 1\n  lead has no email [line 1]\n") || !strings.Contains(out, tc.line) {
				t.Errorf("text:\n%s", out)
			}
			if row := tableRow(t, out, 2); !strings.HasSuffix(row, "sub "+sub.ExecutionID) {
				t.Errorf("row of Call Validator: %q", row)
			}
		})
	}
}

func TestSummaryOfASubExecutionNamesItsParent(t *testing.T) {
	out, s := summaries(t, openFixture(t, "execution-sub-failed-code.json"))
	if want := (SummaryLink{Kind: LinkParent, ExecutionID: "6", WorkflowID: "GbYcV3qCh5zsW6gd"}); s.Parent == nil || *s.Parent != want {
		t.Errorf("JSON parent_execution %+v", s.Parent)
	}
	if !strings.Contains(out, "\ncalled by execution 6 of workflow GbYcV3qCh5zsW6gd (this is its sub-execution)\n") {
		t.Errorf("text:\n%s", out)
	}
}

func TestSummaryMarksTheDisabledNode(t *testing.T) {
	out, s := summaries(t, openFixture(t, "execution-disabled-node.json"))
	for _, r := range s.Timeline {
		if r.Disabled != (r.Node == "Normalize") {
			t.Errorf("JSON %s disabled %v", r.Node, r.Disabled)
		}
	}
	if row := tableRow(t, out, 2); !strings.Contains(row, "Normalize") || !strings.HasSuffix(row, "disabled") {
		t.Errorf("row: %q\n%s", row, out)
	}
	if !strings.Contains(out, "\nverdict   succeeded\n") {
		t.Errorf("text:\n%s", out)
	}
}

// The retry's own run starts 9 ms into it; the two runs it reused are the
// original's, from 6.5 s before. Counting from those made its own run
// read "+6.539s".
func TestSummaryOfARetryMarksReusedRuns(t *testing.T) {
	out, s := summaries(t, openFixture(t, "execution-retry-of-2.json"))
	for _, r := range s.Timeline {
		if r.Reused != (r.Node != "Email Sender") {
			t.Errorf("JSON %s reused %v", r.Node, r.Reused)
		}
		if r.Node == "Email Sender" && r.OffsetMs != 9 {
			t.Errorf("the retry's own run is at offset %d ms, want 9", r.OffsetMs)
		}
	}
	for i, want := range map[int]string{1: "reused", 2: "reused", 3: "+9ms"} {
		// No NOTE column here: START is the fourth field from the end.
		if f := strings.Fields(tableRow(t, out, i)); len(f) < 8 || f[len(f)-4] != want {
			t.Errorf("row %d START %q, want %q:\n%s", i, f, want, out)
		}
	}
}

// The text stays readable in 80 columns for the real executions.
func TestSummaryTableFitsEightyColumns(t *testing.T) {
	for _, path := range fixtureNames(t) {
		name := path[len("testdata/"):]
		out, _ := summaries(t, openFixture(t, name))
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 0 && (f[0] == "#" || f[0] >= "0" && f[0] <= "9") && len([]rune(l)) > 80 {
				t.Errorf("%s: %d columns: %q", name, len([]rune(l)), l)
			}
		}
	}
}

func TestSummaryOfHandMadeLinksAndPins(t *testing.T) {
	item := doc{"json": doc{"execution": doc{"id": "231", "lastNodeExecuted": "Send Mail", "error": doc{"message": "SMTP 550"}},
		"workflow": doc{"id": "wfFailed", "name": "Ohio"}}}
	e := handMade(t, doc{"mode": "error"}, []any{node("Error Trigger", errorTriggerType, nil)},
		doc{"Error Trigger": []any{runOf("Error Trigger", t0, "success", []any{item}, nil)}}, nil)
	out, s := summaries(t, e)
	if s.Parent == nil || s.Parent.Kind != LinkErrorTrigger || s.Parent.ExecutionID != "231" || s.Parent.Node != "Send Mail" {
		t.Errorf("JSON parent_execution %+v", s.Parent)
	}
	if !strings.Contains(out, "\ncaused by execution 231 of workflow Ohio (wfFailed), which failed at Send Mail: SMTP 550\n") {
		t.Errorf("text:\n%s", out)
	}
	pin := []any{doc{"json": doc{}}}
	e = handMade(t, doc{"mode": "manual"}, []any{node("Fetch", "n8n-nodes-base.httpRequest", nil)},
		doc{"Fetch": []any{runOf("Fetch", t0, "success", pin, nil)}}, doc{"pinData": doc{"Fetch": pin}})
	out, s = summaries(t, e)
	if !s.Timeline[0].Pinned || !strings.HasSuffix(tableRow(t, out, 1), "pinned") {
		t.Errorf("pinned run: %+v\n%s", s.Timeline[0], out)
	}
}

// hostileExecution is what a workflow can put where the new paths read:
// control characters in the names, messages and links, ids that are not
// ids, metadata of the wrong types, and many error items.
func hostileExecution(t testing.TB, items int) []byte {
	t.Helper()
	soft := "Fetch " + evil
	call := "Call " + evil
	out := make([]any, items)
	for i := range out {
		out[i] = doc{"json": doc{"error": "boom " + evil}}
	}
	trig := doc{"json": doc{"execution": doc{"id": "12", "lastNodeExecuted": "Last " + evil, "error": doc{"message": "m " + evil, "node": 7}},
		"workflow": doc{"id": "wf" + evil, "name": "Name " + evil}}}
	d := doc{"id": "66", "status": "error" + evil, "mode": "error", "workflowId": "wf",
		"startedAt": "2026-11-21T23:15:56.000Z",
		"workflowData": doc{"name": "W " + evil, "nodes": []any{
			node("Error Trigger", errorTriggerType, nil),
			node(soft, "n8n-nodes-base.code"+evil, doc{"continueOnFail": true, "onError": 7}),
			node(call, "n8n-nodes-base.executeWorkflow", doc{"disabled": "yes"})}},
		"data": doc{"parentExecution": doc{"executionId": doc{"x": evil}, "workflowId": []any{1}},
			"resultData": doc{"pinData": []any{"x"}, "runData": doc{
				"Error Trigger": []any{runOf("Error Trigger", t0, "success", []any{trig}, doc{"metadata": "not an object"})},
				soft:            []any{runOf(soft, t0+1, "success", out, doc{"metadata": doc{"subExecution": []any{"1"}}})},
				call: []any{runOf(call, t0+2, "error", nil, doc{"error": doc{"message": "child " + evil, "executionId": "9",
					"workflowId": "wf/" + evil, "node": doc{"name": "Child " + evil}}})},
			}}}}
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestSummaryOfAHostileExecutionPrintsClean(t *testing.T) {
	e, err := Open(hostileExecution(t, 100_000))
	if err != nil {
		t.Fatal(err)
	}
	out, s := summaries(t, e)
	for i, r := range out {
		if r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r <= 0x9f {
			t.Fatalf("byte offset %d: control %U reaches the terminal", i, r)
		}
	}
	for _, w := range []string{"Fetch ␛]52;c;", "run 1, 100000 items\n    boom ␛]52;", "failed in sub-execution 9, at node Child ␛]52;",
		"caused by execution 12 of workflow Name ␛]52;", "which failed at Last ␛]52;", ": m ␛]52;"} {
		if !strings.Contains(out, w) {
			t.Errorf("text lacks %q:\n%.3000s", w, out)
		}
	}
	if len(s.SoftFailures) != 1 || s.SoftFailures[0].Items != 100_000 || s.SoftFailures[0].Message != "boom "+evil {
		t.Errorf("JSON soft %+v", s.SoftFailures)
	}
	if s.Failure == nil || s.Failure.SubExecution == nil || s.Failure.SubExecution.WorkflowID != "" || s.Failure.SubExecution.FailedNode != "Child "+evil {
		t.Errorf("JSON failure %+v", s.Failure)
	}
	if s.Parent == nil || s.Parent.WorkflowID != "" || s.Parent.WorkflowName != "Name "+evil {
		t.Errorf("JSON parent %+v", s.Parent)
	}
	if fl := e.Flags(2); fl.Disabled || fl.Pinned {
		t.Errorf("a disabled that is not true, or a pinData that is no object, counted: %+v", fl)
	}
}
