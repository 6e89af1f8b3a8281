package model_test

import (
	"encoding/json"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// On n8n 2.x a draft saved in the editor changes the workflow's nodes but
// not what runs: sync compares the published version, so a draft that
// moves the webhook path is no webhook_mismatch until it is published.
func TestSyncComparesThePublishedVersionNotA2xDraft(t *testing.T) {
	w := newWorld(t, n8ntest.WithMajor(2))
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: "Email 1", Active: true, Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, WebhookID: "h1",
			Parameters: json.RawMessage(`{"path":"ohio-lead","httpMethod":"POST"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: "Email 1", N8nWorkflowID: wf.ID,
		Status: model.CampaignActive, WebhookURL: w.n8n.URL + "/webhook/ohio-lead"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.n8n.EditDraft(wf.ID, func(x *n8n.Workflow) {
		x.Nodes[0].Parameters = json.RawMessage(`{"path":"ohio-draft","httpMethod":"POST"}`)
	}); err != nil {
		t.Fatal(err)
	}
	s := w.syncer("runner-a", model.SyncOptions{})
	w.cycle(s)
	if fs := w.findings(); len(fs) != 0 {
		t.Fatalf("a 2.x draft counted as drift: %+v", fs)
	}
	// Publishing the draft (a PUT through the API publishes it) is drift.
	cur, _ := w.n8n.Workflow(wf.ID)
	if _, err := w.n8n.Client().UpdateWorkflow(w.ctx, wf.ID, cur); err != nil {
		t.Fatal(err)
	}
	w.cycle(s)
	fs := w.findings()
	if len(fs) != 1 || fs[0].Kind != string(model.DriftWebhookMismatch) || *fs[0].Campaign != c.ID {
		t.Fatalf("after publishing the new path: %+v, want one webhook_mismatch", fs)
	}
}
