package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

// hostile is what data can carry to the console's terminal: OSC 52 (write
// the clipboard), a screen clear, an OSC title, the C1 CSI U+009B (which
// the renderer passes through), BEL and CR (which breaks the layout).
const hostile = "\x1b]52;c;aGk=\x07\x1b[2J\x1b]0;owned\x07\u009b31m\r"

// hostileBackend holds hostile text in every name and error a screen shows.
func hostileBackend() *uitest.Backend {
	b := uitest.New(uitest.FixedClock)
	t0 := uitest.FixedClock()
	down := false
	inst := int64(1)
	b.AddInstance(model.Instance{ID: 1, Name: "n8n-eu-1", BaseURL: "https://eu-1.example.com", Healthy: &down,
		LastError: "GET: " + hostile, LastCheckedAt: &t0})
	b.AddWorkspace(model.Workspace{ID: 1, Slug: "acme", Name: "Acme " + hostile, Status: model.WorkspaceSuspended,
		InstanceID: &inst, FreezeReason: "bounces " + hostile, FrozenAt: &t0, CreatedAt: t0.Add(-time.Hour)})
	at := t0.Add(-time.Minute)
	b.AddCampaign(model.Campaign{ID: 1, WorkspaceID: 1, InstanceID: 1, Name: "Email " + hostile, N8nWorkflowID: "wf1",
		Status: model.CampaignError, Version: 1, LastError: "n8n said " + hostile, LastExecID: "9000", LastExecStatus: "error", LastExecAt: &at})
	stop := at.Add(time.Second)
	b.AddExecution(model.Execution{ID: "9000", WorkflowID: "wf1", CampaignID: 1, Status: "error", Mode: "trigger", StartedAt: at, StoppedAt: &stop})
	ws, camp := int64(1), int64(1)
	b.AddAudit(model.AuditEntry{At: at, ActorName: "eve " + hostile, Action: "toggle", WorkspaceID: &ws, CampaignID: &camp,
		Outcome: model.OutcomeFailed, Error: "refused " + hostile})
	b.AddFinding(model.Finding{Kind: model.DriftKind("unmanaged"), InstanceID: 1, InstanceName: "n8n-eu-1", WorkspaceID: &ws,
		WorkflowID: "wf9", WorkflowName: "Copy " + hostile, Detail: "found " + hostile, FirstSeenAt: at})
	return b
}

// Every screen shows data cleaned: the frame holds no sequence but the
// console's own colours.
func TestScreensCleanEveryNameAndError(t *testing.T) {
	r := newRoot(hostileBackend(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	check := func(where, shown string) {
		t.Helper()
		s := r.Render()
		if !strings.Contains(plain(s), shown+" ␛]52;") {
			t.Errorf("%s: %q is not shown, cleaned:\n%s", where, shown, plain(s))
		}
		for _, bad := range []string{"\x1b]", "\x07", "\u009b", "\r", "\x1b[2J"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s: the frame carries %q from data:\n%q", where, bad, s)
			}
		}
	}
	check("fleet", "Email")
	keys(r, "F")
	check("unfreeze dialog", "bounces")
	keys(r, "esc", ":instances", "enter")
	check(":instances", "GET:")
	keys(r, "esc", ":audit", "enter")
	check(":audit", "eve")
	keys(r, "esc", ":drift", "enter")
	check(":drift", "found")
}
