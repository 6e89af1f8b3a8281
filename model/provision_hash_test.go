package model_test

import (
	"encoding/json"
	"testing"

	"github.com/godmode-console/godmode/model/genesis"
)

// The hash a run records of what it applied is the hash of the workflow
// as n8n then answers it, so a later difference means someone edited it
// in n8n (what re-apply asks about and sync reports as version_mismatch),
// not that n8n filled in its defaults.
func TestAppliedHashIsTheLiveWorkflowsUntilSomeoneEditsIt(t *testing.T) {
	w := newProvWorld(t)
	f := w.workspace("texas")
	if _, err := w.provision(w.ctx, "texas", "texas"); err != nil {
		t.Fatal(err)
	}
	ws, _ := w.store.WorkspaceBySlug(w.ctx, "texas")
	hashes, err := w.store.CampaignAppliedHashes(w.ctx, ws.ID)
	if err != nil {
		t.Fatal(err)
	}
	camps, _ := w.store.Campaigns(w.ctx, ws.ID)
	if len(camps) == 0 {
		t.Fatal("no campaigns")
	}
	live := func(id string) string {
		wf, err := f.Client().GetWorkflow(w.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(wf.Published())
		return genesis.LiveHash(b)
	}
	for _, cp := range camps {
		if got := live(cp.N8nWorkflowID); got != hashes[cp.Name] {
			t.Errorf("%s: live hash %s, applied %s", cp.Name, got, hashes[cp.Name])
		}
	}
	// An edit in n8n shows.
	cp := camps[0]
	wf, _ := f.Client().GetWorkflow(w.ctx, cp.N8nWorkflowID)
	wf.Nodes[0].Name += " (edited)"
	if _, err := f.Client().UpdateWorkflow(w.ctx, wf.ID, wf); err != nil {
		t.Fatal(err)
	}
	if live(cp.N8nWorkflowID) == hashes[cp.Name] {
		t.Errorf("%s: renaming a node in n8n leaves the live hash equal to the applied one", cp.Name)
	}
}
