package n8n_test

import (
	"context"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// A workflow of a frozen workspace activated through n8n's own API is
// deactivated again by one sync cycle, not adopted: in a frozen workspace
// godmode is the truth. Against the fake and (when configured) the real n8n.
func TestContractSyncDeactivatesAWorkflowActivatedBehindAFreeze(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		wf := tg.create(t, webhookWorkflow(tg.unique("frozen"), tg.unique("path")))
		store, inst := tg.store(t)
		ws, err := store.CreateWorkspace(ctx, "contract", "Contract", &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		camp, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: wf.Name, N8nWorkflowID: wf.ID, Status: model.CampaignPaused})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceSuspended, "contract freeze"); err != nil {
			t.Fatal(err)
		}

		if _, err := tg.client.Activate(ctx, wf.ID); err != nil {
			t.Fatalf("activating behind the freeze: %v", err)
		}
		s := model.NewSyncer(store, func(base, key string) model.N8n { return n8n.New(base, key) }, model.SyncOptions{Name: "contract"})
		t.Cleanup(s.Close)
		if rep, err := s.CycleInstance(ctx, inst.ID); err != nil || !rep.Led {
			t.Fatalf("sync cycle: led %v, err %v", rep.Led, err)
		}
		got, err := tg.client.GetWorkflow(ctx, wf.ID)
		if err != nil || got.Active {
			t.Fatalf("workflow after the cycle: active %v (%v), want deactivated again", got.Active, err)
		}
		if c, err := store.Campaign(ctx, camp.ID); err != nil || c.Status != model.CampaignPaused {
			t.Fatalf("campaign after sync: %s (%v), want paused", c.Status, err)
		}
		audit, err := store.Audit(ctx, model.AuditFilter{Actor: "sync"})
		if err != nil || len(audit) != 1 || audit[0].Action != "sync.freeze" || !strings.Contains(string(audit[0].After), "behind the freeze") {
			t.Fatalf("audit by sync: %+v (%v), want one sync.freeze of the campaign", audit, err)
		}
	})
}
