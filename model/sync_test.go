package model_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// syncer is a sync runner over the world's Postgres and fake n8n.
func (w *world) syncer(name string, opt model.SyncOptions) *model.Syncer {
	opt.Name = name
	s := model.NewSyncer(w.store, dial(), opt)
	w.t.Cleanup(s.Close)
	return s
}

func (w *world) cycle(s *model.Syncer) model.CycleReport {
	w.t.Helper()
	rep, err := s.CycleInstance(w.ctx, *w.ws.InstanceID)
	if err != nil {
		w.t.Fatalf("sync cycle: %v", err)
	}
	if !rep.Led {
		w.t.Fatal("sync cycle: the runner does not lead the instance")
	}
	return rep
}

// finding is a sync_findings row as the tests read it.
type finding struct {
	Kind      string
	Campaign  *int64
	Workflow  string
	Workspace *int64
	Detail    string
	Corrected bool
	Resolved  bool
}

func (w *world) findings() []finding {
	w.t.Helper()
	rows, err := w.store.Pool().Query(w.ctx, `SELECT kind::text, campaign_id, workflow_id, workspace_id, detail, corrected, resolved_at IS NOT NULL
		FROM sync_findings ORDER BY id`)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []finding
	for rows.Next() {
		var f finding
		if err := rows.Scan(&f.Kind, &f.Campaign, &f.Workflow, &f.Workspace, &f.Detail, &f.Corrected, &f.Resolved); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func (w *world) exec(sql string, args ...any) {
	w.t.Helper()
	if _, err := w.store.Pool().Exec(w.ctx, sql, args...); err != nil {
		w.t.Fatal(err)
	}
}

func TestSyncCorrectsDriftBothWaysAndAudits(t *testing.T) {
	w := newWorld(t)
	on := w.campaign("Email 1", true)
	off := w.campaign("Email 2", false)
	calm := w.campaign("Email 3", true)
	// Someone flips both inside n8n, behind godmode's back.
	w.n8n.SetActive(on.N8nWorkflowID, false)
	w.n8n.SetActive(off.N8nWorkflowID, true)
	s := w.syncer("runner-a", model.SyncOptions{})

	rep := w.cycle(s)
	if len(rep.Corrected) != 2 || rep.Skipped != 0 {
		t.Fatalf("corrected %d, skipped %d; want 2, 0", len(rep.Corrected), rep.Skipped)
	}
	if got := w.reload(on); got.Status != model.CampaignPaused || got.Version != on.Version+1 {
		t.Errorf("Email 1: %s v%d, want paused v%d (inactive in n8n)", got.Status, got.Version, on.Version+1)
	}
	if got := w.reload(off); got.Status != model.CampaignActive || got.Version != off.Version+1 {
		t.Errorf("Email 2: %s v%d, want active v%d (active in n8n)", got.Status, got.Version, off.Version+1)
	}
	if got := w.reload(calm); got.Version != calm.Version || got.UpdatedAt != calm.UpdatedAt {
		t.Errorf("Email 3 agreed with n8n but its row was touched: v%d→v%d", calm.Version, got.Version)
	}
	rows := w.auditRows("sync.correct")
	if len(rows) != 2 {
		t.Fatalf("audit rows: %d, want 2", len(rows))
	}
	for _, r := range rows {
		if r.ActorName != "sync" || r.Outcome != model.OutcomeOK || r.CampaignID == nil {
			t.Errorf("audit row %+v: want actor sync, outcome ok, a campaign", r)
		}
		if *r.CampaignID == on.ID && (!strings.Contains(string(r.Before), `"active"`) || !strings.Contains(string(r.After), `"paused"`)) {
			t.Errorf("Email 1 audit before/after: %s → %s", r.Before, r.After)
		}
	}
	fs := w.findings()
	if len(fs) != 2 {
		t.Fatalf("findings: %+v, want 2", fs)
	}
	for _, f := range fs {
		if f.Kind != "state_mismatch" || !f.Corrected || !f.Resolved {
			t.Errorf("finding %+v: want a corrected (so resolved) state_mismatch", f)
		}
	}
	if !strings.Contains(fs[0].Detail+fs[1].Detail, "active in n8n, was paused") {
		t.Errorf("details do not say what was corrected: %q / %q", fs[0].Detail, fs[1].Detail)
	}

	// Nothing changed since: the next cycle writes no campaign and no audit row.
	before := w.reload(on)
	rep = w.cycle(s)
	if len(rep.Corrected) != 0 || len(w.auditRows("sync.correct")) != 2 || len(w.findings()) != 2 {
		t.Errorf("second cycle corrected %d, audit %d, findings %d; want 0, 2, 2", len(rep.Corrected), len(w.auditRows("sync.correct")), len(w.findings()))
	}
	if got := w.reload(on); got.Version != before.Version || got.UpdatedAt != before.UpdatedAt {
		t.Error("second cycle touched a campaign that agrees with n8n")
	}
}

func TestSyncDeletedWorkflowTurnsCampaignToError(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	w.n8n.Delete(c.N8nWorkflowID)
	s := w.syncer("runner-a", model.SyncOptions{})
	w.cycle(s)
	got := w.reload(c)
	if got.Status != model.CampaignError || !strings.Contains(got.LastError, c.N8nWorkflowID) || !strings.Contains(got.LastError, "no longer exists") {
		t.Fatalf("after sync: %s %q, want error saying the workflow is gone", got.Status, got.LastError)
	}
	fs := w.findings()
	if len(fs) != 1 || fs[0].Kind != "orphan_db_record" || fs[0].Resolved || !fs[0].Corrected || *fs[0].Campaign != c.ID {
		t.Fatalf("findings: %+v, want one open orphan_db_record", fs)
	}
	// Still gone next cycle: the same finding, no second correction.
	rep := w.cycle(s)
	if len(rep.Corrected) != 0 || len(w.findings()) != 1 || len(w.auditRows("sync.correct")) != 1 {
		t.Errorf("second cycle: corrected %d, findings %d, audit %d; want 0, 1, 1", len(rep.Corrected), len(w.findings()), len(w.auditRows("sync.correct")))
	}
	// Archiving the campaign is a person's answer: the finding resolves.
	w.exec(`UPDATE campaigns SET status = 'archived' WHERE id = $1`, c.ID)
	w.cycle(s)
	if fs := w.findings(); !fs[0].Resolved {
		t.Errorf("finding still open after the campaign was archived: %+v", fs[0])
	}
}

func TestSyncSettlesStalePendingAndLeavesYoungOnes(t *testing.T) {
	w := newWorld(t)
	stale := w.campaign("Email 1", false)
	young := w.campaign("Email 2", false)
	// A crash left a toggle half done: n8n was activated, Postgres only
	// has the wish.
	w.store.SetPending(w.ctx, stale.ID, model.PendingWish{Status: model.CampaignActive})
	w.exec(`UPDATE campaigns SET pending_since = now() - interval '10 minutes' WHERE id = $1`, stale.ID)
	w.n8n.SetActive(stale.N8nWorkflowID, true)
	// A toggle in flight right now.
	w.store.SetPending(w.ctx, young.ID, model.PendingWish{Status: model.CampaignActive})
	w.n8n.SetActive(young.N8nWorkflowID, true)
	youngBefore := w.reload(young)

	s := w.syncer("runner-a", model.SyncOptions{StalePending: 2 * time.Minute})
	w.cycle(s)
	got := w.reload(stale)
	if got.Status != model.CampaignActive || got.PendingStatus != nil {
		t.Fatalf("stale wish: %s pending %v, want active and settled", got.Status, got.PendingStatus)
	}
	rows := w.auditRows("sync.settle")
	if len(rows) != 1 || rows[0].ActorName != "sync" || *rows[0].CampaignID != stale.ID {
		t.Fatalf("settle audit: %+v", rows)
	}
	if g := w.reload(young); g.PendingStatus == nil || g.Status != model.CampaignPaused || g.Version != youngBefore.Version {
		t.Errorf("a toggle in flight was touched: %s pending %v v%d", g.Status, g.PendingStatus, g.Version)
	}
}

func TestSyncListsUnmanagedWorkflowsWithTheirWorkspace(t *testing.T) {
	w := newWorld(t)
	w.campaign("Email 1", false)
	add := func(name string) n8n.Workflow {
		wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: name, Connections: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		return wf
	}
	tagged, bare, stray := add("ohio copy"), add("ohio test"), add("someone's experiment")
	t1, _ := w.n8n.AddTag("ws:ohio")
	t2, _ := w.n8n.AddTag("ohio")
	t3, _ := w.n8n.AddTag("ws:nobody")
	w.n8n.TagWorkflow(tagged.ID, t1.ID)
	w.n8n.TagWorkflow(bare.ID, t2.ID)
	w.n8n.TagWorkflow(stray.ID, t3.ID)

	s := w.syncer("runner-a", model.SyncOptions{})
	rep := w.cycle(s)
	if rep.Unmanaged != 3 {
		t.Fatalf("unmanaged: %d, want 3", rep.Unmanaged)
	}
	byWF := map[string]finding{}
	for _, f := range w.findings() {
		if f.Kind != "orphan_workflow" || f.Corrected || f.Resolved {
			t.Errorf("finding %+v: want an open orphan_workflow needing a person", f)
		}
		byWF[f.Workflow] = f
	}
	for _, wf := range []n8n.Workflow{tagged, bare} {
		if f := byWF[wf.ID]; f.Workspace == nil || *f.Workspace != w.ws.ID {
			t.Errorf("%s: workspace %v, want ohio (%d) from its tag", wf.Name, f.Workspace, w.ws.ID)
		}
	}
	if f := byWF[stray.ID]; f.Workspace != nil {
		t.Errorf("stray workflow attributed to workspace %d", *f.Workspace)
	}
	// Someone deletes the stray: its finding resolves, the others stay.
	w.n8n.Delete(stray.ID)
	rep = w.cycle(s)
	if rep.Resolved != 1 || rep.Unmanaged != 2 {
		t.Errorf("after deleting one: resolved %d, unmanaged %d; want 1, 2", rep.Resolved, rep.Unmanaged)
	}
}

func TestSyncFlagsWebhookMismatch(t *testing.T) {
	w := newWorld(t)
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: "Unsubscribe", Connections: json.RawMessage(`{}`),
		Nodes: []n8n.Node{{Name: "Webhook", Type: n8n.WebhookNodeType, TypeVersion: 2, Position: []float64{0, 0}, WebhookID: "0b6c7d0e-1111-4222-a333-444455556666",
			Parameters: json.RawMessage(`{"path":"ohio-unsubscribe","httpMethod":"POST"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	good, _ := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: "good", N8nWorkflowID: wf.ID,
		WebhookURL: w.n8n.URL + "/webhook/ohio-unsubscribe"})
	_ = good
	wf2, _ := w.n8n.AddWorkflow(n8n.Workflow{Name: "Unsubscribe 2", Connections: json.RawMessage(`{}`), Nodes: wf.Nodes})
	bad, _ := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: "bad", N8nWorkflowID: wf2.ID,
		WebhookURL: w.n8n.URL + "/webhook/old-path"})
	w.cycle(w.syncer("runner-a", model.SyncOptions{}))
	fs := w.findings()
	if len(fs) != 1 || fs[0].Kind != "webhook_mismatch" || *fs[0].Campaign != bad.ID || fs[0].Corrected ||
		!strings.Contains(fs[0].Detail, "/webhook/ohio-unsubscribe") {
		t.Fatalf("findings: %+v, want one webhook_mismatch for campaign bad naming the workflow's URL", fs)
	}
}

func TestSyncReadsExecutionsIncrementally(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	// A node after the trigger, so a run can fail there.
	w.n8n.Edit(c.N8nWorkflowID, func(wf *n8n.Workflow) {
		wf.Nodes = append(wf.Nodes, n8n.Node{Name: "Send", Type: "n8n-nodes-base.noOp", TypeVersion: 1, Position: []float64{200, 0}, Parameters: json.RawMessage(`{}`)})
		wf.Connections = json.RawMessage(`{"Every 5 minutes":{"main":[[{"node":"Send","type":"main","index":0}]]}}`)
	})
	for _, st := range []n8n.Status{n8n.StatusSuccess, n8n.StatusError, n8n.StatusError} {
		if _, err := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: c.N8nWorkflowID, Status: st, FailAt: failAt(st), Message: "429"}); err != nil {
			t.Fatal(err)
		}
	}
	s := w.syncer("runner-a", model.SyncOptions{})
	rep := w.cycle(s)
	if rep.NewExecutions != 3 {
		t.Fatalf("first cycle read %d executions, want 3", rep.NewExecutions)
	}
	got := w.reload(c)
	if got.Failures24h != 2 || got.LastExecStatus != "error" || got.LastExecID == "" {
		t.Fatalf("summary: failures %d, last %s %q; want 2, error", got.Failures24h, got.LastExecStatus, got.LastExecID)
	}
	// Nothing new: one workflow page and one executions page, nothing stored.
	w.n8n.ResetRequests()
	rep = w.cycle(s)
	if rep.NewExecutions != 0 || w.n8n.Requests() != 2 || rep.Requests != 2 {
		t.Errorf("idle cycle: %d new executions, %d requests (report %d); want 0, 2", rep.NewExecutions, w.n8n.Requests(), rep.Requests)
	}
	e, _ := w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: c.N8nWorkflowID})
	rep = w.cycle(s)
	if rep.NewExecutions != 1 {
		t.Errorf("after one more run: %d new executions, want 1", rep.NewExecutions)
	}
	if got := w.reload(c); got.LastExecID != e.ID || got.LastExecStatus != "success" || got.Failures24h != 2 {
		t.Errorf("summary after one more run: %q %s failures %d; want %q success 2", got.LastExecID, got.LastExecStatus, got.Failures24h, e.ID)
	}
}

// breakPage makes the n-th workflow page fail with a dropped connection,
// as an n8n that dies halfway through a listing would.
type breakPage struct {
	model.N8n
	fake  *n8ntest.Server
	n     int
	pages int
}

func (b *breakPage) ListWorkflows(ctx context.Context, f n8n.WorkflowFilter, cursor string) (n8n.Page[n8n.Workflow], error) {
	b.pages++
	if b.pages == b.n {
		b.fake.CloseNext(10)
	}
	return b.N8n.ListWorkflows(ctx, f, cursor)
}

func TestSyncFailedListingHalfwayWritesNothing(t *testing.T) {
	w := newWorld(t)
	drifted := w.campaign("Email 1", true)
	gone := w.campaign("Email 2", true)
	w.n8n.SetActive(drifted.N8nWorkflowID, false)
	w.n8n.Delete(gone.N8nWorkflowID)
	for i := range 600 { // three pages
		w.n8n.AddWorkflow(n8n.Workflow{Name: "filler " + string(rune('a'+i%26)), Connections: json.RawMessage(`{}`)})
	}
	w.n8n.AddExecution(n8ntest.ExecutionSpec{WorkflowID: drifted.N8nWorkflowID})
	s := model.NewSyncer(w.store, func(base, key string) model.N8n {
		return &breakPage{N8n: dial()(base, key).(model.N8n), fake: w.n8n, n: 2}
	}, model.SyncOptions{Name: "runner-a"})
	t.Cleanup(s.Close)

	rep, err := s.CycleInstance(w.ctx, *w.ws.InstanceID)
	if err == nil || !strings.Contains(err.Error(), "page 2") {
		t.Fatalf("cycle over a listing broken at page 2: err %v, want one naming page 2", err)
	}
	if len(rep.Corrected) != 0 {
		t.Errorf("report says %d corrected", len(rep.Corrected))
	}
	for _, c := range []model.Campaign{drifted, gone} {
		if got := w.reload(c); got.Status != c.Status || got.Version != c.Version || got.LastExecID != "" {
			t.Errorf("%s changed from a partial listing: %s v%d last exec %q", c.Name, got.Status, got.Version, got.LastExecID)
		}
	}
	if n := len(w.auditRows("")); n != 0 {
		t.Errorf("%d audit rows written from a partial listing", n)
	}
	if fs := w.findings(); len(fs) != 0 {
		t.Errorf("findings written from a partial listing: %+v", fs)
	}
	st, err := w.store.InstanceSyncState(w.ctx, *w.ws.InstanceID)
	if err != nil {
		t.Fatal(err)
	}
	if st.LastOKAt != nil || st.LastExecutionID != "" || !strings.Contains(st.LastError, "page 2") || st.Leader != "runner-a" {
		t.Errorf("sync_state after the failure: %+v; want no good cycle, the error, the leader", st)
	}
}

func failAt(st n8n.Status) string {
	if st == n8n.StatusError {
		return "Send"
	}
	return ""
}

// hidePage drops a workflow from the listing, as n8n's offset paging does
// when another workflow is deleted while the pages are read.
type hidePage struct {
	model.N8n
	hide string
}

func (h hidePage) ListWorkflows(ctx context.Context, f n8n.WorkflowFilter, cursor string) (n8n.Page[n8n.Workflow], error) {
	p, err := h.N8n.ListWorkflows(ctx, f, cursor)
	var kept []n8n.Workflow
	for _, w := range p.Data {
		if w.ID != h.hide {
			kept = append(kept, w)
		}
	}
	p.Data = kept
	return p, err
}

func TestSyncConfirmsAWorkflowMissingFromTheListBeforeCallingItGone(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", true)
	s := model.NewSyncer(w.store, func(base, key string) model.N8n {
		return hidePage{N8n: dial()(base, key).(model.N8n), hide: c.N8nWorkflowID}
	}, model.SyncOptions{Name: "runner-a"})
	t.Cleanup(s.Close)
	rep, err := s.CycleInstance(w.ctx, *w.ws.InstanceID)
	if err != nil {
		t.Fatal(err)
	}
	if got := w.reload(c); got.Status != model.CampaignActive || len(rep.Corrected) != 0 {
		t.Fatalf("a workflow that exists but slipped between pages turned its campaign %s", got.Status)
	}
	if rep.Requests != 5 {
		t.Errorf("requests %d, want 5 (the first capabilities probe's 2, a page of workflows, a page of executions, one check)", rep.Requests)
	}
}

// toggleDuring runs a person's toggle after n8n answered the listing and
// before the cycle writes: the cycle's view of n8n is then stale.
type toggleDuring struct {
	model.N8n
	toggle func()
}

func (d toggleDuring) ListWorkflows(ctx context.Context, f n8n.WorkflowFilter, cursor string) (n8n.Page[n8n.Workflow], error) {
	p, err := d.N8n.ListWorkflows(ctx, f, cursor)
	d.toggle()
	return p, err
}

func TestSyncNeverOverwritesAToggleThatFinishedDuringTheCycle(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email 1", false)
	w.n8n.SetActive(c.N8nWorkflowID, true) // drift: the cycle will see it active
	var res model.ToggleResult
	s := model.NewSyncer(w.store, func(base, key string) model.N8n {
		return toggleDuring{N8n: dial()(base, key).(model.N8n), toggle: func() {
			res = w.console.Toggle(w.ctx, w.member, c.ID, model.CampaignPaused)
		}}
	}, model.SyncOptions{Name: "runner-a"})
	t.Cleanup(s.Close)
	rep, err := s.CycleInstance(w.ctx, *w.ws.InstanceID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Err != nil {
		t.Fatalf("toggle: %v", res.Err)
	}
	if got := w.reload(c); got.Status != model.CampaignPaused || w.n8nActive(c) {
		t.Fatalf("after the toggle to paused and a cycle that listed n8n before it: Postgres %s, n8n active %v", got.Status, w.n8nActive(c))
	}
	if rep.Skipped != 1 || len(rep.Corrected) != 0 || len(w.auditRows("sync.correct")) != 0 {
		t.Errorf("cycle: skipped %d, corrected %d, sync audit rows %d; want 1, 0, 0", rep.Skipped, len(rep.Corrected), len(w.auditRows("sync.correct")))
	}
}
