package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// helperWorkflow is a sub-workflow no campaign owns (what an Execute
// Workflow node usually calls), with one failed execution.
func (w *world) helperWorkflow(name string) n8n.Execution {
	w.t.Helper()
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: name,
		Connections: json.RawMessage(`{"Start":{"main":[[{"node":"Code","type":"main","index":0}]]}}`),
		Nodes: []n8n.Node{
			{Name: "Start", Type: "n8n-nodes-base.executeWorkflowTrigger", TypeVersion: 1, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)},
			{Name: "Code", Type: "n8n-nodes-base.code", TypeVersion: 2, Position: []float64{220, 0},
				Parameters: json.RawMessage(`{"jsCode":"throw new Error(\"boom\");"}`)},
		}})
	if err != nil {
		w.t.Fatal(err)
	}
	e, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID, Status: n8n.StatusError, FailAt: "Code", Message: "boom", Mode: "integrated"})
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

// A linked execution is checked as `godmode inspect ID` checks one: its own
// campaign's workspace decides, not the execution it was linked from.
func TestLinkedExecutionIsAuthorisedForItsOwnWorkspace(t *testing.T) {
	w := newWorld(t)
	camp, mine := w.failingCampaign(w.ws, "Email 1")
	texas, _ := w.otherWorkspace()
	_, theirs := w.failingCampaign(texas, "Research Report")
	helper := w.helperWorkflow("Enrich lead")
	inst := *w.ws.InstanceID

	target, raw, err := w.console.LinkedExecution(w.ctx, w.member, inst, mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	if target.CampaignID != camp.ID || target.Workspace != "ohio" || target.Instance != "ohio" || !strings.Contains(string(raw), `"runData"`) {
		t.Fatalf("own campaign's execution: %+v, %d bytes", target, len(raw))
	}

	// Texas's execution on the same (shared) n8n: refused for ohio's member,
	// and on the record with texas's workspace.
	if _, raw, err := w.console.LinkedExecution(w.ctx, w.member, inst, theirs.ID); !errors.Is(err, model.ErrForbidden) || raw != nil {
		t.Fatalf("ohio's member opened texas's execution %s: %v, %d bytes", theirs.ID, err, len(raw))
	}
	// A workflow no campaign owns: super admins only.
	if _, raw, err := w.console.LinkedExecution(w.ctx, w.member, inst, helper.ID); !errors.Is(err, model.ErrForbidden) || raw != nil {
		t.Fatalf("a member opened an execution of a workflow no campaign owns: %v, %d bytes", err, len(raw))
	}
	target, raw, err = w.console.LinkedExecution(w.ctx, w.super, inst, helper.ID)
	if err != nil || target.CampaignID != 0 || target.WorkflowID != helper.WorkflowID || !strings.Contains(string(raw), "boom") {
		t.Fatalf("super on the helper's execution: %+v, %d bytes, %v", target, len(raw), err)
	}

	rows := w.auditRows("inspect")
	if len(rows) != 2 {
		t.Fatalf("%d inspect audit rows, want 2 (one per refusal): %+v", len(rows), rows)
	}
	// Newest first: the helper's (no workspace), then texas's.
	if r := rows[0]; r.ActorName != "member@example.com" || r.Outcome != model.OutcomeFailed || r.WorkspaceID != nil ||
		!strings.Contains(string(r.Before), `"execution": "`+helper.ID+`"`) {
		t.Errorf("the helper's refusal: %+v (%s)", r, r.Before)
	}
	if r := rows[1]; r.WorkspaceID == nil || *r.WorkspaceID != texas.ID || !strings.Contains(string(r.Before), `"execution": "`+theirs.ID+`"`) ||
		!strings.Contains(string(r.Before), `"campaign": "Research Report"`) {
		t.Errorf("texas's refusal: %+v (%s)", r, r.Before)
	}
}

// The id is read from execution data: what is not an n8n id never reaches
// n8n, and the error shows it cleaned.
func TestLinkedExecutionRefusesAnIDThatIsNotOne(t *testing.T) {
	w := newWorld(t)
	before := w.n8n.Requests()
	_, _, err := w.console.LinkedExecution(w.ctx, w.super, *w.ws.InstanceID, "1/../../workflows\x1b[2J")
	if err == nil || !strings.Contains(err.Error(), "is not an n8n execution id") || strings.ContainsRune(err.Error(), 0x1b) {
		t.Fatalf("a path for an id: %q", err)
	}
	if n := w.n8n.Requests() - before; n != 0 {
		t.Errorf("%d n8n requests for a broken link", n)
	}
}
