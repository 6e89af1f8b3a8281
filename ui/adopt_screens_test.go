package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/n8n/n8ntest"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
	"github.com/godmode-console/godmode/ui/views/drift"
)

const ohioManual = "Ohio holiday blast (manual)"

// adoptFixture is the screen tests' fleet where ohio's hand-built workflow
// (tagged ws:ohio) ran before the sync: a failure two hours before Epoch
// and a success one hour before. The sync's cursor passes both, owned by
// no campaign then.
func adoptFixture(t *testing.T, readOnly bool) *uitest.Fleet {
	t.Helper()
	opt := fleetOptions
	opt.NoSync, opt.ReadOnly = true, readOnly
	f := uitest.New(t, opt)
	srv := f.N8n("ohio")
	var id string
	p, err := n8n.New(srv.URL, srv.APIKey).ListWorkflows(t.Context(), n8n.WorkflowFilter{Limit: 250}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range p.Data {
		if w.Name == ohioManual {
			id = w.ID
		}
	}
	if id == "" {
		t.Fatalf("the demo fleet has no %q", ohioManual)
	}
	for _, spec := range []n8ntest.ExecutionSpec{
		{WorkflowID: id, Status: n8n.StatusError, FailAt: "Email Sender", Message: "SMTP 550", StartedAt: f.Now.Add(-2 * time.Hour), Mode: "webhook"},
		{WorkflowID: id, Status: n8n.StatusSuccess, StartedAt: f.Now.Add(-time.Hour), Mode: "webhook"},
	} {
		if _, err := srv.AddExecution(spec); err != nil {
			t.Fatal(err)
		}
	}
	f.Sync()
	return f
}

// deliverSlow is deliver for a command that calls n8n and Postgres for a
// while (an adoption): its first messages get up to wait.
func deliverSlow(r *Root, cmd tea.Cmd, wait time.Duration) {
	for _, msg := range uitest.Run(cmd, wait) {
		if _, ok := unaddressed(msg).(spinner.TickMsg); ok {
			continue
		}
		_, next := r.Update(msg)
		deliver(r, next)
	}
}

func unmanagedView(t *testing.T, r *Root) *drift.Model {
	t.Helper()
	s, ok := r.screen("unmanaged")
	if !ok {
		t.Fatal("no :unmanaged screen")
	}
	return s.(driftScreen).Model
}

func TestUnmanagedAdoptShowsTheRealLastRunInTheCampaignsPane(t *testing.T) {
	t.Parallel()
	f := adoptFixture(t, false)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":", "unmanaged", "enter")
	v := unmanagedView(t, r)
	for i := 0; i < v.Len(); i++ {
		if sel, _ := v.Selected(); sel.WorkflowName == ohioManual {
			break
		}
		keys(r, "j")
	}
	if sel, _ := v.Selected(); sel.WorkflowName != ohioManual {
		t.Fatalf("cannot select %q", ohioManual)
	}
	mustContain(t, plain(r.Render()), "a adopt", "A adopt all tagged")

	keys(r, "a")
	// The tag proposes the workspace: enter takes it.
	mustContain(t, plain(r.Render()), "Adopt 1 workflow(s)?", "Their tag names workspace ohio.", "> ohio")
	_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	deliverSlow(r, cmd, 10*time.Second)
	if b.Calls("Adopt") != 1 {
		t.Fatalf("Adopt called %d times", b.Calls("Adopt"))
	}
	st := r.Status()
	if want := "adopted into ohio: " + ohioManual + " (last run success 1h ago, 1 failed in 24h)"; st.Text != want {
		t.Errorf("status line: %q\nwant         %q", st.Text, want)
	}

	// The campaigns pane reads it with its real last run.
	c := f.Campaign("ohio", ohioManual)
	if c.LastExecStatus != "success" || c.Failures24h != 1 || c.Status != model.CampaignActive {
		t.Errorf("campaign: last %q failures %d status %s", c.LastExecStatus, c.Failures24h, c.Status)
	}
	camps, err := b.Campaigns(t.Context(), c.WorkspaceID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, cp := range camps {
		if cp.ID == c.ID {
			found = cp.LastExecAt != nil && f.Now.Sub(*cp.LastExecAt) == time.Hour && cp.Failures24h == 1
		}
	}
	if !found {
		t.Errorf("the campaigns pane's read lacks the adopted campaign's last run: %+v", camps)
	}
	keys(r, "esc")
	keys(r, "/", "ohio", "enter")
	if ws, _ := r.Fleet().SelectedWorkspace(); ws.Slug == "ohio" {
		keys(r, "tab")
		row := line(plain(r.Render()), ohioManual)
		mustContain(t, row, "◉ on", "success 1h")
		// FAIL24H is the last column but the lead count.
		if fields := strings.Fields(strings.TrimRight(strings.TrimSpace(row), "┃│")); fields[len(fields)-2] != "1" {
			t.Errorf("failures column of %q: want 1", row)
		}
	} else {
		t.Errorf("could not select ohio in the workspaces pane (selected %q)", ws.Slug)
	}

	// On the record, with its actor.
	rows := f.Audit()
	if last := rows[len(rows)-1]; last.Action != model.ActionNameAdopt || last.ActorName != uitest.SuperEmail || last.Outcome != model.OutcomeOK ||
		last.CampaignID == nil || *last.CampaignID != c.ID {
		t.Errorf("newest audit row: %s by %s: %s", last.Action, last.ActorName, last.Outcome)
	}
}

func TestUnmanagedAdoptKeysAreHiddenInReadOnly(t *testing.T) {
	t.Parallel()
	f := adoptFixture(t, true)
	b := f.AsSuper()
	r := newRoot(b, Options{ReadOnly: true})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":", "unmanaged", "enter")
	if s := plain(r.Render()); strings.Contains(s, "a adopt") || strings.Contains(s, "adopt all tagged") {
		t.Errorf("read-only session offers adoption:\n%s", s)
	}
	keys(r, "a", "A", "enter")
	if b.Calls("Adopt")+b.Calls("AdoptTagged") != 0 || strings.Contains(plain(r.Render()), "Adopt 1") {
		t.Errorf("read-only: adoption asked (%d, %d)", b.Calls("Adopt"), b.Calls("AdoptTagged"))
	}
}

func TestUnmanagedAdoptMarkedSaysWhichFailed(t *testing.T) {
	t.Parallel()
	f := adoptFixture(t, false)
	b := f.AsSuper()
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, ":", "unmanaged", "enter")
	v := unmanagedView(t, r)
	n := v.Len()
	if n < 2 {
		t.Fatalf("the fleet has %d unmanaged workflows, want texas' and ohio's", n)
	}
	for range n {
		keys(r, "m") // marks the row and moves down
	}
	mustContain(t, plain(r.Render()), fmt.Sprintf("Unmanaged workflows [%d] · %d marked", n, n))
	keys(r, "a")
	// Their tags name different workspaces: nothing is proposed.
	mustContain(t, plain(r.Render()), fmt.Sprintf("Adopt %d workflow(s)?", n))
	keys(r, "enter")
	mustContain(t, plain(r.Render()), "a workspace slug")
	keys(r, "ohio")
	_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	deliverSlow(r, cmd, 10*time.Second)
	st := r.Status()
	mustContain(t, st.Text, fmt.Sprintf("adopted 1 of %d into ohio; failed ", n), "is not in n8n on workspace ohio's instance", "adopted "+ohioManual)
	if st.Level != common.Failure {
		t.Errorf("status level %v, want a failure", st.Level)
	}
	var refused int
	for _, e := range f.Audit() {
		if e.Action == model.ActionNameAdopt && e.Outcome == model.OutcomeFailed {
			refused++
		}
	}
	if refused != n-1 {
		t.Errorf("%d failed adoptions audited, want %d", refused, n-1)
	}
}
