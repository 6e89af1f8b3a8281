package model_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// versionFindings are the version_mismatch rows, oldest first.
func (w *provWorld) versionFindings() []finding {
	w.t.Helper()
	rows, err := w.store.Pool().Query(w.ctx, `SELECT kind::text, campaign_id, workflow_id, workspace_id, detail, corrected, resolved_at IS NOT NULL
		FROM sync_findings ORDER BY id`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []finding
	for rows.Next() {
		var f finding
		if err := rows.Scan(&f.Kind, &f.Campaign, &f.Workflow, &f.Workspace, &f.Detail, &f.Corrected, &f.Resolved); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func (w *provWorld) syncOnce(s *model.Syncer, slug string) {
	w.t.Helper()
	ws, err := w.store.WorkspaceBySlug(w.ctx, slug)
	if err != nil {
		w.t.Fatal(err)
	}
	rep, err := s.CycleInstance(w.ctx, *ws.InstanceID)
	if err != nil || !rep.Led || rep.Err != nil {
		w.t.Fatalf("sync cycle: %v %+v", err, rep)
	}
}

// A provisioned workflow edited in n8n is one version_mismatch finding
// naming the campaign and blueprint version and saying how to settle it;
// sync changes nothing; editing it back resolves the finding.
func TestSyncReportsAProvisionedWorkflowEditedInN8nAsVersionMismatch(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	if _, err := w.provision(w.ctx, "texas", "texas"); err != nil {
		t.Fatal(err)
	}
	s := model.NewSyncer(w.store, provDial(), model.SyncOptions{Name: "runner-a"})
	t.Cleanup(s.Close)
	w.syncOnce(s, "texas")
	if fs := w.versionFindings(); len(fs) != 0 {
		t.Fatalf("a workflow as provisioned made findings: %+v", fs)
	}
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	camps, _ := w.store.Campaigns(w.ctx, ws.ID)
	cp := camps[0]
	orig, err := f.Client().GetWorkflow(w.ctx, cp.N8nWorkflowID)
	if err != nil {
		t.Fatal(err)
	}
	edited := orig
	edited.Nodes = append([]n8n.Node(nil), orig.Nodes...)
	edited.Nodes[0].Name += " (edited)"
	if _, err := f.Client().UpdateWorkflow(w.ctx, orig.ID, edited); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(s, "texas")
	w.syncOnce(s, "texas") // a second cycle keeps the one finding
	fs := w.versionFindings()
	if len(fs) != 1 || fs[0].Kind != string(model.DriftVersionMismatch) || fs[0].Campaign == nil || *fs[0].Campaign != cp.ID || fs[0].Resolved || fs[0].Corrected {
		t.Fatalf("after an edit in n8n: %+v, want one open, uncorrected version_mismatch of campaign %d", fs, cp.ID)
	}
	for _, want := range []string{orig.Name, "base-cold-email@v1", "re-apply with `godmode provision --workspace texas --blueprint base-cold-email@v1", "accept the edit by capturing"} {
		if !strings.Contains(fs[0].Detail, want) {
			t.Errorf("detail %q does not say %q", fs[0].Detail, want)
		}
	}
	if got, _ := f.Client().GetWorkflow(w.ctx, orig.ID); got.Nodes[0].Name != edited.Nodes[0].Name {
		t.Errorf("sync changed the edited workflow back: node %q", got.Nodes[0].Name)
	}
	if _, err := f.Client().UpdateWorkflow(w.ctx, orig.ID, orig); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(s, "texas")
	if fs := w.versionFindings(); len(fs) != 1 || !fs[0].Resolved {
		t.Fatalf("after editing it back: %+v, want the finding resolved", fs)
	}
}

// On n8n 2.x a draft saved in the editor is not what runs, but publishing
// it would be: it is a version_mismatch that says so.
func TestSyncReportsA2xDraftThatDiffersFromWhatWasApplied(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	if _, err := w.provision(w.ctx, "texas", "texas"); err != nil {
		t.Fatal(err)
	}
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	camps, _ := w.store.Campaigns(w.ctx, ws.ID)
	var cp model.Campaign
	for _, c := range camps {
		if c.Status == model.CampaignActive {
			cp = c
		}
	}
	if cp.ID == 0 {
		t.Fatal("no active provisioned campaign")
	}
	if err := f.EditDraft(cp.N8nWorkflowID, func(x *n8n.Workflow) { x.Nodes[0].Name += " (draft)" }); err != nil {
		t.Fatal(err)
	}
	s := model.NewSyncer(w.store, provDial(), model.SyncOptions{Name: "runner-a"})
	t.Cleanup(s.Close)
	w.syncOnce(s, "texas")
	fs := w.versionFindings()
	if len(fs) != 1 || fs[0].Kind != string(model.DriftVersionMismatch) || *fs[0].Campaign != cp.ID || !strings.Contains(fs[0].Detail, "draft") {
		t.Fatalf("after a draft edit: %+v, want one version_mismatch saying it is a draft", fs)
	}
}

// A campaign with no applied hash (adopted, seeded) has nothing to differ
// from: it makes no version_mismatch however its workflow looks.
func TestSyncMakesNoVersionMismatchWithoutAnAppliedHash(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("ohio")
	wf, err := f.AddWorkflow(n8n.Workflow{Name: "Hand made", Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Start", Type: "n8n-nodes-base.manualTrigger", TypeVersion: 1, Parameters: json.RawMessage(`{}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "ohio")
	if _, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Hand made", N8nWorkflowID: wf.ID, Status: model.CampaignPaused}); err != nil {
		t.Fatal(err)
	}
	s := model.NewSyncer(w.store, provDial(), model.SyncOptions{Name: "runner-a"})
	t.Cleanup(s.Close)
	w.syncOnce(s, "ohio")
	wf.Nodes[0].Name = "Start (edited)"
	if _, err := f.Client().UpdateWorkflow(w.ctx, wf.ID, wf); err != nil {
		t.Fatal(err)
	}
	w.syncOnce(s, "ohio")
	if fs := w.versionFindings(); len(fs) != 0 {
		t.Fatalf("a campaign without applied hash: %+v", fs)
	}
}
