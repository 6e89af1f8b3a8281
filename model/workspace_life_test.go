package model_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

// A workspace created for an existing client is set up by adopting its
// running workflows: the first adoption moves it from awaiting_setup to
// active, in the adoption's transaction, with its own audit row.
func TestAdoptingTheFirstCampaignSetsTheWorkspaceUp(t *testing.T) {
	w := newWorld(t)
	w.exec(`UPDATE workspaces SET status = 'awaiting_setup' WHERE id = $1`, w.ws.ID)
	a := w.legacy("Blast A", true, []string{"ws:ohio"}, []n8n.Status{n8n.StatusSuccess}, []time.Duration{time.Hour})
	b := w.legacy("Blast B", false, []string{"ws:ohio"}, nil, nil)

	if res, err := w.console.Adopt(w.ctx, w.super, "ohio", []string{a.ID, b.ID}); err != nil || res[0].Err != nil || res[1].Err != nil {
		t.Fatalf("adopt: %v %+v", err, res)
	}
	ws, err := w.store.Workspace(w.ctx, w.ws.ID)
	if err != nil || ws.Status != model.WorkspaceActive {
		t.Fatalf("after adopting its first campaigns the workspace is %s (%v), want active", ws.Status, err)
	}
	rows := w.auditRows(model.AuditWorkspaceSetUp)
	if len(rows) != 1 {
		t.Fatalf("set-up rows: %d, want one (the second adoption finds it active)", len(rows))
	}
	r := rows[0]
	if r.ActorName != "root@example.com" || r.Outcome != model.OutcomeOK || r.WorkspaceID == nil || *r.WorkspaceID != w.ws.ID ||
		!strings.Contains(compact(r.Before), `"status":"awaiting_setup"`) || !strings.Contains(compact(r.After), `"status":"active"`) ||
		!strings.Contains(compact(r.After), `"campaign":"Blast A"`) {
		t.Errorf("set-up row: %+v before %s after %s", r, r.Before, r.After)
	}
	// The workspaces pane reads it so: no "awaiting setup" once it has campaigns.
	wss, _ := w.console.ListWorkspaces(w.ctx, w.super)
	if len(wss) != 1 || wss[0].Status != model.WorkspaceActive || wss[0].Campaigns != 2 {
		t.Errorf("workspace list: %+v", wss)
	}
}

// A refused adoption sets nothing up.
func TestARefusedAdoptionLeavesTheWorkspaceAwaitingSetup(t *testing.T) {
	w := newWorld(t)
	w.exec(`UPDATE workspaces SET status = 'awaiting_setup' WHERE id = $1`, w.ws.ID)
	if res, _ := w.console.Adopt(w.ctx, w.super, "ohio", []string{"no-such-workflow"}); len(res) != 1 || res[0].Err == nil {
		t.Fatalf("adopting a missing workflow: %+v", res)
	}
	if ws, _ := w.store.Workspace(w.ctx, w.ws.ID); ws.Status != model.WorkspaceAwaitingSetup {
		t.Errorf("after a failed adoption the workspace is %s", ws.Status)
	}
	if rows := w.auditRows(model.AuditWorkspaceSetUp); len(rows) != 0 {
		t.Errorf("set-up rows after a failed adoption: %+v", rows)
	}
}

func archiveOhio(t *testing.T, w *world) {
	t.Helper()
	if _, _, err := w.console.ArchiveWorkspace(w.ctx, w.super, "ohio"); err != nil {
		t.Fatal(err)
	}
}

// Activating a campaign of an archived workspace is refused with the way
// back; pausing it still stops its workflow and leaves it archived.
func TestArchivedWorkspaceRefusesActivationButNotPausing(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email-1", false)
	archiveOhio(t, w)

	r := w.console.Toggle(w.ctx, w.super, c.ID, model.CampaignActive)
	want := "workspace ohio is archived: restore it first with godmode workspace restore ohio"
	if !errors.Is(r.Err, model.ErrArchived) || r.Err == nil || r.Err.Error() != want {
		t.Fatalf("activating: %v\nwant %q", r.Err, want)
	}
	if w.n8nActive(c) {
		t.Error("the refused activation switched the workflow on in n8n")
	}
	rows := w.auditRows("toggle")
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].Error != want || rows[0].ActorName != "root@example.com" {
		t.Errorf("the refusal on the record: %+v", rows)
	}

	// Someone switched it on inside n8n: pausing is allowed, stops it, and
	// the campaign stays archived.
	if err := w.n8n.SetActive(c.N8nWorkflowID, true); err != nil {
		t.Fatal(err)
	}
	if r := w.console.Toggle(w.ctx, w.super, c.ID, model.CampaignPaused); r.Err != nil || r.Outcome != model.OutcomeOK {
		t.Fatalf("pausing in an archived workspace: %s %v", r.Outcome, r.Err)
	}
	if w.n8nActive(c) {
		t.Error("pausing left the workflow active in n8n")
	}
	if got := w.reload(c); got.Status != model.CampaignArchived {
		t.Errorf("after pausing, the campaign is %s, want archived still", got.Status)
	}
}

// Sync follows n8n, except into switching on a campaign of an archived
// workspace: it says so instead.
func TestSyncDoesNotReactivateACampaignOfAnArchivedWorkspace(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email-1", false)
	archiveOhio(t, w)
	// A campaign of the archived workspace that is not archived itself
	// (set so by hand, or paused before godmode kept it archived).
	w.exec(`UPDATE campaigns SET status = 'paused' WHERE id = $1`, c.ID)
	if err := w.n8n.SetActive(c.N8nWorkflowID, true); err != nil {
		t.Fatal(err)
	}
	s := w.syncer("a", model.SyncOptions{})
	w.cycle(s)
	if got := w.reload(c); got.Status != model.CampaignPaused {
		t.Errorf("sync set the campaign of an archived workspace %s, want it left paused", got.Status)
	}
	var open []string
	for _, f := range w.findings() {
		if f.Campaign != nil && *f.Campaign == c.ID && !f.Resolved {
			open = append(open, f.Detail)
		}
	}
	if len(open) != 1 || !strings.Contains(open[0], "workspace ohio is archived but this workflow is active in n8n") {
		t.Errorf("open findings of the campaign: %q", open)
	}
	if rows := w.auditRows("sync.correct"); len(rows) != 0 {
		t.Errorf("sync corrected a campaign of an archived workspace: %+v", rows)
	}
}

// Restoring brings the workspace and the campaigns its archive retired
// back as they were, switching nothing on; a campaign archived on its
// own stays archived. Super admins only, audited.
func TestRestoreWorkspaceBringsItBackAsItWas(t *testing.T) {
	w := newWorld(t)
	on := w.campaign("Email-1", true)
	off := w.campaign("Email-2", false)
	retired := w.campaign("Old", false)
	w.n8n.Delete(retired.N8nWorkflowID)
	if _, err := w.console.Archive(w.ctx, w.super, "ohio", "Old"); err != nil {
		t.Fatal(err)
	}
	if r := w.console.Toggle(w.ctx, w.super, on.ID, model.CampaignPaused); r.Err != nil {
		t.Fatal(r.Err)
	}
	archiveOhio(t, w)

	if _, _, err := w.console.RestoreWorkspace(w.ctx, w.member, "ohio"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a member restores: %v", err)
	}
	ws, restored, err := w.console.RestoreWorkspace(w.ctx, w.super, "ohio")
	if err != nil || ws.Status != model.WorkspaceActive || strings.Join(restored, ",") != "Email-1,Email-2" {
		t.Fatalf("restore: %s %v %v", ws.Status, restored, err)
	}
	for c, want := range map[model.Campaign]model.CampaignStatus{on: model.CampaignPaused, off: model.CampaignPaused, retired: model.CampaignArchived} {
		if got := w.reload(c); got.Status != want {
			t.Errorf("%s is %s after the restore, want %s", c.Name, got.Status, want)
		}
	}
	if w.n8nActive(on) {
		t.Error("the restore switched a workflow on")
	}
	// It runs again once someone says so.
	if r := w.console.Toggle(w.ctx, w.super, on.ID, model.CampaignActive); r.Err != nil || !w.n8nActive(on) {
		t.Errorf("activating after the restore: %v", r.Err)
	}
	if _, _, err := w.console.RestoreWorkspace(w.ctx, w.super, "ohio"); err == nil || !strings.Contains(err.Error(), "workspace ohio is not archived (it is active)") {
		t.Errorf("restoring twice: %v", err)
	}
	rows := w.auditRows(model.AuditWorkspaceRestore)
	var outcomes []string
	for i := len(rows) - 1; i >= 0; i-- {
		outcomes = append(outcomes, string(rows[i].Outcome)+":"+rows[i].ActorName)
	}
	if got := strings.Join(outcomes, " "); got != "failed:member@example.com ok:root@example.com failed:root@example.com" {
		t.Errorf("restore attempts on the record: %s", got)
	}
	if ok := rows[1]; !strings.Contains(compact(ok.After), `"campaigns_restored":["Email-1","Email-2"]`) || !strings.Contains(compact(ok.After), `"status":"active"`) {
		t.Errorf("the restore's row: %s", ok.After)
	}
}

// A workspace archived while awaiting setup, or while frozen, comes back so.
func TestRestoreWorkspaceKeepsAwaitingSetupAndFreezes(t *testing.T) {
	w := newWorld(t)
	w.exec(`UPDATE workspaces SET status = 'awaiting_setup' WHERE id = $1`, w.ws.ID)
	archiveOhio(t, w)
	if ws, _, err := w.console.RestoreWorkspace(w.ctx, w.super, "ohio"); err != nil || ws.Status != model.WorkspaceAwaitingSetup {
		t.Errorf("restoring one archived awaiting setup: %s %v", ws.Status, err)
	}

	w.exec(`UPDATE workspaces SET status = 'active' WHERE id = $1`, w.ws.ID)
	c := w.campaign("Email-1", true)
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "client stopped paying"); err != nil {
		t.Fatal(err)
	}
	archiveOhio(t, w)
	ws, _, err := w.console.RestoreWorkspace(w.ctx, w.super, "ohio")
	if err != nil || ws.Status != model.WorkspaceSuspended || ws.FreezeReason != "client stopped paying" {
		t.Fatalf("restoring one archived frozen: %s %q %v", ws.Status, ws.FreezeReason, err)
	}
	// Still frozen: activation is refused as in any frozen workspace.
	if r := w.console.Toggle(w.ctx, w.super, c.ID, model.CampaignActive); !errors.Is(r.Err, model.ErrFrozen) {
		t.Errorf("activating in the restored frozen workspace: %v", r.Err)
	}
}

// Re-linking a campaign of an archived workspace is refused: it would
// give it a workflow to run.
func TestRelinkInAnArchivedWorkspaceIsRefused(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email-1", false)
	next := w.legacy("Next", true, nil, nil, nil)
	w.n8n.Delete(c.N8nWorkflowID)
	archiveOhio(t, w)
	_, err := w.console.Relink(w.ctx, w.super, "ohio", "Email-1", next.ID)
	if !errors.Is(err, model.ErrArchived) {
		t.Fatalf("relink in an archived workspace: %v", err)
	}
	if got := w.reload(c); got.N8nWorkflowID != c.N8nWorkflowID || got.Status != model.CampaignArchived {
		t.Errorf("the refused relink changed the campaign: %+v", got)
	}
	if rows := w.auditRows(model.ActionNameRelink); len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed {
		t.Errorf("relink on the record: %+v", rows)
	}
}

// The console's re-link pick list: the instance's workflows no campaign
// owns, the workspace's tagged first; refused and audited for others.
func TestRelinkChoicesAreTheUnmanagedWorkflowsTaggedFirst(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email-1", false)
	w.campaign("Owned", false)
	w.legacy("Zeta tagged", true, []string{"ws:ohio"}, nil, nil)
	w.legacy("Alpha", false, nil, nil, nil)
	w.n8n.Delete(c.N8nWorkflowID)
	got, err := w.console.RelinkChoices(w.ctx, w.super, "ohio", "Email-1")
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, ch := range got {
		shown = append(shown, ch.Name)
	}
	if strings.Join(shown, ", ") != "Zeta tagged, Alpha" || !got[0].Tagged || !got[0].Active {
		t.Errorf("choices: %+v", got)
	}
	if _, err := w.console.RelinkChoices(w.ctx, w.member, "ohio", "Email-1"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a member reads the choices: %v", err)
	}
	if rows := w.auditRows(model.ActionNameRelinkChoices); len(rows) != 1 || rows[0].Outcome != model.OutcomeFailed || rows[0].ActorName != "member@example.com" {
		t.Errorf("refused choices on the record: %+v", rows)
	}
}

// A pause cut off in an archived workspace is settled by sync without
// switching the campaign on, whatever n8n shows.
func TestSyncSettlesAStaleWishInAnArchivedWorkspaceWithoutActivating(t *testing.T) {
	w := newWorld(t)
	c := w.campaign("Email-1", false)
	archiveOhio(t, w)
	w.exec(`UPDATE campaigns SET status = 'paused', pending_status = 'paused', pending_since = now() - interval '1 hour' WHERE id = $1`, c.ID)
	if err := w.n8n.SetActive(c.N8nWorkflowID, true); err != nil {
		t.Fatal(err)
	}
	w.cycle(w.syncer("a", model.SyncOptions{}))
	got := w.reload(c)
	if got.Status != model.CampaignPaused || got.PendingStatus != nil {
		t.Errorf("after sync settled the wish: %s (pending %v), want paused and settled", got.Status, got.PendingStatus)
	}
}
