package model_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// webhookCampaign is a paused campaign whose workflow starts on a webhook.
func (w *world) webhookCampaign(name, path string) model.Campaign {
	w.t.Helper()
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: name, Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, WebhookID: path + "-id",
			Parameters: json.RawMessage(`{"path":"` + path + `","httpMethod":"POST"}`)}}})
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: name, N8nWorkflowID: wf.ID, Status: model.CampaignPaused})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// On n8n 2.x a webhook answers "not registered" for a moment after the
// activation: the toggle waits for it before calling the campaign active,
// so the first lead after "active" is not lost.
func TestToggleWaitsFor2xWebhookRegistration(t *testing.T) {
	w := newWorld(t, n8ntest.WithMajor(2))
	w.n8n.SetRegistrationLag(3)
	c := w.webhookCampaign("Email 1", "lead-in")
	res := w.console.Toggle(w.ctx, w.member, c.ID, model.CampaignActive)
	if res.Outcome != model.OutcomeOK || res.Campaign.Status != model.CampaignActive {
		t.Fatalf("toggle: %+v", res)
	}
	resp, err := http.Post(w.n8n.URL+"/webhook/lead-in", "application/json", strings.NewReader(`{}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the first lead after the toggle: %v %v", err, resp)
	}
	resp.Body.Close()
}

// A webhook that never answers (within the bound, here the caller's
// deadline) is not called active: the workflow is paused again and the
// reason quotes n8n.
func TestToggleRefusesAWebhookThatNeverRegisters(t *testing.T) {
	w := newWorld(t, n8ntest.WithMajor(2))
	w.n8n.SetRegistrationLag(1 << 20)
	c := w.webhookCampaign("Email 1", "never")
	ctx, cancel := context.WithTimeout(w.ctx, 1500*time.Millisecond)
	defer cancel()
	res := w.console.Toggle(ctx, w.member, c.ID, model.CampaignActive)
	if res.Outcome != model.OutcomeFailed || res.Err == nil || !strings.Contains(res.Err.Error(), "is not registered") ||
		!strings.Contains(res.Err.Error(), "paused it again") {
		t.Fatalf("toggle: %+v", res)
	}
	if w.n8nActive(c) || w.reload(c).Status != model.CampaignPaused {
		t.Errorf("after the refusal: n8n active %v, status %s", w.n8nActive(c), w.reload(c).Status)
	}
}
