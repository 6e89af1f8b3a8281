package n8n_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// What version_mismatch stands on, against every target: a provisioned
// workflow read back from n8n (one by one and in the list sync reads)
// hashes to the campaign's applied hash, so sync finds no drift in it;
// an edit through the API changes the hash, and sync reports exactly one
// version_mismatch for that campaign.
func TestContractAppliedHashMatchesTheLiveWorkflowUntilEdited(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		store, inst := tg.store(t)
		actor := superAdmin(t, store)
		src, err := blueprint.ReadSources([]string{"testdata/genesis-intake"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := model.NewVault(store, detect.Analyze, nil).ImportBlueprint(ctx, actor, "intake", src, nil); err != nil {
			t.Fatalf("import: %v", err)
		}
		dial := func(base, key string) model.N8n { return n8n.New(base, key) }
		console := model.NewConsole(store, dial, model.ConsoleOptions{Context: "contract"})
		slug := fmt.Sprintf("gm%s%dv", runID, tg.seq.Add(1))
		ws, err := store.CreateWorkspace(ctx, slug, "Version "+slug, &inst.ID)
		if err != nil {
			t.Fatal(err)
		}
		secret := "intake-v-" + randomSuffix()
		vals, err := genesis.ParseValues(slug+".toml", fmt.Appendf(nil, intakeValues, "spring "+slug, "intake header "+slug),
			genesis.LoadOptions{Getenv: func(k string) (string, bool) { return secret, k == "INTAKE_KEY" }})
		if err != nil {
			t.Fatal(err)
		}
		res, err := console.Provision(ctx, actor, model.ProvisionRequest{Workspace: slug, Blueprint: "intake", Version: 1, Values: vals, Activate: true})
		if res.Run.ID != 0 {
			t.Cleanup(func() {
				if _, err := console.RollbackRun(context.Background(), actor, res.Run.ID, nil); err != nil {
					t.Errorf("cleanup: rolling back %s: %v", slug, err)
				}
			})
		}
		if err != nil || res.Run.Status != model.RunSucceeded {
			t.Fatalf("provisioning %s: %v (run %+v)", slug, err, res.Run)
		}
		camps, err := store.Campaigns(ctx, ws.ID)
		if err != nil || len(camps) != 1 {
			t.Fatalf("campaigns %+v, %v; want one", camps, err)
		}
		cp := camps[0]
		hashes, err := store.CampaignAppliedHashes(ctx, ws.ID)
		if err != nil || hashes[cp.Name] == "" {
			t.Fatalf("applied hashes %v, %v", hashes, err)
		}
		applied := hashes[cp.Name]
		hashOf := func(wf n8n.Workflow) string {
			b, err := json.Marshal(wf.Published())
			if err != nil {
				t.Fatal(err)
			}
			return genesis.LiveHash(b)
		}
		wf, err := tg.client.GetWorkflow(ctx, cp.N8nWorkflowID)
		if err != nil {
			t.Fatal(err)
		}
		if got := hashOf(wf); got != applied {
			t.Errorf("the workflow read back has live hash %s, its campaign's applied hash is %s", got, applied)
		}
		listed := false
		for lw, err := range tg.client.Workflows(ctx, n8n.WorkflowFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			if lw.ID == wf.ID {
				listed = true
				if got := hashOf(lw); got != applied {
					t.Errorf("the workflow as listed has live hash %s, its campaign's applied hash is %s", got, applied)
				}
			}
		}
		if !listed {
			t.Fatalf("workflow %s is not in the list", wf.ID)
		}
		syncer := model.NewSyncer(store, dial, model.SyncOptions{Name: "contract-sync"})
		t.Cleanup(syncer.Close)
		versionFindings := func() []model.Finding {
			t.Helper()
			rep, err := syncer.CycleInstance(ctx, inst.ID)
			if err != nil || rep.Err != nil {
				t.Fatalf("sync: %v %v", err, rep.Err)
			}
			fs, err := store.Findings(ctx, model.FindingFilter{Kind: model.DriftVersionMismatch, Open: true, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return fs
		}
		if fs := versionFindings(); len(fs) != 0 {
			t.Fatalf("sync found version drift in a workflow as provisioned: %+v", fs)
		}

		edited := wf
		edited.Nodes = append([]n8n.Node(nil), wf.Nodes...)
		for i, nd := range edited.Nodes {
			if nd.Type == "n8n-nodes-base.code" {
				edited.Nodes[i].Notes = "edited by hand in n8n"
			}
		}
		edited.Nodes[len(edited.Nodes)-1].Position = []float64{999, 999}
		if _, err := tg.client.UpdateWorkflow(ctx, wf.ID, edited); err != nil {
			t.Fatalf("editing %s: %v", wf.ID, err)
		}
		after, err := tg.client.GetWorkflow(ctx, wf.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(after)
		if hashOf(after) == applied && genesis.LiveHash(b) == applied {
			t.Errorf("an edit through the API left both the published and the saved form hashing to the applied hash")
		}
		fs := versionFindings()
		if len(fs) != 1 || fs[0].CampaignID == nil || *fs[0].CampaignID != cp.ID {
			t.Fatalf("after an edit: version_mismatch findings %+v, want one of campaign %d", fs, cp.ID)
		}
		t.Logf("%s: %s", tg.name, fs[0].Detail)
	})
}
