package model_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
)

func TestCreateWorkspaceIsAwaitingSetupOnItsInstanceAndAudited(t *testing.T) {
	w := newWorld(t)
	ws, err := w.console.CreateWorkspace(w.ctx, w.super, model.NewWorkspace{Slug: "texas", Name: " Texas Roofing ", Instance: "ohio"})
	if err != nil {
		t.Fatal(err)
	}
	if ws.Status != model.WorkspaceAwaitingSetup || ws.Name != "Texas Roofing" || ws.InstanceID == nil || *ws.InstanceID != *w.ws.InstanceID {
		t.Errorf("created %+v, want awaiting_setup on ohio's instance named Texas Roofing", ws)
	}
	// Nothing provisioned: no campaign, and n8n was not asked to create anything.
	if camps, _ := w.store.Campaigns(w.ctx, ws.ID); len(camps) != 0 {
		t.Errorf("a new workspace has campaigns: %+v", camps)
	}
	page, err := n8n.New(w.n8n.URL, w.n8n.APIKey).ListWorkflows(w.ctx, n8n.WorkflowFilter{}, "")
	if err != nil || len(page.Data) != 0 {
		t.Errorf("creating a workspace made workflows in n8n: %+v %v", page.Data, err)
	}
	rows := w.auditRows(model.AuditWorkspaceCreate)
	if len(rows) != 1 || rows[0].Outcome != model.OutcomeOK || rows[0].ActorName != "root@example.com" ||
		rows[0].WorkspaceID == nil || *rows[0].WorkspaceID != ws.ID || !strings.Contains(compact(rows[0].After), `"status":"awaiting_setup"`) {
		t.Fatalf("audit rows %+v", rows)
	}
}

func TestCreateWorkspaceRefusalsSayWhyAndAreAudited(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name  string
		actor model.Actor
		in    model.NewWorkspace
		want  string
		is    error
	}{
		{"member", w.member, model.NewWorkspace{Slug: "texas", Name: "Texas", Instance: "ohio"}, "manage_workspaces is for super admins only", model.ErrForbidden},
		{"viewer", w.viewer, model.NewWorkspace{Slug: "texas", Name: "Texas", Instance: "ohio"}, "super admins only", model.ErrForbidden},
		{"one letter", w.super, model.NewWorkspace{Slug: "t", Name: "T", Instance: "ohio"}, `slug "t" has 1 characters: a slug is 2 to 40 characters`, model.ErrInvalid},
		{"too long", w.super, model.NewWorkspace{Slug: strings.Repeat("a", 41), Name: "A", Instance: "ohio"}, "has 41 characters", model.ErrInvalid},
		{"capital", w.super, model.NewWorkspace{Slug: "Texas", Name: "T", Instance: "ohio"}, `'T' at position 1 is not allowed: a slug is 2 to 40 characters: lowercase letters, digits and hyphens`, model.ErrInvalid},
		{"underscore", w.super, model.NewWorkspace{Slug: "tex_as", Name: "T", Instance: "ohio"}, `'_' at position 4`, model.ErrInvalid},
		{"trailing hyphen", w.super, model.NewWorkspace{Slug: "texas-", Name: "T", Instance: "ohio"}, "ends with a hyphen", model.ErrInvalid},
		{"no name", w.super, model.NewWorkspace{Slug: "texas", Name: "  ", Instance: "ohio"}, "a workspace needs a name", model.ErrInvalid},
		{"control", w.super, model.NewWorkspace{Slug: "texas", Name: "Tex\x1b[2Jas", Instance: "ohio"}, "control character", model.ErrInvalid},
		{"no instance", w.super, model.NewWorkspace{Slug: "texas", Name: "Texas", Instance: "mars"}, `no n8n instance "mars": the instances are ohio`, nil},
		{"duplicate", w.super, model.NewWorkspace{Slug: "ohio", Name: "Ohio again", Instance: "ohio"}, "workspace ohio exists already (Ohio Roofing, active): choose another slug", model.ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(w.auditRows(model.AuditWorkspaceCreate))
			_, err := w.console.CreateWorkspace(w.ctx, tc.actor, tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("error %v, want one saying %q (%v)", err, tc.want, tc.is)
			}
			rows := w.auditRows(model.AuditWorkspaceCreate)
			if len(rows) != before+1 || rows[0].Outcome != model.OutcomeFailed || rows[0].Error != err.Error() || rows[0].ActorName != tc.actor.Name {
				t.Fatalf("%d audit rows (had %d), newest %+v", len(rows), before, rows[0])
			}
		})
	}
	if wss, _ := w.store.WorkspaceSummaries(w.ctx); len(wss) != 1 {
		t.Errorf("refused creates left %d workspaces", len(wss))
	}
}

func TestReadOnlyConsoleRefusesCreateAndArchive(t *testing.T) {
	w := newWorld(t)
	ro := model.NewConsole(w.store, dial(), model.ConsoleOptions{ReadOnly: true})
	if _, err := ro.CreateWorkspace(w.ctx, w.super, model.NewWorkspace{Slug: "texas", Name: "Texas", Instance: "ohio"}); !errors.Is(err, model.ErrForbidden) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("create in a read-only console: %v", err)
	}
	if _, _, err := ro.ArchiveWorkspace(w.ctx, w.super, "ohio"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("archive in a read-only console: %v", err)
	}
	if n := len(w.auditRows(model.AuditWorkspaceCreate)) + len(w.auditRows(model.AuditWorkspaceArchive)); n != 2 {
		t.Errorf("%d audit rows, want both refusals", n)
	}
}

func TestListAndShowWorkspacesAreThoseTheActorMayView(t *testing.T) {
	tt := newTwoTenants(t)
	w := tt.world
	wss, err := w.console.ListWorkspaces(w.ctx, w.member)
	if err != nil || len(wss) != 1 || wss[0].Slug != "ohio" {
		t.Fatalf("member lists %+v %v, want ohio only", wss, err)
	}
	if wss, _ := w.console.ListWorkspaces(w.ctx, w.super); len(wss) != 2 {
		t.Errorf("super admin lists %d workspaces, want 2", len(wss))
	}
	d, err := w.console.ShowWorkspace(w.ctx, w.viewer, "ohio")
	if err != nil {
		t.Fatal(err)
	}
	if d.InstanceName != "ohio" || d.Status != model.WorkspaceActive || d.CampaignCounts[model.CampaignPaused] != 1 || d.Campaigns != 1 {
		t.Errorf("show ohio: %+v", d.WorkspaceSummary)
	}
	var members []string
	for _, m := range d.Members {
		members = append(members, m.Email+":"+string(m.Role))
	}
	if got := strings.Join(members, " "); got != "member@example.com:member viewer@example.com:viewer" {
		t.Errorf("members: %s", got)
	}
	before := len(w.auditRows(model.AuditWorkspaceShow))
	if _, err := w.console.ShowWorkspace(w.ctx, w.member, "texas"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("member shows texas: %v", err)
	}
	if rows := w.auditRows(model.AuditWorkspaceShow); len(rows) != before+1 || rows[0].Outcome != model.OutcomeFailed {
		t.Errorf("a refused show is not on the record: %+v", rows)
	}
}

func TestArchiveRefusesActiveCampaignsThenArchivesEverythingForGood(t *testing.T) {
	w := newWorld(t)
	on := w.campaign("Email-1", true)
	off := w.campaign("Email-2", false)
	if _, _, err := w.console.ArchiveWorkspace(w.ctx, w.member, "ohio"); !errors.Is(err, model.ErrForbidden) {
		t.Errorf("a member archives: %v", err)
	}
	_, _, err := w.console.ArchiveWorkspace(w.ctx, w.super, "ohio")
	if err == nil || !strings.Contains(err.Error(), "workspace ohio has 1 campaign(s) active or switching ([Email-1]): pause them, or freeze the workspace") {
		t.Fatalf("archive with an active campaign: %v", err)
	}
	if ws, _ := w.store.Workspace(w.ctx, w.ws.ID); ws.Status != model.WorkspaceActive {
		t.Fatalf("a refused archive changed the workspace: %s", ws.Status)
	}
	if r := w.console.Toggle(w.ctx, w.super, on.ID, model.CampaignPaused); r.Err != nil {
		t.Fatal(r.Err)
	}
	ws, archived, err := w.console.ArchiveWorkspace(w.ctx, w.super, "ohio")
	if err != nil || ws.Status != model.WorkspaceArchived || strings.Join(archived, ",") != "Email-1,Email-2" {
		t.Fatalf("archive: %+v %v %v", ws, archived, err)
	}
	for _, c := range []model.Campaign{on, off} {
		if got := w.reload(c); got.Status != model.CampaignArchived {
			t.Errorf("%s is %s after the archive", c.Name, got.Status)
		}
	}
	// Nothing in it runs again: a toggle and the kill switch say why.
	if r := w.console.Toggle(w.ctx, w.super, on.ID, model.CampaignActive); !errors.Is(r.Err, model.ErrArchived) || w.n8nActive(on) {
		t.Errorf("toggle in an archived workspace: %v (n8n active %v)", r.Err, w.n8nActive(on))
	}
	if err := w.console.Freeze(w.ctx, w.super, w.ws.ID, "test"); !errors.Is(err, model.ErrArchived) {
		t.Errorf("freeze of an archived workspace: %v", err)
	}
	if _, _, err := w.console.ArchiveWorkspace(w.ctx, w.super, "ohio"); err == nil || !strings.Contains(err.Error(), "archived already") {
		t.Errorf("archive twice: %v", err)
	}
	rows := w.auditRows(model.AuditWorkspaceArchive)
	var outcomes []string
	for i := len(rows) - 1; i >= 0; i-- {
		outcomes = append(outcomes, string(rows[i].Outcome))
	}
	if got := strings.Join(outcomes, " "); got != "failed failed ok failed" {
		t.Errorf("archive attempts on the record: %s", got)
	}
	if ok := rows[1]; !strings.Contains(compact(ok.After), `"campaigns_archived":["Email-1","Email-2"]`) || ok.WorkspaceID == nil {
		t.Errorf("the archive's row: %s", ok.After)
	}
}

// compact is an audit row's JSON as Go writes it (Postgres' jsonb spaces it).
func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	_ = json.Compact(&b, raw)
	return b.String()
}
