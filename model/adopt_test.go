package model_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
)

// legacy makes a workflow in n8n that no campaign owns, tagged with tags,
// and runs it: each status in runs is one execution, oldest first, started
// at the matching age.
func (w *world) legacy(name string, active bool, tags []string, runs []n8n.Status, ages []time.Duration) n8n.Workflow {
	w.t.Helper()
	wf, err := w.n8n.AddWorkflow(n8n.Workflow{Name: name, Active: active,
		Connections: json.RawMessage(`{"Every 5 minutes":{"main":[[{"node":"Send","type":"main","index":0}]]}}`),
		Nodes: []n8n.Node{{Name: "Every 5 minutes", Type: "n8n-nodes-base.scheduleTrigger", TypeVersion: 1.2, Position: []float64{0, 0},
			Parameters: json.RawMessage(`{"rule":{"interval":[{"field":"minutes","minutesInterval":5}]}}`)},
			{Name: "Send", Type: "n8n-nodes-base.code", TypeVersion: 2, Position: []float64{220, 0},
				Parameters: json.RawMessage(`{"jsCode":"return $input.all();"}`)}}})
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []string
	for _, name := range tags {
		tg, err := w.n8n.AddTag(name)
		if err != nil { // made already by another workflow
			tg = w.tagNamed(name)
		}
		ids = append(ids, tg.ID)
	}
	if len(ids) > 0 {
		if err := w.n8n.TagWorkflow(wf.ID, ids...); err != nil {
			w.t.Fatal(err)
		}
	}
	for i, st := range runs {
		w.run(wf.ID, st, ages[i])
	}
	return wf
}

// run makes one execution of a legacy workflow, started age ago; an error
// fails at Send.
func (w *world) run(workflowID string, st n8n.Status, age time.Duration) {
	w.t.Helper()
	spec := n8ntest.ExecutionSpec{WorkflowID: workflowID, Status: st, StartedAt: time.Now().Add(-age)}
	if st == n8n.StatusError {
		spec.FailAt, spec.Message = "Send", "SMTP 550: mailbox unavailable"
	}
	if _, err := w.n8n.AddExecution(spec); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) tagNamed(name string) n8n.Tag {
	w.t.Helper()
	tags, err := n8n.New(w.n8n.URL, w.n8n.APIKey).Tags(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, t := range tags {
		if t.Name == name {
			return t
		}
	}
	w.t.Fatalf("no tag %s", name)
	return n8n.Tag{}
}

func (w *world) openFinding(kind, workflowID string) bool {
	for _, f := range w.findings() {
		if f.Kind == kind && f.Workflow == workflowID && !f.Resolved {
			return true
		}
	}
	return false
}

func TestAdoptShowsTheWorkflowsRealLastRunAndFailuresAtOnce(t *testing.T) {
	w := newWorld(t)
	wf := w.legacy("Old blast", true, []string{"ws:ohio"},
		[]n8n.Status{n8n.StatusError, n8n.StatusError, n8n.StatusSuccess}, []time.Duration{30 * time.Hour, 3 * time.Hour, time.Hour})
	s := w.syncer("a", model.SyncOptions{FirstWindow: 48 * time.Hour})
	w.cycle(s) // the instance's cursor passes the workflow's runs; it is unmanaged
	w.cycle(s)
	if !w.openFinding("orphan_workflow", wf.ID) {
		t.Fatalf("before adoption: no open orphan_workflow finding for %s: %+v", wf.ID, w.findings())
	}

	res, err := w.console.Adopt(w.ctx, w.super, "ohio", []string{wf.ID})
	if err != nil || len(res) != 1 || res[0].Err != nil {
		t.Fatalf("adopt: %v %+v", err, res)
	}
	camps, _ := w.console.Campaigns(w.ctx, w.ws.ID)
	if len(camps) != 1 {
		t.Fatalf("campaigns after adoption: %v", names(camps))
	}
	c := camps[0]
	if c.Name != "Old blast" || c.Status != model.CampaignActive || c.N8nWorkflowID != wf.ID {
		t.Errorf("adopted campaign: %q %s workflow %s", c.Name, c.Status, c.N8nWorkflowID)
	}
	if c.LastExecStatus != "success" || c.LastExecAt == nil || time.Since(*c.LastExecAt) < 50*time.Minute || time.Since(*c.LastExecAt) > 70*time.Minute {
		t.Errorf("last run: %q at %v; want success an hour ago", c.LastExecStatus, c.LastExecAt)
	}
	if c.Failures24h != 1 {
		t.Errorf("failures in 24 h: %d, want 1 (the error 30 h ago is older)", c.Failures24h)
	}
	if w.openFinding("orphan_workflow", wf.ID) {
		t.Error("the orphan_workflow finding is still open after adoption")
	}
	rows := w.auditRows(model.ActionNameAdopt)
	if len(rows) != 1 || rows[0].ActorName != "root@example.com" || rows[0].Outcome != model.OutcomeOK ||
		rows[0].CampaignID == nil || *rows[0].CampaignID != c.ID || !strings.Contains(string(rows[0].After), wf.ID) {
		t.Errorf("audit: %+v", rows)
	}

	// Sync goes on from there: a new run shows, the finding stays resolved.
	w.run(wf.ID, n8n.StatusError, 0)
	w.cycle(s)
	if got := w.reload(c); got.LastExecStatus != "error" || got.Failures24h != 2 {
		t.Errorf("after the next cycle: last %q, failures %d; want error, 2", got.LastExecStatus, got.Failures24h)
	}
	if w.openFinding("orphan_workflow", wf.ID) {
		t.Error("sync reopened the orphan_workflow finding of an adopted workflow")
	}

	// Adopting it twice is refused, and audited.
	res, _ = w.console.Adopt(w.ctx, w.super, "ohio", []string{wf.ID})
	if len(res) != 1 || !errors.Is(res[0].Err, model.ErrConflict) {
		t.Errorf("second adoption: %+v", res)
	}
	if rows := w.auditRows(model.ActionNameAdopt); len(rows) != 2 || rows[0].Outcome != model.OutcomeFailed {
		t.Errorf("audit after the second adoption: %+v", rows)
	}
}

func TestAdoptIsForSuperAdminsAndAuditsEveryRefusal(t *testing.T) {
	w := newWorld(t)
	a := w.legacy("A", false, nil, nil, nil)
	b := w.legacy("B", false, nil, nil, nil)
	owner := w.actor("owner@example.com", false, model.RoleOwner)
	if _, err := w.console.Adopt(w.ctx, owner, "ohio", []string{a.ID, b.ID}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("an owner adopts: %v", err)
	}
	if _, err := w.console.AdoptTagged(w.ctx, w.member, "ohio"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a member adopts the tagged: %v", err)
	}
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{ReadOnly: true})
	if _, err := ro.Adopt(w.ctx, w.super, "ohio", []string{a.ID}); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("adopting in a read-only session: %v", err)
	}
	if camps, _ := w.console.Campaigns(w.ctx, w.ws.ID); len(camps) != 0 {
		t.Errorf("campaigns after refusals: %v", names(camps))
	}
	rows := w.auditRows(model.ActionNameAdopt)
	var who []string
	for _, r := range rows {
		if r.Outcome != model.OutcomeFailed || !strings.Contains(r.Error, "forbidden") {
			t.Errorf("refusal row: %+v", r)
		}
		who = append(who, r.ActorName)
	}
	// Newest first: the read-only one, the member's (tagged: one row), the owner's two (one per workflow).
	if got := strings.Join(who, " "); got != "root@example.com member@example.com owner@example.com owner@example.com" {
		t.Errorf("refusals audited: %s", got)
	}
}

func TestAdoptTaggedTakesEveryUnmanagedWorkflowTaggedForTheWorkspace(t *testing.T) {
	w := newWorld(t)
	w.legacy("Tagged", false, []string{"ws:ohio"}, []n8n.Status{n8n.StatusSuccess}, []time.Duration{time.Minute})
	w.legacy("Bare tag", true, []string{"ohio"}, nil, nil)
	w.legacy("Texas", false, []string{"ws:texas"}, nil, nil)
	w.legacy("Untagged", false, nil, nil, nil)
	owned := w.campaign("Already", false)
	w.n8n.TagWorkflow(owned.N8nWorkflowID, w.tagNamed("ws:ohio").ID)

	res, err := w.console.AdoptTagged(w.ctx, w.super, "ohio")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Workflow, r.Err)
		}
		got = append(got, r.Campaign.Name+"="+string(r.Campaign.Status)+"/"+r.Campaign.LastExecStatus)
	}
	slices.Sort(got)
	if strings.Join(got, " ") != "Bare tag=active/ Tagged=paused/success" {
		t.Errorf("adopted (name=status/last run): %v", got)
	}
	if again, _ := w.console.AdoptTagged(w.ctx, w.super, "ohio"); len(again) != 0 {
		t.Errorf("adopting the tagged again: %+v", again)
	}
}

func TestRelinkAndArchiveACampaignWhoseWorkflowIsGone(t *testing.T) {
	w := newWorld(t)
	old := w.legacy("Blast", false, nil, []n8n.Status{n8n.StatusError}, []time.Duration{time.Minute})
	c, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: "Blast", N8nWorkflowID: old.ID})
	if err != nil {
		t.Fatal(err)
	}
	s := w.syncer("a", model.SyncOptions{})
	w.cycle(s)
	if got := w.reload(c); got.Failures24h != 1 {
		t.Fatalf("setup: failures %d", got.Failures24h)
	}
	next := w.legacy("Blast v2", true, nil, []n8n.Status{n8n.StatusSuccess}, []time.Duration{time.Minute})
	if _, err := w.console.Relink(w.ctx, w.super, "ohio", "Blast", next.ID); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("re-linking a campaign whose workflow is still there: %v", err)
	}
	if _, err := w.console.Relink(w.ctx, w.member, "ohio", "Blast", next.ID); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a member re-links: %v", err)
	}
	cl := n8n.New(w.n8n.URL, w.n8n.APIKey)
	if _, err := cl.DeleteWorkflow(w.ctx, c.N8nWorkflowID); err != nil {
		t.Fatal(err)
	}
	w.cycle(s) // the campaign is marked gone
	got, err := w.console.Relink(w.ctx, w.super, "ohio", "Blast", next.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.N8nWorkflowID != next.ID || got.Status != model.CampaignActive || got.LastError != "" || got.LastExecStatus != "success" || got.Failures24h != 0 {
		t.Errorf("re-linked: workflow %s %s %q last %q failures %d", got.N8nWorkflowID, got.Status, got.LastError, got.LastExecStatus, got.Failures24h)
	}
	if w.openFinding("orphan_workflow", next.ID) {
		t.Error("the new workflow is still unmanaged")
	}
	for _, f := range w.findings() {
		if f.Kind == "orphan_db_record" && !f.Resolved {
			t.Errorf("still open: %+v", f)
		}
	}
	if w.cycle(s); w.reload(got).Status != model.CampaignActive {
		t.Error("sync undid the re-link")
	}
	rows := w.auditRows(model.ActionNameRelink)
	if len(rows) != 3 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != "root@example.com" || !strings.Contains(string(rows[0].After), c.N8nWorkflowID) {
		t.Errorf("relink audit: %+v", rows)
	}

	// Archive: refused while the workflow runs, done once it is gone.
	gone := w.campaign("Gone", true)
	if _, err := w.console.Archive(w.ctx, w.super, "ohio", "Gone"); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("archiving a running campaign: %v", err)
	}
	cl.DeleteWorkflow(w.ctx, gone.N8nWorkflowID)
	w.cycle(s)
	arch, err := w.console.Archive(w.ctx, w.super, "ohio", "Gone")
	if err != nil || arch.Status != model.CampaignArchived {
		t.Fatalf("archive: %s %v", arch.Status, err)
	}
	if w.cycle(s); w.reload(arch).Status != model.CampaignArchived {
		t.Error("sync changed an archived campaign")
	}
	for _, f := range w.findings() {
		if f.Kind == "orphan_db_record" && !f.Resolved {
			t.Errorf("still open after archive: %+v", f)
		}
	}
	if rows := w.auditRows(model.ActionNameArchive); len(rows) != 2 || rows[0].Outcome != model.OutcomeOK || rows[1].Outcome != model.OutcomeFailed {
		t.Errorf("archive audit: %+v", rows)
	}
}

// A campaign recorded outside adoption, for a workflow whose runs the
// instance's cursor had passed, is backfilled by the next cycle, once.
func TestSyncBackfillsACampaignWithoutAWatermarkOnce(t *testing.T) {
	w := newWorld(t)
	wf := w.legacy("Later", false, nil, []n8n.Status{n8n.StatusError, n8n.StatusSuccess}, []time.Duration{2 * time.Hour, time.Hour})
	s := w.syncer("a", model.SyncOptions{})
	w.cycle(s)
	idle := w.cycle(s).Requests
	c, err := w.store.CreateCampaign(w.ctx, db.NewCampaign{WorkspaceID: w.ws.ID, Name: "Later", N8nWorkflowID: wf.ID})
	if err != nil {
		t.Fatal(err)
	}
	rep := w.cycle(s)
	got := w.reload(c)
	if got.LastExecStatus != "success" || got.Failures24h != 1 {
		t.Errorf("after the cycle: last %q failures %d; want success, 1", got.LastExecStatus, got.Failures24h)
	}
	if rep.Requests != idle+1 {
		t.Errorf("backfilling cycle: %d requests, want the idle %d + 1", rep.Requests, idle)
	}
	if again := w.cycle(s).Requests; again != idle {
		t.Errorf("next cycle: %d requests, want the idle %d (backfilled once)", again, idle)
	}
}

// An archived workspace is retired for good: nothing is adopted into it,
// and the refusal is on the record.
func TestAdoptIntoAnArchivedWorkspaceIsRefused(t *testing.T) {
	w := newWorld(t)
	w.legacy("Tagged", false, []string{"ws:ohio"}, nil, nil)
	if _, _, err := w.console.ArchiveWorkspace(w.ctx, w.super, "ohio"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.console.AdoptTagged(w.ctx, w.super, "ohio"); !errors.Is(err, model.ErrArchived) {
		t.Fatalf("adopting into an archived workspace: %v", err)
	}
	rows, err := w.store.Audit(w.ctx, model.AuditFilter{})
	if err != nil || len(rows) == 0 || rows[0].Action != model.ActionNameAdopt || rows[0].Outcome != model.OutcomeFailed {
		t.Errorf("the refused adoption is not the newest audit row: %+v %v", rows[:min(1, len(rows))], err)
	}
}
