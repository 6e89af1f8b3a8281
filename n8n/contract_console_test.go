package n8n_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// The demo's flows through godmode's own use cases, against every target:
// toggle on (the webhook answers at once after "active": the toggle waited
// for 2.x's registration), freeze and unfreeze, opening a failed
// execution in forensics and retrying it.
func TestContractConsoleToggleFreezeForensics(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		store, inst := tg.store(t)
		ws, err := store.CreateWorkspace(ctx, "contract", "Contract", &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, ""); err != nil {
			t.Fatal(err)
		}
		actor := superAdmin(t, store)
		console := model.NewConsole(store, func(base, key string) model.N8n { return n8n.New(base, key) }, model.ConsoleOptions{Context: "contract"})
		campaign := func(w n8n.Workflow) model.Campaign {
			t.Helper()
			c, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: w.Name, N8nWorkflowID: w.ID, Status: model.CampaignPaused,
				WebhookURL: w.WebhookNodes()[0].WebhookURL(tg.url)})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		lead := tg.create(t, webhookWorkflow(tg.unique("lead"), tg.unique("lead-path")))
		boom := tg.create(t, webhookWorkflow(tg.unique("boom"), tg.unique("boom-path"), codeNode("Boom", `throw new Error("godmode contract boom");`)))
		leadC, boomC := campaign(lead), campaign(boom)
		post := func(w n8n.Workflow) int {
			t.Helper()
			resp, err := http.Post(w.WebhookNodes()[0].WebhookURL(tg.url), "application/json", strings.NewReader(`{"email":"lead@example.com"}`))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}

		for _, c := range []model.Campaign{leadC, boomC} {
			if res := console.Toggle(ctx, actor, c.ID, model.CampaignActive); res.Outcome != model.OutcomeOK {
				t.Fatalf("toggle %s on: %+v", c.Name, res)
			}
		}
		if code := post(lead); code != 200 {
			t.Errorf("webhook right after the toggle answered %d, want 200", code)
		}

		if err := console.Freeze(ctx, actor, ws.ID, "contract freeze"); err != nil {
			t.Fatalf("freeze: %v", err)
		}
		for _, id := range []string{lead.ID, boom.ID} {
			if w, err := tg.client.GetWorkflow(ctx, id); err != nil || w.Active {
				t.Errorf("after freeze, workflow %s active %v (%v)", id, w.Active, err)
			}
		}
		if err := console.Unfreeze(ctx, actor, ws.ID, "contract unfreeze"); err != nil {
			t.Fatalf("unfreeze: %v", err)
		}
		if got, err := store.Campaign(ctx, boomC.ID); err != nil || got.Status != model.CampaignActive {
			t.Fatalf("after unfreeze: %s (%v)", got.Status, err)
		}
		if code := post(boom); code != 200 {
			t.Fatalf("webhook right after the unfreeze answered %d, want 200", code)
		}

		var failed n8n.Execution
		eventually(t, 30*time.Second, "the failed execution appears", func() (bool, error) {
			p, err := tg.client.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: boom.ID, Status: n8n.StatusError}, "")
			if len(p.Data) > 0 {
				failed = p.Data[0]
			}
			return len(p.Data) > 0, err
		})
		raw, err := console.ExecutionData(ctx, actor, boomC.ID, failed.ID)
		if err != nil || !strings.Contains(string(raw), "godmode contract boom") {
			t.Fatalf("forensics open: %v (%d bytes)", err, len(raw))
		}
		retry, err := console.Retry(ctx, actor, boomC.ID, failed.ID, true)
		if err != nil || retry.ID == "" || retry.ID == failed.ID {
			t.Fatalf("retry: %v %+v", err, retry)
		}
		eventually(t, 30*time.Second, "the retry is found", func() (bool, error) {
			r, err := console.FindRetry(ctx, boomC.ID, failed.ID)
			return r != nil && r.ID == retry.ID, err
		})
		for _, c := range []model.Campaign{leadC, boomC} {
			if res := console.Toggle(ctx, actor, c.ID, model.CampaignPaused); res.Outcome != model.OutcomeOK {
				t.Errorf("toggle %s off: %+v", c.Name, res)
			}
		}
	})
}
