package ui

import (
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
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
	b := fleetBackend()
	viewer := model.Actor{UserID: 7, Name: "vera@tenant.io", Roles: map[int64]model.Role{1: model.RoleViewer}}
	r := newRoot(b, Options{Actor: viewer})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "space")

	if s := r.Status(); s.Level != common.Failure || !strings.Contains(s.Text, "refused") {
		t.Errorf("status after a viewer's space = %+v, want a refusal", s)
	}
	rows := failedRows(b.AuditEntries(), viewer.Name, "toggle")
	if len(rows) != 1 {
		t.Fatalf("want one failed toggle row for %s, got %d: %+v", viewer.Name, len(rows), b.AuditEntries())
	}
	if !strings.Contains(rows[0].Error, "viewer") || rows[0].CampaignID == nil || *rows[0].CampaignID != 1 {
		t.Errorf("the row should name the campaign and why: %+v", rows[0])
	}
	if c, _ := b.Campaign(1); c.Status != model.CampaignActive {
		t.Errorf("a refused toggle changed the campaign to %s", c.Status)
	}
}

// In a read-only session the action keys are hidden, but a key pressed
// anyway is refused on screen and recorded by the model, for toggles and
// for the kill switch alike.
func TestReadOnlyRefusalsAreRecorded(t *testing.T) {
	b := fleetBackend()
	b.ReadOnly = true
	seeded := len(b.AuditEntries())
	r := newRoot(b, Options{ReadOnly: true})
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
	all := b.AuditEntries()[seeded:]
	if n := len(failedRows(all, superAdmin.Name, "freeze")); n != 1 {
		t.Errorf("%d failed freeze rows, want 1: %+v", n, all)
	}
	if n := len(failedRows(all, superAdmin.Name, "toggle")); n != 1 {
		t.Errorf("%d failed toggle rows, want 1: %+v", n, all)
	}
	if c, _ := b.Campaign(1); c.Status != model.CampaignActive {
		t.Errorf("a read-only toggle changed the campaign to %s", c.Status)
	}
}
