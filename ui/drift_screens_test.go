package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

func ago(d time.Duration) time.Time { return uitest.Epoch.Add(-d) }

func at(t time.Time) *time.Time { return &t }

// findingOf builds a finding about a seeded campaign, with the names the
// database join would give it.
func findingOf(b *uitest.Backend, campID int64, kind model.DriftKind, corrected bool, detail string, age time.Duration) model.Finding {
	c, _ := b.Campaign(campID)
	ws, _ := b.Workspaces(context.Background())
	f := model.Finding{Kind: kind, InstanceID: c.InstanceID, WorkspaceID: &c.WorkspaceID, CampaignID: &c.ID,
		CampaignName: c.Name, WorkflowID: c.N8nWorkflowID, Detail: detail, Corrected: corrected, FirstSeenAt: ago(age)}
	for _, w := range ws {
		if w.ID == c.WorkspaceID {
			f.WorkspaceSlug, f.InstanceName = w.Slug, w.InstanceName
		}
	}
	if corrected {
		f.ResolvedAt = at(f.FirstSeenAt)
	}
	return f
}

// driftBackend is the screen tests' fleet with what a sync loop would have
// found in it: corrections, a campaign whose workflow is gone, unmanaged
// workflows with and without a workspace tag, one that went away.
func driftBackend() *uitest.Backend {
	b := fleetBackend()
	b.AddFinding(findingOf(b, 14, model.DriftWebhookMismatch, true, "webhook URL was https://hooks.example.com/old, now https://hooks.example.com/globex-3", 3*time.Hour))
	b.AddFinding(model.Finding{Kind: model.DriftOrphanWorkflow, InstanceID: 3, InstanceName: "n8n-ap-1", WorkflowID: "aB3dE5fG7hI9jK1l",
		WorkflowName: "My test flow", Detail: "no workspace tag, owned by no campaign", FirstSeenAt: ago(50 * time.Hour)})
	b.AddFinding(model.Finding{Kind: model.DriftOrphanWorkflow, InstanceID: 1, InstanceName: "n8n-eu-1", WorkflowID: "zz9Y8x7W6v5U4t3S",
		WorkflowName: "acme · Copy of Email 1", Detail: "deleted in n8n", FirstSeenAt: ago(26 * time.Hour), ResolvedAt: at(ago(20 * time.Hour))})
	gone := findingOf(b, 9, model.DriftOrphanDBRecord, false, "workflow deleted in n8n; campaign marked error", 15*time.Minute)
	b.AddFinding(gone)
	ws2 := int64(2)
	b.AddFinding(model.Finding{Kind: model.DriftOrphanWorkflow, InstanceID: 2, InstanceName: "n8n-us-1", WorkspaceID: &ws2, WorkspaceSlug: "globex",
		WorkflowID: "wf7Qx2LmNp0aBcDe", WorkflowName: "globex · Old warm-up", Detail: "tagged globex, owned by no campaign", FirstSeenAt: ago(40 * time.Minute)})
	b.AddFinding(findingOf(b, 1, model.DriftStateMismatch, true, "active in n8n, was paused", 2*time.Minute))
	b.SetHealth(func(h *model.Health) { h.DriftCount = 4 })
	return b
}

func enterCommand(tm *teatest.TestModel, cmd string) {
	tm.Type(":" + cmd)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
}

func TestScreenDrift(t *testing.T) {
	out := screen(t, driftBackend(), 160, 45, func(tm *teatest.TestModel) { enterCommand(tm, "drift") }, "My test flow (aB3dE5fG7hI9jK1l)")
	screen := plain(string(out))
	mustContain(t, screen, "Drift [6] · 3 need you", "drift 4", "t cycle kind")
	for _, row := range []struct {
		has  string
		want []string
	}{
		{"Ohio Email 1 #1", []string{"2m ago", "corrected", "on/off", "n8n-eu-1", "acme", "active in n8n, was paused"}},
		{"Ohio Warm-up #2", []string{"15m ago", "needs you", "wf gone", "tyrell", "workflow deleted in n8n; campaign marked error"}},
		{"globex · Old warm-up (wf7Qx2LmNp0aBcDe)", []string{"40m ago", "needs you", "unmanaged", "n8n-us-1", "globex"}},
		{"acme · Copy of Email 1", []string{"26h ago", "gone", "unmanaged"}},
	} {
		mustContain(t, line(screen, row.has), row.want...)
	}
	teatest.RequireEqualOutput(t, out)
}

func TestScreenUnmanaged(t *testing.T) {
	out := screen(t, driftBackend(), 160, 45, func(tm *teatest.TestModel) { enterCommand(tm, "unmanaged") }, "aB3dE5fG7hI9jK1l My test flow")
	s := plain(string(out))
	mustContain(t, line(s, "wf7Qx2LmNp0aBcDe"), "n8n-us-1", "globex · Old warm-up", "globex", "40m ago")
	mustContain(t, line(s, "aB3dE5fG7hI9jK1l"), "n8n-ap-1", "My test flow", " - ", "2d ago")
	if strings.Contains(s, "Copy of Email 1") {
		t.Error("a workflow that went away is listed as unmanaged")
	}
	teatest.RequireEqualOutput(t, out)
}

func TestScreenDriftAt80x24(t *testing.T) {
	out := screen(t, driftBackend(), 80, 24, func(tm *teatest.TestModel) {
		enterCommand(tm, "drift")
	}, "acme/Ohio Email 1 #1: active")
	mustContain(t, plain(string(out)), "Drift [6] · 3 need you", "corrected", "needs you")
	teatest.RequireEqualOutput(t, out)
}

// TestScreenCorrectionArrives: sync corrects a campaign somewhere; this
// console says so on its status line and counts it in the header, with no
// key pressed and long before its next poll.
func TestScreenCorrectionArrives(t *testing.T) {
	b := driftBackend()
	b.FeedChanges()
	c, _ := b.Campaign(25)
	out := screen(t, b, 160, 45, func(tm *teatest.TestModel) {
		f := b.AddFinding(findingOf(b, 25, model.DriftStateMismatch, true, "paused in n8n, was active", 0))
		b.SetCampaignStatus(25, model.CampaignPaused)
		b.SetHealth(func(h *model.Health) { h.DriftCount = 5 })
		ws := f.WorkspaceID
		b.Emit(model.ChangeSet{Tables: map[string]bool{model.TableCampaigns: true, model.TableSyncFindings: true},
			Workspaces: map[int64]bool{*ws: true}, NewFindings: []int64{f.ID}, Count: 3})
	}, "sync corrected")
	mustContain(t, plain(string(out)), "sync corrected acme/"+c.Name+": paused in n8n, was active", "drift 5")
	teatest.RequireEqualOutput(t, out)
}
