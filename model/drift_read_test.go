package model_test

import (
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
)

func TestHealthCountsDriftAndTellsSyncAgeFromSyncState(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	h := w.console.Health(w.ctx)
	if !h.DBOK || h.DriftCount != 0 || h.LastSync != nil {
		t.Fatalf("before any sync: %+v (want no drift, sync never)", h)
	}
	pool := w.store.Pool()
	if _, err := pool.Exec(w.ctx, `INSERT INTO sync_state (instance_id, last_ok_at) VALUES ($1, now() - interval '7 seconds')`, c.InstanceID); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(w.ctx, `INSERT INTO sync_findings (kind, instance_id, workspace_id, campaign_id, workflow_id, detail, corrected, resolved_at)
		VALUES ('state_mismatch', $1, $2, $3, $4, 'active in n8n, was paused', true, now()),
		       ('orphan_workflow', $1, $2, NULL, 'wf-x', 'owned by no campaign', false, NULL)`,
		c.InstanceID, c.WorkspaceID, c.ID, c.N8nWorkflowID); err != nil {
		t.Fatal(err)
	}
	h = w.console.Health(w.ctx)
	if h.DriftCount != 2 {
		t.Errorf("drift count %d, want 2 (one corrected now, one needing a person)", h.DriftCount)
	}
	if h.LastSync == nil || time.Since(*h.LastSync) < 6*time.Second || time.Since(*h.LastSync) > time.Minute {
		t.Errorf("last sync %v, want about 7s ago", h.LastSync)
	}

	fs, err := w.console.Findings(w.ctx, model.FindingFilter{Kind: model.DriftOrphanWorkflow, Open: true})
	if err != nil || len(fs) != 1 || fs[0].WorkflowID != "wf-x" || fs[0].WorkspaceSlug != "ohio" || fs[0].InstanceName != "ohio" {
		t.Fatalf("unmanaged workflows: %+v %v", fs, err)
	}
}
