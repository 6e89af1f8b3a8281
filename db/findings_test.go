package db_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
)

// finding is a sync_findings row as the sync loop would write it; tests
// insert them by hand so the read side is tested apart from the loop.
type finding struct {
	kind          model.DriftKind
	instance      int64
	ws, camp      *int64
	wfID, wfName  string
	detail        string
	corrected     bool
	age           time.Duration // first seen this long ago
	resolved      bool
	before, after string
}

func insertFinding(t *testing.T, s *db.Store, f finding) int64 {
	t.Helper()
	var id int64
	var before, after any
	if f.before != "" {
		before, after = f.before, f.after
	}
	err := s.Pool().QueryRow(t.Context(), `INSERT INTO sync_findings (kind, instance_id, workspace_id, campaign_id, workflow_id, workflow_name,
			detail, before, after, corrected, first_seen_at, last_seen_at, resolved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now() - make_interval(secs => $11), now() - make_interval(secs => $11), CASE WHEN $12::boolean THEN now() END)
		RETURNING id`, f.kind, f.instance, f.ws, f.camp, f.wfID, f.wfName, f.detail, before, after, f.corrected,
		f.age.Seconds(), f.resolved).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestFindingsNewestFirstWithNames(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	camp, err := s.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email 1", N8nWorkflowID: "wf1"})
	if err != nil {
		t.Fatal(err)
	}
	old := insertFinding(t, s, finding{kind: model.DriftStateMismatch, instance: inst.ID, ws: &ws.ID, camp: &camp.ID, wfID: "wf1",
		detail: "active in n8n, was paused", corrected: true, age: 2 * time.Hour, resolved: true,
		before: `{"status":"paused"}`, after: `{"status":"active"}`})
	orphan := insertFinding(t, s, finding{kind: model.DriftOrphanWorkflow, instance: inst.ID, ws: &ws.ID, wfID: "wf9",
		wfName: "ohio · Old test", detail: "tagged ohio, owned by no campaign", age: 10 * time.Minute})
	gone := insertFinding(t, s, finding{kind: model.DriftOrphanDBRecord, instance: inst.ID, ws: &ws.ID, camp: &camp.ID, wfID: "wf1",
		detail: "workflow deleted in n8n", age: time.Minute})

	all, err := s.Findings(ctx, model.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(all); !slices.Equal(got, []int64{gone, orphan, old}) {
		t.Fatalf("order %v, want newest first %v", got, []int64{gone, orphan, old})
	}
	f := all[2]
	if f.InstanceName != "ohio" || f.WorkspaceSlug != ws.Slug || f.CampaignName != "Email 1" || !f.Corrected ||
		f.ResolvedAt == nil || f.Kind != model.DriftStateMismatch || f.Detail != "active in n8n, was paused" {
		t.Errorf("corrected finding read as %+v", f)
	}
	if !strings.Contains(string(f.Before), "paused") || !strings.Contains(string(f.After), "active") {
		t.Errorf("before/after %s → %s", f.Before, f.After)
	}
	if o := all[1]; o.CampaignID != nil || o.CampaignName != "" || o.WorkflowName != "ohio · Old test" || o.Corrected || o.ResolvedAt != nil {
		t.Errorf("orphan read as %+v", o)
	}

	for _, tc := range []struct {
		name string
		f    model.FindingFilter
		want []int64
	}{
		{"kind", model.FindingFilter{Kind: model.DriftOrphanWorkflow}, []int64{orphan}},
		{"open", model.FindingFilter{Open: true}, []int64{gone, orphan}},
		{"ids", model.FindingFilter{IDs: []int64{old, gone}}, []int64{gone, old}},
		{"limit", model.FindingFilter{Limit: 1}, []int64{gone}},
		{"none of these ids", model.FindingFilter{IDs: []int64{}}, nil},
	} {
		got, err := s.Findings(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, ids(got), tc.want)
		}
	}
}

func ids(fs []model.Finding) []int64 {
	var out []int64
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func TestDriftCountIsWhatNeedsAPersonOrWasJustCorrected(t *testing.T) {
	s, ctx := newStore(t)
	inst, ws := fleet(t, s, ctx)
	count := func() int {
		n, err := s.DriftCount(ctx, time.Now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("empty: %d", n)
	}
	insertFinding(t, s, finding{kind: model.DriftOrphanWorkflow, instance: inst.ID, wfID: "a", age: 3 * time.Hour})                                               // open, needs you: counts
	insertFinding(t, s, finding{kind: model.DriftStateMismatch, instance: inst.ID, ws: &ws.ID, wfID: "b", corrected: true, age: 5 * time.Minute, resolved: true}) // just corrected: counts
	insertFinding(t, s, finding{kind: model.DriftStateMismatch, instance: inst.ID, ws: &ws.ID, wfID: "c", corrected: true, age: 2 * time.Hour, resolved: true})   // corrected long ago: no
	insertFinding(t, s, finding{kind: model.DriftOrphanWorkflow, instance: inst.ID, wfID: "d", age: 2 * time.Hour, resolved: true})                               // went away: no
	if n := count(); n != 2 {
		t.Errorf("drift count %d, want 2 (one needing a person, one just corrected)", n)
	}
}

func TestSyncSummaryIsHonestAboutUnsyncedInstances(t *testing.T) {
	s, ctx := newStore(t)
	a, _ := fleet(t, s, ctx)
	b, err := s.AddInstance(ctx, db.NewInstance{Name: "texas", BaseURL: "http://127.0.0.1:5679", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := s.SyncSummary(ctx)
	if err != nil || sum.Instances != 2 || sum.Synced != 0 || sum.OldestOK != nil {
		t.Fatalf("before any sync: %+v %v", sum, err)
	}
	if _, err := s.Pool().Exec(ctx, `INSERT INTO sync_state (instance_id, last_ok_at) VALUES ($1, now() - interval '30 seconds')`, a.ID); err != nil {
		t.Fatal(err)
	}
	if sum, _ = s.SyncSummary(ctx); sum.Synced != 1 || sum.OldestOK == nil {
		t.Fatalf("one synced: %+v", sum)
	}
	if _, err := s.Pool().Exec(ctx, `INSERT INTO sync_state (instance_id, last_ok_at) VALUES ($1, now() - interval '5 seconds')`, b.ID); err != nil {
		t.Fatal(err)
	}
	sum, _ = s.SyncSummary(ctx)
	if sum.Synced != 2 || sum.OldestOK == nil || sum.NewestOK == nil {
		t.Fatalf("both synced: %+v", sum)
	}
	if age := time.Since(*sum.OldestOK); age < 29*time.Second || age > 2*time.Minute {
		t.Errorf("oldest good cycle %s ago, want the 30s-old one", age)
	}
	if age := time.Since(*sum.NewestOK); age > 20*time.Second {
		t.Errorf("newest good cycle %s ago, want the 5s-old one", age)
	}
}
