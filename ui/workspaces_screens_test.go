package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
)

// typeText types into a form: each key's work is local (huh's own
// messages), and its cursor blinks on a timer that a short wait drops.
func typeText(r *Root, s string) {
	for _, c := range s {
		_, cmd := r.Update(tea.KeyPressMsg{Code: c, Text: string(c)})
		for _, msg := range uitest.Run(cmd, 30*time.Millisecond) {
			_, next := r.Update(msg)
			deliver(r, next)
		}
	}
}

// n on the workspaces pane opens the new-workspace form; filled in, it
// creates the workspace through the model, and the fleet comes back on it
// with its campaigns pane saying what to do next.
func TestNewWorkspaceFormCreatesItAwaitingSetup(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	if footer := plain(r.footer()); !strings.Contains(footer, "n new workspace") {
		t.Errorf("a super admin's footer does not offer n: %q", footer)
	}
	keys(r, "n")
	if r.topID() != "workspace.new" {
		t.Fatalf("n opened %q, want the new-workspace form", r.topID())
	}
	screen := plain(r.Render())
	mustContain(t, screen, "New workspace", "Slug", "2 to 40 characters: lowercase letters, digits and hyphens", "n8n instance", "n8n-florida")

	// A slug the model refuses keeps the form open, saying why.
	typeText(r, "florida")
	keys(r, "enter")
	typeText(r, "Florida again")
	keys(r, "enter", "enter")
	if r.topID() != "workspace.new" {
		t.Fatalf("a refused create closed the form (now %q)", r.topID())
	}
	mustContain(t, plain(r.Render()), "workspace florida exists already")

	// What was typed is kept: only the slug is changed.
	for range len("florida") {
		_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		deliver(r, cmd)
	}
	typeText(r, "utah")
	keys(r, "enter", "enter", "enter")
	if r.topID() != "fleet" {
		t.Fatalf("after the create the console shows %q, want the fleet", r.topID())
	}
	ws := f.Workspace("utah")
	if ws.Status != model.WorkspaceAwaitingSetup || ws.Name != "Florida again" || ws.InstanceID == nil {
		t.Fatalf("utah is %+v", ws)
	}
	if s := r.Status(); s.Level != common.Success || !strings.Contains(s.Text, "created workspace utah") {
		t.Errorf("status after the create: %+v", s)
	}
	if w, ok := r.Fleet().SelectedWorkspace(); !ok || w.Slug != "utah" {
		t.Errorf("the fleet came back on %+v, want utah", w)
	}
	// A super admin is offered both ways to set it up.
	mustContain(t, plain(r.Render()), "Campaigns of utah", "awaiting setup: p provisions it from a blueprint, or adopt in :unmanaged")
	var rows []string
	for _, e := range f.Audit() {
		if e.Action == model.AuditWorkspaceCreate {
			rows = append(rows, string(e.Outcome)+" by "+e.ActorName)
		}
	}
	if got := strings.Join(rows, ", "); got != "failed by alice@platform.io, ok by alice@platform.io" {
		t.Errorf("create attempts on the record (oldest first): %s", got)
	}
}

// The form fits a small terminal; esc leaves it and changes nothing.
func TestNewWorkspaceFormEscCancels(t *testing.T) {
	t.Parallel()
	f := uitest.New(t, uitest.Options{}) // all eleven instances: a long select
	if n := len(f.Seed.Instances); n < 10 {
		t.Fatalf("the demo fleet has %d instances", n)
	}
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 80, 24)
	deliver(r, r.Init())
	keys(r, "n")
	// The form fits 80×24: the status line and the footer stay on screen.
	lines := strings.Split(plain(r.Render()), "\n")
	if len(lines) > 24 || !strings.Contains(lines[len(lines)-1], "esc back to fleet") {
		t.Errorf("the form at 80×24 draws %d lines, the last %q", len(lines), lines[len(lines)-1])
	}
	typeText(r, "half")
	keys(r, "esc")
	if r.topID() != "fleet" || !strings.Contains(r.Status().Text, "cancelled") {
		t.Fatalf("after esc: %q, status %+v", r.topID(), r.Status())
	}
	for _, e := range f.Audit() {
		if e.Action == model.AuditWorkspaceCreate {
			t.Errorf("a cancelled form reached the model: %+v", e)
		}
	}
}

// A member or viewer is not offered n; pressed anyway, it is refused on
// screen, no form opens, and the model records the attempt.
func TestNewWorkspaceIsForSuperAdminsOnly(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	for _, role := range []model.Role{model.RoleOwner, model.RoleViewer} {
		who := f.Member("florida", role)
		r := newRoot(f.As(who), Options{})
		sized(r, 160, 45)
		deliver(r, r.Init())
		if footer := plain(r.footer()); strings.Contains(footer, "new workspace") {
			t.Errorf("%s is offered n: %q", role, footer)
		}
		keys(r, "n")
		if r.topID() != "fleet" {
			t.Errorf("%s: n opened %q", role, r.topID())
		}
		if s := r.Status(); s.Level != common.Failure || s.Text != "refused: creating workspaces is for super admins only" {
			t.Errorf("%s: status after n = %+v", role, s)
		}
		if rows := failedRows(f.Audit(), who.Name, model.AuditWorkspaceCreate); len(rows) != 1 || !strings.Contains(rows[0].Error, "super admins only") {
			t.Errorf("%s: refused create rows %+v", role, rows)
		}
	}
}

// An archived workspace says so in its row and in its campaigns pane.
func TestArchivedWorkspaceSaysSo(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	ctx := context.Background()
	ws, err := f.Console.CreateWorkspace(ctx, f.Super(), model.NewWorkspace{Slug: "wyoming", Name: "Wyoming", Instance: "n8n-florida"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Console.ArchiveWorkspace(ctx, f.Super(), "wyoming"); err != nil {
		t.Fatal(err)
	}
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	deliver(r, r.Fleet().SelectWorkspace(ws.ID))
	mustContain(t, plain(r.Render()), "▫ archived", "Campaigns of wyoming", "archived: nothing in this workspace runs any more")
}
