package forensics

import (
	"encoding/json"
	"testing"
)

// Hand-made executions for the shapes no real fixture has yet: an Error
// Trigger's execution, pinned data, a node that threw and went on, the
// legacy continueOnFail, per-item sub-executions. Their shapes follow
// n8n's source (IWorkflowErrorData, resultData.pinData, the engine's
// continue-on-fail path that keeps the error on the run and passes the
// input through).

type doc map[string]any

func runOf(node string, start int64, status string, out []any, extra doc) doc {
	r := doc{"startTime": start, "executionTime": 1, "executionStatus": status, "source": []any{}}
	if out != nil {
		r["data"] = doc{"main": []any{out}}
	}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

func handMade(t *testing.T, top doc, nodes []any, runData doc, resultData doc) *Execution {
	t.Helper()
	rd := doc{"runData": runData}
	for k, v := range resultData {
		rd[k] = v
	}
	d := doc{"id": "50", "status": "success", "mode": "webhook", "workflowId": "wfA",
		"startedAt": "2026-11-21T23:15:56.000Z", "stoppedAt": "2026-11-21T23:15:57.000Z",
		"workflowData": doc{"name": "Hand made", "nodes": nodes}, "data": doc{"resultData": rd}}
	for k, v := range top {
		d[k] = v
	}
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func node(name, typ string, extra doc) doc {
	n := doc{"name": name, "type": typ, "parameters": doc{}}
	for k, v := range extra {
		n[k] = v
	}
	return n
}

const t0 = 1795302956100 // ms, after the hand-made startedAt

// An error workflow's execution links to the execution that failed, as
// the Error Trigger's item names it.
func TestErrorTriggerLinksToTheFailedExecution(t *testing.T) {
	item := doc{"json": doc{
		"execution": doc{"id": "231", "url": "https://n8n.example/execution/231", "lastNodeExecuted": "Send Mail", "mode": "trigger",
			"error": doc{"message": "SMTP 550", "node": doc{"name": "Send Mail", "type": "n8n-nodes-base.emailSend"}}},
		"workflow": doc{"id": "wfFailed", "name": "Ohio · Email 1"}}}
	nodes := []any{node("Error Trigger", errorTriggerType, nil), node("Tell Slack", "n8n-nodes-base.slack", nil)}
	runs := doc{"Error Trigger": []any{runOf("Error Trigger", t0, "success", []any{item}, nil)},
		"Tell Slack": []any{runOf("Tell Slack", t0+5, "success", []any{doc{"json": doc{}}}, nil)}}
	e := handMade(t, doc{"mode": "error"}, nodes, runs, nil)
	want := ExecutionLink{Kind: LinkErrorTrigger, ExecutionID: "231", WorkflowID: "wfFailed", WorkflowName: "Ohio · Email 1",
		Node: "Send Mail", Message: "SMTP 550"}
	if p := e.Parent(); p == nil || *p != want {
		t.Errorf("parent %+v, want %+v", p, want)
	}
	// Without the error's node, the last node executed is the one.
	delete(item["json"].(doc)["execution"].(doc)["error"].(doc), "node")
	e = handMade(t, doc{"mode": "error"}, nodes, runs, nil)
	if p := e.Parent(); p == nil || p.Node != "Send Mail" {
		t.Errorf("parent %+v, want the last node executed", p)
	}
	// A manual run of an Error Trigger emits n8n's example data: no link.
	if p := handMade(t, doc{"mode": "manual"}, nodes, runs, nil).Parent(); p != nil {
		t.Errorf("a manual run links to %+v", p)
	}
	// A trigger's failure has no execution to link to.
	runs["Error Trigger"] = []any{runOf("Error Trigger", t0, "success", []any{doc{"json": doc{
		"trigger": doc{"error": doc{"message": "poll failed"}, "mode": "trigger"}, "workflow": doc{"id": "wfFailed"}}}}, nil)}
	if p := handMade(t, doc{"mode": "error"}, nodes, runs, nil).Parent(); p != nil {
		t.Errorf("a trigger failure links to %+v", p)
	}
}

// A node that ran on pinned data is marked pinned; a disabled node's pin
// is ignored, as n8n ignores it.
func TestPinnedDataIsMarked(t *testing.T) {
	nodes := []any{node("Manual", "n8n-nodes-base.manualTrigger", nil), node("Fetch", "n8n-nodes-base.httpRequest", nil),
		node("Off", "n8n-nodes-base.set", doc{"disabled": true}), node("Done", "n8n-nodes-base.noOp", nil)}
	item := []any{doc{"json": doc{"id": 1}}}
	runs := doc{"Manual": []any{runOf("Manual", t0, "success", item, nil)}, "Fetch": []any{runOf("Fetch", t0+1, "success", item, nil)},
		"Off": []any{runOf("Off", t0+2, "success", item, nil)}, "Done": []any{runOf("Done", t0+3, "success", item, nil)}}
	e := handMade(t, doc{"mode": "manual"}, nodes, runs, doc{"pinData": doc{"Fetch": item, "Off": item}})
	for i, r := range e.Timeline() {
		fl := e.Flags(i)
		if fl.Pinned != (r.Node == "Fetch") || fl.Disabled != (r.Node == "Off") {
			t.Errorf("%s: %+v", r.Node, fl)
		}
	}
}

// A node set to continue that threw: n8n keeps the error on the run
// (status error) and passes the input through; the execution succeeds.
// That is swallowed, not the failure. If the execution did end there, it
// is the failure.
func TestThrownErrorOfAContinuingNode(t *testing.T) {
	nodes := []any{node("Hook", "n8n-nodes-base.webhook", nil), node("Enrich", "n8n-nodes-base.code", doc{"onError": "continueErrorOutput"}),
		node("Done", "n8n-nodes-base.noOp", nil)}
	in := []any{doc{"json": doc{"a": 1}}, doc{"json": doc{"a": 2}}}
	runErr := doc{"message": "quota exceeded", "name": "NodeOperationError"}
	runs := doc{"Hook": []any{runOf("Hook", t0, "success", in, nil)},
		"Enrich": []any{runOf("Enrich", t0+1, "error", in, doc{"error": runErr, "source": []any{doc{"previousNode": "Hook"}}})},
		"Done":   []any{runOf("Done", t0+2, "success", in, nil)}}
	e := handMade(t, nil, nodes, runs, nil)
	if f := e.FirstFailure(); f != nil {
		t.Errorf("failure %+v in an execution that went on", f)
	}
	soft := e.SoftFailures()
	if len(soft) != 1 || soft[0].Node != "Enrich" || soft[0].Items != 2 || soft[0].Message != "quota exceeded" {
		t.Fatalf("soft %+v", soft)
	}
	if p := e.FirstProblem(); p == nil || !p.Soft || p.Error.Name != "NodeOperationError" {
		t.Errorf("first problem %+v", p)
	}
	delete(runs, "Done")
	e = handMade(t, doc{"status": "error"}, nodes, runs, doc{"error": doc{"message": "quota exceeded", "node": doc{"name": "Enrich"}}})
	if f := e.FirstFailure(); f == nil || f.Node != "Enrich" || f.Soft {
		t.Errorf("failure %+v, want Enrich", f)
	}
	if len(e.SoftFailures()) != 0 || e.Verdict() != "failed" {
		t.Errorf("soft %+v, verdict %q", e.SoftFailures(), e.Verdict())
	}
}

// The legacy continueOnFail, a Code node writing {"error": "…"} per item;
// items whose json merely has an "error" field that is no error are not
// counted, nor is anything of a node that does not continue.
func TestLegacyContinueOnFailAndItemShapes(t *testing.T) {
	nodes := []any{node("Code", "n8n-nodes-base.code", doc{"continueOnFail": true}), node("Plain", "n8n-nodes-base.code", nil)}
	out := []any{doc{"json": doc{"error": "boom [line 3]"}}, doc{"json": doc{"error": nil, "ok": true}},
		doc{"json": doc{"error": false}}, doc{"json": doc{"ok": 1}, "error": doc{"message": "item-level"}}, doc{"json": doc{"error": ""}}}
	runs := doc{"Code": []any{runOf("Code", t0, "success", out, nil)}, "Plain": []any{runOf("Plain", t0+1, "success", out, nil)}}
	e := handMade(t, nil, nodes, runs, nil)
	soft := e.SoftFailures()
	if len(soft) != 1 || soft[0].Node != "Code" || soft[0].Items != 2 || soft[0].Message != "boom [line 3]" {
		t.Fatalf("soft %+v", soft)
	}
	if e.Verdict() != "succeeded, 1 error swallowed" {
		t.Errorf("verdict %q", e.Verdict())
	}
	// Two swallowing runs.
	nodes[1] = node("Plain", "n8n-nodes-base.code", doc{"onError": "continueRegularOutput"})
	if e = handMade(t, nil, nodes, runs, nil); e.Verdict() != "succeeded, 2 errors swallowed" {
		t.Errorf("verdict %q", e.Verdict())
	}
	// stopWorkflow is n8n's default: nothing is swallowed.
	nodes[0], nodes[1] = node("Code", "n8n-nodes-base.code", doc{"onError": "stopWorkflow"}), node("Plain", "n8n-nodes-base.code", nil)
	if e = handMade(t, nil, nodes, runs, nil); len(e.SoftFailures()) != 0 {
		t.Errorf("soft %+v with stopWorkflow", e.SoftFailures())
	}
}

// An Execute Workflow node run once per item names each sub-execution on
// its items; the first one is the run's link.
func TestSubExecutionFromItems(t *testing.T) {
	nodes := []any{node("Each", "n8n-nodes-base.executeWorkflow", nil)}
	out := []any{doc{"json": doc{}, "metadata": doc{"subExecution": doc{"executionId": "81", "workflowId": "wfC"}}},
		doc{"json": doc{}, "metadata": doc{"subExecution": doc{"executionId": "82", "workflowId": "wfC"}}}}
	runs := doc{"Each": []any{runOf("Each", t0, "success", out, doc{"metadata": doc{"subExecutionsCount": 2}})}}
	e := handMade(t, nil, nodes, runs, nil)
	if l := e.SubExecutionOf(0); l == nil || l.ExecutionID != "81" || l.WorkflowID != "wfC" || l.Node != "Each" {
		t.Errorf("link %+v", l)
	}
}

// Ids that are not n8n ids (objects, booleans, path characters, too long)
// give no link; an integer is taken as written.
func TestLinkIDsThatAreNotIDs(t *testing.T) {
	nodes := []any{node("Call", "n8n-nodes-base.executeWorkflow", nil)}
	for _, tc := range []struct {
		id   any
		want string
	}{
		{"123", "123"}, {42, "42"}, {doc{"x": 1}, ""}, {true, ""}, {nil, ""}, {"../../workflows/1", ""},
		{"7\x1b[2J", ""}, {"", ""}, {string(make([]byte, 65)), ""}, {1e300, ""},
	} {
		runs := doc{"Call": []any{runOf("Call", t0, "success", nil, doc{"metadata": doc{"subExecution": doc{"executionId": tc.id, "workflowId": "wf"}}})}}
		e := handMade(t, doc{"data": doc{"parentExecution": doc{"executionId": tc.id}, "resultData": doc{"runData": runs}}}, nodes, runs, nil)
		got, parent := "", ""
		if l := e.SubExecutionOf(0); l != nil {
			got = l.ExecutionID
		}
		if p := e.Parent(); p != nil {
			parent = p.ExecutionID
		}
		if got != tc.want || parent != tc.want {
			t.Errorf("id %#v: sub %q parent %q, want %q", tc.id, got, parent, tc.want)
		}
	}
}

func TestVerdictOfEveryStatus(t *testing.T) {
	for status, want := range map[string]string{"success": "succeeded", "error": "failed", "crashed": "crashed", "canceled": "canceled",
		"waiting": "waiting", "running": "running", "new": "not started yet", "unknown": "outcome unknown", "": "outcome unknown",
		"paused": "status paused"} {
		e := handMade(t, doc{"status": status}, nil, doc{}, nil)
		if got := e.Verdict(); got != want {
			t.Errorf("status %q: verdict %q, want %q", status, got, want)
		}
	}
}
