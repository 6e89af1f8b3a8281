package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/db"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
	"github.com/godmode-console/godmode/ui/uitest"
)

// subPair is florida's fleet with the recorded parent and sub-execution
// from a real n8n (execution-parent-sub-failed.json, whose Call Validator
// called execution-sub-failed-code.json): the parent as the newest
// execution of florida's Email 1, the child as an execution of a
// sub-workflow on the same n8n that no campaign owns. The recordings point
// at each other by the real n8n's ids; they are renumbered to the fake's.
type subPair struct {
	f                 *uitest.Fleet
	parent, child     string // execution ids in florida's fake n8n
	childWF, parentWF string
}

func newSubPair(t *testing.T) subPair {
	t.Helper()
	f := fleetFixture(t)
	srv := f.N8n("florida")
	wf, err := srv.AddWorkflow(n8n.Workflow{Name: "Validator",
		Connections: json.RawMessage(`{"When Called":{"main":[[{"node":"Validate Lead","type":"main","index":0}]]}}`),
		Nodes: []n8n.Node{
			{Name: "When Called", Type: "n8n-nodes-base.executeWorkflowTrigger", TypeVersion: 1.1, Position: []float64{0, 0}, Parameters: json.RawMessage(`{}`)},
			{Name: "Validate Lead", Type: "n8n-nodes-base.code", TypeVersion: 2, Position: []float64{220, 0},
				Parameters: json.RawMessage(`{"jsCode":"throw new Error(\"lead has no email\");"}`)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	p := subPair{f: f, childWF: wf.ID, parentWF: f.Campaign("florida", "Email 1").N8nWorkflowID}
	child, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: wf.ID, Status: n8n.StatusError, FailAt: "Validate Lead",
		Message: "lead has no email [line 1]", Mode: "integrated", StartedAt: uitest.Epoch.Add(-21 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	parent, err := srv.AddExecution(n8ntest.ExecutionSpec{WorkflowID: p.parentWF, Status: n8n.StatusError, FailAt: "Email Sender",
		Message: "lead has no email [line 1]", StartedAt: uitest.Epoch.Add(-20 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	p.parent, p.child = parent.ID, child.ID
	renumber := func(raw []byte) []byte {
		for _, r := range [][2]string{
			{`"executionId":"7"`, `"executionId":"` + p.child + `"`},
			{`"executionId":"6"`, `"executionId":"` + p.parent + `"`},
			{`"parentExecutionId":"6"`, `"parentExecutionId":"` + p.parent + `"`},
			{"4tZcX2Xxhoe86EvP", p.childWF},
			{"GbYcV3qCh5zsW6gd", p.parentWF},
		} {
			raw = bytes.ReplaceAll(raw, []byte(r[0]), []byte(r[1]))
		}
		return raw
	}
	for id, name := range map[string]string{p.parent: "execution-parent-sub-failed.json", p.child: "execution-sub-failed-code.json"} {
		raw, err := os.ReadFile(filepath.Join("..", "forensics", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.SetExecutionData(id, renumber(raw)); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// enter on the run that called the failed sub-execution opens it, fetched
// from the fake n8n through the model; esc walks back one step, then
// leaves the screen as before.
func TestForensicsEnterOpensTheSubExecutionAndEscWalksBack(t *testing.T) {
	t.Parallel()
	p := newSubPair(t)
	b := p.f.As(p.f.Super())
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "tab", "enter")
	s := plain(r.Render())
	mustContain(t, s, "Execution "+p.parent+" · ✗ failed",
		"✗ failed in sub-execution "+p.child+" of workflow "+p.childWF+", at node Validate Lead (called by Call Validator): lead has no email [line 1]",
		"Call Validator (→ #"+p.child+")", "enter open sub-execution "+p.child)

	keys(r, "enter")
	s = plain(r.Render())
	mustContain(t, s, "Execution "+p.child+" · ✗ failed", "✗ failed at Validate Lead: lead has no email [line 1]",
		"#"+p.parent+" godmode-contract-a12e5d67-parent-2 › #"+p.child+" godmode-contract-a12e5d67-sub-validator-1",
		"▲ called by execution "+p.parent+" of workflow "+p.parentWF, "esc back to "+p.parent)
	if n := b.Calls("LinkedExecution"); n != 1 {
		t.Errorf("%d LinkedExecution calls, want 1", n)
	}

	keys(r, "esc")
	s = plain(r.Render())
	mustContain(t, s, "Execution "+p.parent+" · ✗ failed", "esc back to fleet")
	if strings.Contains(s, " › ") {
		t.Errorf("the breadcrumb is still shown after esc:\n%s", s)
	}
	keys(r, "esc")
	if s := plain(r.Render()); !strings.Contains(s, "Executions of Email 1") || strings.Contains(s, "Execution "+p.parent+" ·") {
		t.Errorf("the last esc did not leave the screen:\n%s", s)
	}
}

// The breadcrumb screen (parent › child) at 80×24 and at 160×45, from the
// real recordings.
func TestForensicsScreenSubExecutionBreadcrumb(t *testing.T) {
	t.Parallel()
	for _, size := range []struct {
		name string
		w, h int
	}{{"forensics-sub-breadcrumb-80x24", 80, 24}, {"forensics-sub-breadcrumb", 160, 45}} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			p := newSubPair(t)
			out := forensicsScreen(t, p.f.As(p.f.Super()), size.w, size.h, func(tm *teatest.TestModel) {
				tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			}, "parent-2 › ")
			s := plain(string(out))
			mustContain(t, s, "Execution "+p.child+" · ✗ failed", "› #"+p.child)
			requireGolden(t, size.name, out)
		})
	}
}

// A member of florida opens florida's parent execution, but the
// sub-workflow belongs to another workspace on the same n8n: enter is
// refused by the model with the reason on the status line, nothing of the
// child is shown, and the attempt is on the record.
func TestForensicsSubExecutionOfAnotherWorkspaceIsRefused(t *testing.T) {
	t.Parallel()
	p := newSubPair(t)
	f := p.f
	ctx := context.Background()
	other, err := f.Store.CreateWorkspace(ctx, "keys", "Florida Keys Charters", f.Workspace("florida").InstanceID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Store.CreateCampaign(ctx, db.NewCampaign{WorkspaceID: other.ID, Name: "Validator", N8nWorkflowID: p.childWF, Status: model.CampaignActive}); err != nil {
		t.Fatal(err)
	}
	member := f.Member("florida", model.RoleMember)
	b := f.As(member)
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "tab", "tab", "enter")
	mustContain(t, plain(r.Render()), "Execution "+p.parent+" · ✗ failed", "failed in sub-execution "+p.child)
	keys(r, "enter")
	s := plain(r.Render())
	mustContain(t, s, "Execution "+p.parent+" · ✗ failed")
	if strings.Contains(s, "Execution "+p.child+" ·") || strings.Contains(s, "failed at Validate Lead") {
		t.Fatalf("another workspace's sub-execution was shown:\n%s", s)
	}
	if st := r.Status().Text; !strings.Contains(st, "You may not open execution "+p.child) {
		t.Errorf("status after the refusal: %q", st)
	}
	rows := failedRows(f.Audit(), member.Name, "inspect")
	if len(rows) != 1 || rows[0].WorkspaceID == nil || *rows[0].WorkspaceID != other.ID ||
		!strings.Contains(string(rows[0].Before), `"execution": "`+p.child+`"`) {
		t.Fatalf("want one failed inspect row naming execution %s of workspace %d: %+v", p.child, other.ID, rows)
	}
	// esc leaves the screen: the refused child was never a step of the path.
	keys(r, "esc")
	if s := plain(r.Render()); !strings.Contains(s, "Executions of Email 1") {
		t.Errorf("esc after the refusal did not leave the screen:\n%s", s)
	}
}

// The soft-failure timeline from the real n8n: the swallowed error has its
// own glyph, the verdict says so, and the error hunter lands on it with its
// error tab open.
func TestForensicsScreenSoftFailure(t *testing.T) {
	t.Parallel()
	for _, size := range []struct {
		name string
		w, h int
	}{{"forensics-soft-failure-80x24", 80, 24}, {"forensics-soft-failure", 160, 45}} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			f, id := forensicsFleet(t, "execution-soft-failure-merge.json", n8n.StatusSuccess)
			out := forensicsScreen(t, f.As(f.Super()), size.w, size.h, nil, "ECONNREFUSED")
			s := plain(string(out))
			mustContain(t, s, "Execution "+id+" · ⚠ succeeded, 1 error swallowed",
				"⚠ error swallowed at Fetch Profile, set to continue on error (1 item): connect ",
				"Timeline [2/4]", "Inspector · Fetch Profile (httpRequest)", `"message": "connect ECONNREFUSED 127.0.0.1:1"`)
			if l := lineOf(s, "Merge "); !strings.Contains(l, "✓") {
				t.Errorf("the Merge that carried the item on is not a soft failure: %q", l)
			}
			requireGolden(t, size.name, out)
		})
	}
}
