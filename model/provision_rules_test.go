package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// Only a super admin provisions; the refusal is audited and nothing is
// called in n8n.
func TestProvisionIsSuperAdminOnly(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	u, _ := w.store.CreateUser(w.ctx, "owner@example.com", "owner", false)
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	w.store.SetMember(w.ctx, ws.ID, u.ID, model.RoleOwner)
	owner, _ := w.store.Actor(w.ctx, u, "SHA256:owner")
	_, err := w.console.Provision(w.ctx, owner, model.ProvisionRequest{Workspace: "texas", Blueprint: "base-cold-email", Version: 1, Values: w.values("texas")})
	if !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("an owner provisioning: %v, want forbidden", err)
	}
	if f.Writes() != 0 {
		t.Errorf("a refused provisioning made %d writes to n8n", f.Writes())
	}
	e := lastAudit(t, w, model.ActionNameProvision)
	if e.Outcome != model.OutcomeFailed || e.ActorUserID == nil || *e.ActorUserID != u.ID {
		t.Errorf("refusal audited as %s by %v", e.Outcome, e.ActorUserID)
	}
}

func lastAudit(t *testing.T, w *provWorld, action string) model.AuditEntry {
	t.Helper()
	es, err := w.store.Audit(w.ctx, model.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Action == action {
			return e
		}
	}
	t.Fatalf("no audit entry %s", action)
	return model.AuditEntry{}
}

// The audit of a run names every variable and says which were secret;
// it holds no value.
func TestProvisionAuditNamesVariablesNotValues(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	if _, err := w.provision(w.ctx, "texas", "texas"); err != nil {
		t.Fatal(err)
	}
	e := lastAudit(t, w, model.ActionNameProvision)
	var after struct {
		Variables struct {
			Variables   map[string]bool   `json:"variables"`
			Credentials map[string]string `json:"credentials"`
		} `json:"variables"`
		Run int64 `json:"run"`
	}
	if err := json.Unmarshal(e.After, &after); err != nil {
		t.Fatal(err)
	}
	if e.Outcome != model.OutcomeOK || after.Run == 0 {
		t.Errorf("audited %s for run %d", e.Outcome, after.Run)
	}
	if secret, ok := after.Variables.Variables["YOUR_APIFY_API_TOKEN"]; !ok || !secret {
		t.Errorf("YOUR_APIFY_API_TOKEN audited as %v (present %v), want secret", secret, ok)
	}
	if secret := after.Variables.Variables["YOUR_NAME"]; secret {
		t.Error("YOUR_NAME audited as secret")
	}
	if after.Variables.Credentials["YOUR_CREDENTIAL_POSTGRES_ID"] != "new (secret)" || after.Variables.Credentials["YOUR_CREDENTIAL_GMAIL_ID"] != "existing" {
		t.Errorf("credential slots audited as %v", after.Variables.Credentials)
	}
	for _, s := range secretsOf("texas") {
		if strings.Contains(string(e.After), s) {
			t.Errorf("the audit holds secret %q", s)
		}
	}
}

// A resume with other values than the run started with is refused before
// anything is sent: the step's fingerprint differs.
func TestResumeWithOtherValuesIsRefused(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	f.FailWriteAt(6, 500) // the second workflow's create... or whichever sixth write
	res, err := w.provision(w.ctx, "texas", "texas")
	if err == nil {
		t.Fatal("the run did not stop")
	}
	vals := w.values("ohio") // other names, other company
	writes := f.Writes()
	if _, err := w.console.ResumeRun(w.ctx, w.super, res.Run.ID, vals); err == nil || !strings.Contains(err.Error(), "plan changed") {
		t.Fatalf("resume with other values: %v, want a refusal saying the plan changed", err)
	}
	if f.Writes() != writes {
		t.Errorf("the refused resume made %d writes", f.Writes()-writes)
	}
}

// On n8n 1.x, which lists no credentials, a credential create of unknown
// outcome is not made again: the resume refuses, naming it, and n8n holds
// one credential, not two.
func TestResumeOn1xRefusesACredentialOfUnknownOutcome(t *testing.T) {
	w := newProvWorld(t)
	f := n8ntest.New() // 1.x
	t.Cleanup(f.Close)
	inst, err := w.store.AddInstance(w.ctx, db.NewInstance{Name: "old", BaseURL: f.URL, APIKey: f.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.CreateWorkspace(w.ctx, "texas", "Texas", &inst.ID); err != nil {
		t.Fatal(err)
	}
	f.FailWriteAfterEffect(1, 0, nil)
	res, err := w.provision(w.ctx, "texas", "texas")
	if err == nil {
		t.Fatal("the run did not stop")
	}
	_, err = w.console.ResumeRun(w.ctx, w.super, res.Run.ID, w.values("texas"))
	if err == nil || !strings.Contains(err.Error(), "may have created credential") {
		t.Fatalf("resume on 1.x: %v, want a refusal naming the credential", err)
	}
	if n := len(f.Credentials()); n != 1 {
		t.Errorf("n8n holds %d credentials, want the 1 of the first attempt", n)
	}
}

// One run at a time per workspace, in Postgres: a second open run of the
// same workspace is refused, another workspace's is not.
func TestOneOpenRunPerWorkspace(t *testing.T) {
	w := newProvWorld(t)
	w.workspace("texas")
	w.workspace("ohio")
	bv, err := w.store.BlueprintVersionByName(w.ctx, "base-cold-email", 1)
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	oh, _ := w.store.WorkspaceBySlug(w.ctx, "ohio")
	if _, err := w.store.StartProvisioningRun(w.ctx, tx.ID, bv.ID, nil, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.StartProvisioningRun(w.ctx, tx.ID, bv.ID, nil, true); !errors.Is(err, model.ErrConflict) {
		t.Errorf("a second open run of texas: %v, want a conflict", err)
	}
	if _, err := w.store.StartProvisioningRun(w.ctx, oh.ID, bv.ID, nil, true); err != nil {
		t.Errorf("ohio's run: %v", err)
	}
	_ = context.Background
}

// A create of unknown outcome that finds two workflows of its name (someone
// made one too) adopts neither and creates nothing: the resume says so.
func TestResumeRefusesAnAmbiguousAdoption(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	f.FailWriteAfterEffect(5, 0, nil) // the first workflow's create, after the 4 credentials
	res, err := w.provision(w.ctx, "texas", "texas")
	if err == nil {
		t.Fatal("the run did not stop")
	}
	p, _ := f.Client().ListWorkflows(w.ctx, n8n.WorkflowFilter{}, "")
	if len(p.Data) != 1 {
		t.Fatalf("n8n holds %d workflows after the stopped create, want 1", len(p.Data))
	}
	name := p.Data[0].Name
	if _, err := f.AddWorkflow(n8n.Workflow{Name: name, Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Start", Type: "n8n-nodes-base.manualTrigger", TypeVersion: 1, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)}}}); err != nil {
		t.Fatal(err)
	}
	_, err = w.console.ResumeRun(w.ctx, w.super, res.Run.ID, w.values("texas"))
	if err == nil || !strings.Contains(err.Error(), "n8n holds 2 of workflow") {
		t.Fatalf("resume: %v, want a refusal naming the two workflows", err)
	}
	if n := f.WorkflowCount(); n != 2 {
		t.Errorf("n8n holds %d workflows after the refused resume, want 2", n)
	}
}

// Two applies of one workspace at once: Postgres lets one run open, the
// other is refused; n8n gets the workflows once.
func TestTwoAppliesAtOnceMakeOneRun(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := w.provision(w.ctx, "texas", "texas")
			errs <- err
		}()
	}
	var failed int
	for range 2 {
		if err := <-errs; err != nil {
			failed++
			if !strings.Contains(err.Error(), "already has a provisioning run") && !strings.Contains(err.Error(), "is provisioning") && !strings.Contains(err.Error(), "is active") {
				t.Errorf("the refused apply said: %v", err)
			}
		}
	}
	runs, _ := w.store.Runs(w.ctx, 0)
	if failed != 1 || len(runs) != 1 {
		t.Fatalf("%d applies failed and %d runs exist, want 1 and 1", failed, len(runs))
	}
	if n := f.WorkflowCount(); n != 7 {
		t.Errorf("n8n holds %d workflows, want 7", n)
	}
}
