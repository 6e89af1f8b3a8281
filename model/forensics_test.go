package model_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// failingCampaign is a webhook → Code workflow in ws whose executions fail
// at the Code node like a real one does, with one failed execution.
func (w *world) failingCampaign(ws model.Workspace, name string) (model.Campaign, n8n.Execution) {
	w.t.Helper()
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: name, Active: true,
		Connections: json.RawMessage(`{"Webhook":{"main":[[{"node":"Send","type":"main","index":0}]]}}`),
		Nodes: []n8n.Node{
			{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, Position: []float64{0, 0}, WebhookID: name,
				Parameters: json.RawMessage(`{"path":"` + strings.ReplaceAll(name, " ", "-") + `","httpMethod":"POST"}`)},
			{Name: "Send", Type: "n8n-nodes-base.code", TypeVersion: 2, Position: []float64{220, 0},
				Parameters: json.RawMessage(`{"jsCode":"throw new Error(\"SMTP 550: mailbox unavailable\");"}`)},
		}})
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: name, N8nWorkflowID: wf.ID, Status: model.CampaignActive})
	if err != nil {
		w.t.Fatal(err)
	}
	e, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID, Status: n8n.StatusError, FailAt: "Send", Message: "SMTP 550: mailbox unavailable"})
	if err != nil {
		w.t.Fatal(err)
	}
	return c, e
}

// otherWorkspace is a second tenant on the same (shared) n8n, with a
// member of its own.
func (w *world) otherWorkspace() (model.Workspace, model.Actor) {
	w.t.Helper()
	ws, err := w.store.CreateWorkspace(w.ctx, "texas", "Texas Legal", w.ws.InstanceID)
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := w.store.CreateUser(w.ctx, "tex@example.com", "Tex", false)
	if err != nil {
		w.t.Fatal(err)
	}
	w.store.SetMember(w.ctx, ws.ID, u.ID, model.RoleOwner)
	a, err := w.store.Actor(w.ctx, u, "SHA256:tex")
	if err != nil {
		w.t.Fatal(err)
	}
	return ws, a
}

func TestExecutionDataOpensForMembersOnly(t *testing.T) {
	w := newWorld(t)
	camp, exec := w.failingCampaign(w.ws, "Email 1")
	_, outsider := w.otherWorkspace()

	for _, a := range []model.Actor{w.super, w.viewer, w.member} {
		raw, err := w.console.ExecutionData(w.ctx, a, camp.ID, exec.ID)
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		if !strings.Contains(string(raw), `"runData"`) || !strings.Contains(string(raw), "SMTP 550") {
			t.Fatalf("%s got the execution without its run data: %.200s", a.Name, raw)
		}
	}

	before := w.n8n.Requests()
	raw, err := w.console.ExecutionData(w.ctx, outsider, camp.ID, exec.ID)
	if !errors.Is(err, model.ErrForbidden) || raw != nil {
		t.Fatalf("a member of another workspace read the execution: %v, %d bytes", err, len(raw))
	}
	if n := w.n8n.Requests() - before; n != 0 {
		t.Errorf("the refusal came after %d n8n request(s); it must come before asking n8n", n)
	}
}

func TestExecutionDataRefusesAnotherCampaignsExecution(t *testing.T) {
	w := newWorld(t)
	mine, _ := w.failingCampaign(w.ws, "Email 1")
	texas, tex := w.otherWorkspace()
	_, theirs := w.failingCampaign(texas, "Research Report")

	// The outsider is a member of texas, asks through ohio's campaign:
	// refused by the role check. A member of ohio asks through ohio's
	// campaign for texas's execution: refused by the workflow check.
	if _, err := w.console.ExecutionData(w.ctx, tex, mine.ID, theirs.ID); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("texas member through ohio's campaign: %v", err)
	}
	raw, err := w.console.ExecutionData(w.ctx, w.member, mine.ID, theirs.ID)
	if !errors.Is(err, model.ErrWrongCampaign) || raw != nil {
		t.Fatalf("ohio member read texas's execution %s: %v (%d bytes)", theirs.ID, err, len(raw))
	}
	if !strings.Contains(err.Error(), theirs.ID) || !strings.Contains(err.Error(), "Email 1") {
		t.Errorf("the refusal does not say which execution and campaign: %v", err)
	}
}

func TestExecutionDataSaysWhenTheExecutionIsGone(t *testing.T) {
	w := newWorld(t)
	camp, _ := w.failingCampaign(w.ws, "Email 1")
	_, err := w.console.ExecutionData(w.ctx, w.member, camp.ID, "99999")
	if !errors.Is(err, n8n.ErrNotFound) || !strings.Contains(err.Error(), "execution 99999 no longer exists in n8n") {
		t.Fatalf("missing execution: %v", err)
	}
}

func TestRetryIsAuditedAndFollowed(t *testing.T) {
	w := newWorld(t)
	camp, exec := w.failingCampaign(w.ws, "Email 1")

	if got, err := w.console.FindRetry(w.ctx, camp.ID, exec.ID); err != nil || got != nil {
		t.Fatalf("a retry found before retrying: %+v %v", got, err)
	}
	next, err := w.console.Retry(w.ctx, w.member, camp.ID, exec.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if next.ID == "" || next.ID == exec.ID || next.RetryOf != exec.ID || next.CampaignID != camp.ID {
		t.Fatalf("retry returned %+v", next)
	}
	found, err := w.console.FindRetry(w.ctx, camp.ID, exec.ID)
	if err != nil || found == nil || found.ID != next.ID || found.Status != "error" {
		t.Fatalf("following the retry found %+v (%v), want execution %s ended in error", found, err, next.ID)
	}
	rows := w.auditRows("retry")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != "member@example.com" || *rows[0].CampaignID != camp.ID {
		t.Fatalf("audit: %+v", rows)
	}
	if !strings.Contains(string(rows[0].Before), `"execution": "`+exec.ID+`"`) || !strings.Contains(string(rows[0].After), `"execution": "`+next.ID+`"`) ||
		!strings.Contains(string(rows[0].After), `"load_workflow": true`) {
		t.Errorf("audit before/after: %s → %s", rows[0].Before, rows[0].After)
	}
}

func TestRetryRefusedForViewersAndAudited(t *testing.T) {
	w := newWorld(t)
	camp, exec := w.failingCampaign(w.ws, "Email 1")
	n := len(w.n8n.Executions())
	_, err := w.console.Retry(w.ctx, w.viewer, camp.ID, exec.ID, false)
	if !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("viewer retry: %v", err)
	}
	if got := len(w.n8n.Executions()); got != n {
		t.Errorf("a refused retry started an execution in n8n (%d → %d)", n, got)
	}
	rows := w.auditRows("retry")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || !strings.Contains(rows[0].Error, "viewer may not retry") {
		t.Fatalf("audit of the refusal: %+v", rows)
	}
}

func TestInspectExecutionLocatesTheCampaignBeforeFetching(t *testing.T) {
	w := newWorld(t)
	camp, exec := w.failingCampaign(w.ws, "Email 1")
	_, outsider := w.otherWorkspace()

	target, raw, err := w.console.InspectExecution(w.ctx, w.viewer, "", exec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if target.CampaignID != camp.ID || target.Workspace != "ohio" || target.Instance != "ohio" || !strings.Contains(string(raw), "SMTP 550") {
		t.Fatalf("target %+v, %d bytes", target, len(raw))
	}
	if _, raw, err := w.console.InspectExecution(w.ctx, outsider, "", exec.ID); !errors.Is(err, model.ErrForbidden) || raw != nil {
		t.Fatalf("outsider inspected ohio's execution: %v, %d bytes", err, len(raw))
	}
	if _, _, err := w.console.InspectExecution(w.ctx, w.super, "nowhere", exec.ID); err == nil || !strings.Contains(err.Error(), `no n8n instance "nowhere" is registered (registered: ohio)`) {
		t.Errorf("unknown instance: %v", err)
	}
	if _, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "texas", BaseURL: w.n8n.URL, APIKey: w.n8n.APIKey}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.console.InspectExecution(w.ctx, w.super, "", exec.ID); err == nil || !strings.Contains(err.Error(), "--instance NAME (one of ohio, texas)") {
		t.Errorf("two instances, none named: %v", err)
	}
}

// A refused inspect leaves an audit row, whichever way it was asked: by id
// (godmode inspect ID) or through a campaign (the console's forensics).
func TestRefusedInspectIsAudited(t *testing.T) {
	w := newWorld(t)
	camp, exec := w.failingCampaign(w.ws, "Email 1")
	texas, tex := w.otherWorkspace()
	_, theirs := w.failingCampaign(texas, "Research Report")

	if _, _, err := w.console.InspectExecution(w.ctx, tex, "", exec.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("outsider by id: %v", err)
	}
	if _, err := w.console.ExecutionData(w.ctx, tex, camp.ID, exec.ID); !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("outsider through the campaign: %v", err)
	}
	if _, err := w.console.ExecutionData(w.ctx, w.member, camp.ID, theirs.ID); !errors.Is(err, model.ErrWrongCampaign) {
		t.Fatalf("another campaign's execution: %v", err)
	}
	rows := w.auditRows("inspect")
	if len(rows) != 3 {
		t.Fatalf("%d inspect audit rows, want 3 (one per refusal): %+v", len(rows), rows)
	}
	// Newest first.
	wantActors := []string{"member@example.com", "tex@example.com", "tex@example.com"}
	wantExec := []string{theirs.ID, exec.ID, exec.ID}
	for i, r := range rows {
		if r.Outcome != model.OutcomeFailed || r.ActorName != wantActors[i] || r.Error == "" ||
			r.WorkspaceID == nil || *r.WorkspaceID != w.ws.ID || !strings.Contains(string(r.Before), `"execution": "`+wantExec[i]+`"`) {
			t.Errorf("row %d: %+v (%s)", i, r, r.Before)
		}
	}
	// An allowed read adds none.
	if _, _, err := w.console.InspectExecution(w.ctx, w.viewer, "", exec.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(w.auditRows("inspect")); n != 3 {
		t.Errorf("an allowed inspect changed the inspect rows to %d", n)
	}
}
