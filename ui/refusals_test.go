package ui

import (
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
)

// failedRows are the audit rows of action by actor that ended failed.
func failedRows(entries []model.AuditEntry, actor, action string) []model.AuditEntry {
	var out []model.AuditEntry
	for _, e := range entries {
		if e.ActorName == actor && e.Action == action && e.Outcome == model.OutcomeFailed {
			out = append(out, e)
		}
	}
	return out
}

// A viewer's space on a campaign is refused on screen at once by the
// console's own check, and the attempt reaches the model, which refuses it
// again and records it (on e26f193 the pre-check alone answered and the
// audit trail never heard of it).
func TestViewerToggleIsRefusedAndRecorded(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	viewer := f.Member("florida", model.RoleViewer)
	r := newRoot(f.As(viewer), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "space")

	if s := r.Status(); s.Level != common.Failure || !strings.Contains(s.Text, "refused") {
		t.Errorf("status after a viewer's space = %+v, want a refusal", s)
	}
	email1 := f.Campaign("florida", "Email 1")
	rows := failedRows(f.Audit(), viewer.Name, "toggle")
	if len(rows) != 1 {
		t.Fatalf("want one failed toggle row for %s, got %d: %+v", viewer.Name, len(rows), f.Audit())
	}
	if !strings.Contains(rows[0].Error, "viewer") || rows[0].CampaignID == nil || *rows[0].CampaignID != email1.ID {
		t.Errorf("the row should name the campaign and why: %+v", rows[0])
	}
	if email1.Status != model.CampaignActive {
		t.Errorf("a refused toggle changed the campaign to %s", email1.Status)
	}
}

// In a read-only session the action keys are hidden, but a key pressed
// anyway is refused on screen and recorded by the model, for toggles and
// for the kill switch alike.
func TestReadOnlyRefusalsAreRecorded(t *testing.T) {
	t.Parallel()
	opt := fleetOptions
	opt.ReadOnly = true
	f := uitest.New(t, opt)
	seeded := len(f.Audit())
	r := newRoot(f.As(f.Super()), Options{ReadOnly: true})
	sized(r, 160, 45)
	deliver(r, r.Init())
	if footer := plain(r.footer()); strings.Contains(footer, "freeze") {
		t.Errorf("a read-only session offers the kill switch: %q", footer)
	}
	keys(r, "F")
	if s := r.Status(); !strings.Contains(s.Text, "refused: read-only session") {
		t.Errorf("status after F = %+v", s)
	}
	keys(r, "tab", "space")
	if s := r.Status(); !strings.Contains(s.Text, "refused: read-only session") {
		t.Errorf("status after space = %+v", s)
	}
	all := f.Audit()[seeded:]
	name := f.Super().Name
	if n := len(failedRows(all, name, "freeze")); n != 1 {
		t.Errorf("%d failed freeze rows, want 1: %+v", n, all)
	}
	if n := len(failedRows(all, name, "toggle")); n != 1 {
		t.Errorf("%d failed toggle rows, want 1: %+v", n, all)
	}
	if c := f.Campaign("florida", "Email 1"); c.Status != model.CampaignActive {
		t.Errorf("a read-only toggle changed the campaign to %s", c.Status)
	}
}
