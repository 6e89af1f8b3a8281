package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
)

// goneFixture is adoptFixture with ohio's Email 1 gone from n8n: the sync
// marked it error. Ohio's hand-built workflow (tagged ws:ohio) is there to
// re-link it to.
func goneFixture(t *testing.T, readOnly bool) (*uitest.Fleet, model.Campaign) {
	t.Helper()
	f := adoptFixture(t, readOnly)
	c := f.Campaign("ohio", "Email 1")
	if err := f.N8n("ohio").Delete(c.N8nWorkflowID); err != nil {
		t.Fatal(err)
	}
	f.Sync()
	if c = f.Campaign("ohio", "Email 1"); c.Status != model.CampaignError {
		t.Fatalf("setup: ohio's Email 1 is %s after its workflow went", c.Status)
	}
	return f, c
}

// onGoneCampaign opens the console over b with the cursor on ohio's Email 1.
func onGoneCampaign(t *testing.T, b *uitest.Backend, o Options) *Root {
	t.Helper()
	r := newRoot(b, o)
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "/", "ohio", "enter", "tab", "/", "Email 1", "enter")
	if c, ok := r.Fleet().SelectedCampaign(); !ok || c.Name != "Email 1" || c.Status != model.CampaignError {
		t.Fatalf("setup: selected campaign %+v, want ohio's Email 1 in error", c)
	}
	return r
}

func TestCampaignsPaneRelinksAGoneCampaignToAPickedWorkflow(t *testing.T) {
	t.Parallel()
	f, c := goneFixture(t, false)
	b := f.AsSuper()
	r := onGoneCampaign(t, b, Options{})
	mustContain(t, plain(r.Render()), "L re-link workflow", "X archive campaign")

	_, cmd := r.Update(keyPress("L"))
	// The read is under way: the pane says so, spinning.
	mustContain(t, plain(r.Render()), "reading the workflows Email 1 could run…")
	deliverSlow(r, cmd, onboardWait)
	if b.Calls("RelinkChoices") != 1 {
		t.Fatalf("RelinkChoices called %d times", b.Calls("RelinkChoices"))
	}
	s := plain(r.Render())
	mustContain(t, s, "Re-link ohio/Email 1 to which workflow?", "> "+ohioManual, "ws:ohio")
	if got := line(s, ohioManual); !strings.Contains(got, "active") {
		t.Errorf("the choice reads %q, want its state in n8n", got)
	}
	_, cmd = r.Update(keyPress("enter"))
	mustContain(t, plain(r.Render()), "re-linking Email 1 to "+ohioManual+"…")
	deliverSlow(r, cmd, onboardWait)

	after := f.Campaign("ohio", "Email 1")
	if after.N8nWorkflowID == c.N8nWorkflowID || after.Status != model.CampaignActive || after.LastExecStatus != "success" {
		t.Fatalf("after the re-link: workflow %s status %s last %q", after.N8nWorkflowID, after.Status, after.LastExecStatus)
	}
	st := r.Status()
	want := "re-linked ohio/Email 1 to workflow " + ohioManual + " (" + after.N8nWorkflowID + "): now active, last run success 1h ago, 1 failed in 24h"
	if st.Text != want || st.Level != common.Success {
		t.Errorf("status line: %q\nwant         %q", st.Text, want)
	}
	if strings.Contains(plain(r.Render()), "re-linking") {
		t.Error("the pane still says it is re-linking")
	}
	rows := f.Audit()
	if last := rows[len(rows)-1]; last.Action != model.ActionNameRelink || last.ActorName != uitest.SuperEmail || last.Outcome != model.OutcomeOK {
		t.Errorf("newest audit row: %s by %s: %s", last.Action, last.ActorName, last.Outcome)
	}
}

func TestCampaignsPaneArchivesAGoneCampaignOnceConfirmed(t *testing.T) {
	t.Parallel()
	f, _ := goneFixture(t, false)
	b := f.AsSuper()
	r := onGoneCampaign(t, b, Options{})
	keys(r, "X")
	mustContain(t, plain(r.Render()), "Archive campaign ohio/Email 1?", "Type the campaign's name (Email 1) to confirm")
	keys(r, "Email", "enter")
	mustContain(t, plain(r.Render()), "that is not Email 1")
	if b.Calls("Archive") != 0 {
		t.Fatal("archived before it was confirmed")
	}
	keys(r, " 1")
	_, cmd := r.Update(keyPress("enter"))
	mustContain(t, plain(r.Render()), "archiving Email 1…")
	deliverSlow(r, cmd, onboardWait)
	if got := f.Campaign("ohio", "Email 1"); got.Status != model.CampaignArchived {
		t.Fatalf("after the archive Email 1 is %s", got.Status)
	}
	if st := r.Status(); st.Text != "archived ohio/Email 1: kept with its audit trail, sync leaves it alone" {
		t.Errorf("status line: %q", st.Text)
	}
	rows := f.Audit()
	if last := rows[len(rows)-1]; last.Action != model.ActionNameArchive || last.ActorName != uitest.SuperEmail || last.Outcome != model.OutcomeOK {
		t.Errorf("newest audit row: %s by %s: %s", last.Action, last.ActorName, last.Outcome)
	}
}

// Esc on the pick list changes nothing.
func TestCampaignsPaneRelinkCancelled(t *testing.T) {
	t.Parallel()
	f, c := goneFixture(t, false)
	b := f.AsSuper()
	r := onGoneCampaign(t, b, Options{})
	_, cmd := r.Update(keyPress("L"))
	deliverSlow(r, cmd, onboardWait)
	keys(r, "esc")
	if s := plain(r.Render()); strings.Contains(s, "to which workflow?") {
		t.Errorf("the pick list is still open:\n%s", s)
	}
	if b.Calls("Relink") != 0 || f.Campaign("ohio", "Email 1").N8nWorkflowID != c.N8nWorkflowID {
		t.Error("a cancelled pick re-linked the campaign")
	}
}

// L and X are not offered to an owner, nor in a read-only session, nor on
// a campaign whose workflow is there; pressed anyway, the model refuses
// and the attempt is on the record.
func TestCampaignsPaneRelinkAndArchiveHiddenAndRefusedForOthers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		readOnly bool
		owner    bool
		press    string
		action   string
	}{
		{"owner", false, true, "L", model.ActionNameRelink},
		{"read-only super admin", true, false, "X", model.ActionNameArchive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := goneFixture(t, tc.readOnly)
			b := f.AsSuper()
			who := uitest.SuperEmail
			if tc.owner {
				a := f.Member("ohio", model.RoleOwner)
				b, who = f.As(a), a.Name
			}
			r := onGoneCampaign(t, b, Options{ReadOnly: tc.readOnly})
			if s := plain(r.Render()); strings.Contains(s, "re-link workflow") || strings.Contains(s, "archive campaign") {
				t.Errorf("offered:\n%s", s)
			}
			_, cmd := r.Update(keyPress(tc.press))
			deliverSlow(r, cmd, onboardWait)
			if st := r.Status(); !strings.HasPrefix(st.Text, "refused: ") || st.Level != common.Failure {
				t.Errorf("status line: %q", st.Text)
			}
			if s := plain(r.Render()); strings.Contains(s, "to which workflow?") || strings.Contains(s, "Archive campaign") {
				t.Errorf("a dialog opened:\n%s", s)
			}
			if got := f.Campaign("ohio", "Email 1"); got.Status != model.CampaignError || got.N8nWorkflowID != c.N8nWorkflowID {
				t.Errorf("the refused key changed the campaign: %s %s", got.Status, got.N8nWorkflowID)
			}
			rows := f.Audit()
			if last := rows[len(rows)-1]; last.Action != tc.action || last.ActorName != who || last.Outcome != model.OutcomeFailed {
				t.Errorf("newest audit row: %s by %s: %s", last.Action, last.ActorName, last.Outcome)
			}
		})
	}

	// A super admin on a campaign whose workflow is there: not offered.
	f := adoptFixture(t, false)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "/", "ohio", "enter", "tab", "/", "Email 2", "enter")
	if c, _ := r.Fleet().SelectedCampaign(); c.Status == model.CampaignError {
		t.Fatalf("setup: ohio's Email 2 is in error")
	}
	if s := plain(r.Render()); strings.Contains(s, "re-link workflow") {
		t.Errorf("re-link offered on a healthy campaign:\n%s", s)
	}
}

// keyPress is one key as the terminal sends it.
func keyPress(k string) tea.KeyPressMsg {
	if k == "enter" {
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// onboardWait is how long a test gives a re-link or archive (reads of the
// fake n8n, one write): every wait lasts it whole, since the work's
// watchdog is a timer that outlasts it.
const onboardWait = 3 * time.Second

// A workspace created for an existing client waits for setup; adopting
// its running workflow from :unmanaged sets it up: the campaigns pane
// shows the campaign instead of "awaiting setup", and the workspace is
// active.
func TestAdoptingIntoANewWorkspaceSetsItUp(t *testing.T) {
	t.Parallel()
	f := adoptFixture(t, false)
	b := f.AsSuper()
	ohio := f.Workspace("ohio")
	insts, err := b.Instances(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	inst := ""
	for _, in := range insts {
		if in.ID == *ohio.InstanceID {
			inst = in.Name
		}
	}
	if _, err := b.CreateWorkspace(t.Context(), b.Actor(), model.NewWorkspace{Slug: "newco", Name: "New Co", Instance: inst}); err != nil {
		t.Fatal(err)
	}
	r := newRoot(b, Options{})
	sized(r, 160, 45)
	deliver(r, r.Init())
	keys(r, "/", "newco", "enter")
	s := plain(r.Render())
	mustContain(t, s, "Campaigns of newco [0]", "awaiting setup: ")
	mustContain(t, s, "Workspaces [1/", "○ setup")

	keys(r, "esc", "esc", ":", "unmanaged", "enter")
	v := unmanagedView(t, r)
	for i := 0; i < v.Len(); i++ {
		if sel, _ := v.Selected(); sel.WorkflowName == ohioManual {
			break
		}
		keys(r, "j")
	}
	keys(r, "a")
	for range len("ohio") {
		_, cmd := r.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		deliver(r, cmd)
	}
	keys(r, "newco")
	_, cmd := r.Update(keyPress("enter"))
	deliverSlow(r, cmd, onboardWait)
	if st := r.Status(); !strings.HasPrefix(st.Text, "adopted into newco: "+ohioManual) {
		t.Fatalf("status line: %q", st.Text)
	}
	if ws := f.Workspace("newco"); ws.Status != model.WorkspaceActive {
		t.Errorf("newco is %s after its first adoption", ws.Status)
	}

	keys(r, "esc") // back on the fleet, filtered on newco still
	s = plain(r.Render())
	if strings.Contains(s, "awaiting setup") {
		t.Errorf("the pane still says awaiting setup:\n%s", s)
	}
	mustContain(t, s, "Campaigns of newco [1]", ohioManual)
	mustContain(t, s, "Workspaces [1/", "● active")
}
