package n8n_test

import (
	"context"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// A workflow deactivated through n8n's own API, behind godmode's back, is
// found and corrected in Postgres by one sync cycle, against the fake and
// (when configured) the real n8n, with a real Postgres.
func TestContractSyncCorrectsDeactivationBehindGodmodesBack(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		wf := tg.create(t, webhookWorkflow(tg.unique("sync"), tg.unique("path")))
		if _, err := tg.client.Activate(ctx, wf.ID); err != nil {
			t.Fatalf("activate: %v", err)
		}
		store, inst := tg.store(t)
		ws, err := store.CreateWorkspace(ctx, "contract", "Contract", &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		camp, err := store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: wf.Name, N8nWorkflowID: wf.ID, Status: model.CampaignActive})
		if err != nil {
			t.Fatal(err)
		}

		if _, err := tg.client.Deactivate(ctx, wf.ID); err != nil {
			t.Fatalf("deactivating behind godmode's back: %v", err)
		}
		s := model.NewSyncer(store, func(base, key string) model.N8n { return n8n.New(base, key) }, model.SyncOptions{Name: "contract"})
		t.Cleanup(s.Close)
		rep, err := s.CycleInstance(ctx, inst.ID)
		if err != nil || !rep.Led {
			t.Fatalf("sync cycle: led %v, err %v", rep.Led, err)
		}
		if len(rep.Corrected) != 1 || rep.Corrected[0].ID != camp.ID {
			t.Fatalf("corrected %+v, want campaign %d", rep.Corrected, camp.ID)
		}
		got, err := store.Campaign(ctx, camp.ID)
		if err != nil || got.Status != model.CampaignPaused || got.Version != camp.Version+1 {
			t.Fatalf("campaign after sync: %s v%d (%v), want paused v%d", got.Status, got.Version, err, camp.Version+1)
		}
		audit, err := store.Audit(ctx, model.AuditFilter{Actor: "sync"})
		if err != nil || len(audit) != 1 || audit[0].Action != "sync.correct" || audit[0].CampaignID == nil || *audit[0].CampaignID != camp.ID {
			t.Fatalf("audit by sync: %+v (%v), want one sync.correct of the campaign", audit, err)
		}
	})
}
