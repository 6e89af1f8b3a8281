package ui

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
	"github.com/godmode-console/godmode/ui/uitest"
)

// hostile is what data can carry to the console's terminal: OSC 52 (write
// the clipboard), a screen clear, an OSC title, the C1 CSI U+009B (which
// the renderer passes through), BEL and CR (which breaks the layout).
const hostile = "\x1b]52;c;aGk=\x07\x1b[2J\x1b]0;owned\x07\u009b31m\r"

// hostileBackend is a fleet whose names and errors carry hostile text,
// each written where production writes it: a workspace "acme" on
// florida's n8n, frozen with a hostile reason, holding a campaign whose
// workflow n8n says is gone with a hostile error, an audit row of a
// hostile actor, an unmanaged workflow with a hostile name, and the
// instance's last error.
func hostileBackend(t *testing.T) *uitest.Backend {
	t.Helper()
	ctx := context.Background()
	f := uitest.New(t, uitest.Options{Workspaces: 5, NoSync: true})
	super := f.Super()
	srv := f.N8n("florida")
	inst := f.Seed.Instances["n8n-florida"]
	ws, err := f.Store.CreateWorkspace(ctx, "acme", "Acme "+hostile, &inst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceActive, ""); err != nil {
		t.Fatal(err)
	}
	tpl := demofleet.Templates[0]
	wf, err := srv.AddWorkflow(n8n.Workflow{Name: "acme · Email", Nodes: tpl.Nodes("acme-email"), Connections: json.RawMessage(tpl.Connections)})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := f.Store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: ws.ID, Name: "Email " + hostile, N8nWorkflowID: wf.ID, Status: model.CampaignPaused})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID, Status: n8n.StatusError, StartedAt: uitest.Epoch.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	copyWf, err := srv.AddWorkflow(n8n.Workflow{Name: "Copy " + hostile, Nodes: tpl.Nodes("acme-copy"), Connections: json.RawMessage(tpl.Connections)})
	if err != nil {
		t.Fatal(err)
	}
	tag, err := srv.AddTag(model.WorkspaceTagPrefix + "acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.TagWorkflow(copyWf.ID, tag.ID); err != nil {
		t.Fatal(err)
	}
	f.Sync()
	// The model refuses such a reason; another writer of Postgres need not.
	if _, err := f.Store.SetWorkspaceStatus(ctx, ws.ID, model.WorkspaceSuspended, "bounces "+hostile); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.Settle(ctx, camp.ID, model.CampaignError, "n8n said "+hostile); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.AppendAudit(ctx, model.AuditEntry{ActorName: "eve " + hostile, Action: "toggle", WorkspaceID: &ws.ID, CampaignID: &camp.ID,
		Outcome: model.OutcomeFailed, Error: "refused " + hostile}); err != nil {
		t.Fatal(err)
	}
	// texas' n8n (no call of this test reaches it, so nothing records it
	// up again) failed with a hostile error.
	if err := f.Store.RecordInstanceHealth(ctx, f.Seed.Instances["n8n-texas"], false, 0, "GET: "+hostile); err != nil {
		t.Fatal(err)
	}
	f.PinTimes()
	return f.As(super)
}

// Every screen shows data cleaned: the frame holds no sequence but the
// console's own colours.
func TestScreensCleanEveryNameAndError(t *testing.T) {
	t.Parallel()
	r := newRoot(hostileBackend(t), Options{})
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
	check(":drift", "Copy")
}
