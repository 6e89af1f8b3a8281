package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

// TestAConsoleSeesWhatSyncCorrects joins the two halves: someone switches
// a workflow on inside n8n, a sync cycle corrects Postgres, and a console
// that only listens learns of it within a second: the campaign's new
// status, the finding to announce, the drift count and the sync age.
func TestAConsoleSeesWhatSyncCorrects(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	listen(t, w.store, w.console)
	s := model.NewSyncer(w.store, dial(), model.SyncOptions{Name: "test-sync"})
	defer s.Close()
	if _, err := s.CycleAll(w.ctx); err != nil { // the first cycle finds nothing wrong
		t.Fatal(err)
	}
	quiet(w.console)

	w.n8n.SetActive(c.N8nWorkflowID, true) // behind godmode's back
	start := time.Now()
	reps, err := s.CycleAll(w.ctx)
	if err != nil || len(reps) != 1 || len(reps[0].Corrected) != 1 {
		t.Fatalf("cycle: %+v %v", reps, err)
	}
	var set model.ChangeSet
	deadline := time.After(time.Second)
	for len(set.NewFindings) == 0 {
		select {
		case got := <-w.console.Changes():
			set.Tables, set.Workspaces, set.NewFindings = got.Tables, got.Workspaces, append(set.NewFindings, got.NewFindings...)
		case <-deadline:
			t.Fatalf("no new finding reached the console within a second of the cycle starting")
		}
	}
	t.Logf("the correction reached the console %s after the cycle started", time.Since(start))

	fs, err := w.console.Findings(w.ctx, model.FindingFilter{IDs: set.NewFindings})
	if err != nil || len(fs) != 1 {
		t.Fatalf("new findings: %+v %v", fs, err)
	}
	f := fs[0]
	if f.Kind != model.DriftStateMismatch || !f.Corrected || f.CampaignName != "Email 1" || f.WorkspaceSlug != "ohio" ||
		!strings.Contains(f.Detail, "active in n8n, was paused") {
		t.Errorf("finding %+v, want the corrected state mismatch of ohio/Email 1", f)
	}
	h := w.console.Health(w.ctx)
	if h.DriftCount != 1 || h.LastSync == nil || time.Since(*h.LastSync) > time.Minute {
		t.Errorf("health after the correction: drift %d, last sync %v", h.DriftCount, h.LastSync)
	}
	cs, _ := w.console.Campaigns(w.ctx, w.ws.ID)
	if len(cs) != 1 || cs[0].Status != model.CampaignActive {
		t.Errorf("campaigns after the correction: %+v", cs)
	}
}
