package db_test

import (
	"strings"
	"testing"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// A run and its steps are announced as they are recorded (migration
// 00017), so the :runs screen of every console follows a run applied
// elsewhere.
func TestListenerHandsOnProvisioningRunsAndSteps(t *testing.T) {
	s, ctx := newStore(t)
	got := newChanges()
	run(t, db.NewListener(s.Pool(), got.add, db.ListenOptions{OnState: got.state}))
	got.next(t, "resync on connecting", isResync)
	_, ws := fleet(t, s, ctx)
	var vid int64
	err := s.Pool().QueryRow(ctx, `WITH b AS (INSERT INTO blueprints (name) VALUES ('base') RETURNING id)
		INSERT INTO blueprint_versions (blueprint_id, version, workflows, content_hash)
		SELECT id, 1, '[]', $1 FROM b RETURNING id`, strings.Repeat("a", 64)).Scan(&vid)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.StartProvisioningRun(ctx, ws.ID, vid, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	c := got.next(t, "run notification", func(c model.Change) bool { return c.Table == model.TableProvisioningRuns })
	if c.ID != r.ID || c.Op != "insert" {
		t.Errorf("run change %+v, want insert of run %d", c, r.ID)
	}
	if err := s.StepStarted(ctx, r.ID, 1, "create_workflow", "workflow:a", ""); err != nil {
		t.Fatal(err)
	}
	got.next(t, "step notification", func(c model.Change) bool { return c.Table == model.TableProvisioningSteps && c.Op == "insert" })
	if _, err := s.SetRunStatus(ctx, r.ID, model.RunFailed, "n8n answered 500"); err != nil {
		t.Fatal(err)
	}
	got.next(t, "run update", func(c model.Change) bool {
		return c.Table == model.TableProvisioningRuns && c.Op == "update" && c.ID == r.ID
	})
}
