package fleet

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

const wait = time.Second

// small is the demo fleet's first five workspaces (ohio, kentucky, indiana
// on the legacy n8n, texas and florida on their own): florida comes first
// on screen, and its first campaign, Email 1, is active.
var small = uitest.Options{Workspaces: 5}

// newFixture is the small fleet and its super admin's backend.
func newFixture(t testing.TB, opt uitest.Options) (*uitest.Fleet, *uitest.Backend) {
	t.Helper()
	f := uitest.New(t, opt)
	return f, f.As(f.Super())
}

// newFleet returns the fleet screen over b, loaded and focused on the
// campaigns of the first workspace (florida), on Email 1.
func newFleet(t testing.TB, f *uitest.Fleet, b fleetBackend, o Options) *Model {
	t.Helper()
	if o.Theme == nil {
		o.Theme = themes.MustLoad("dark")
	}
	o.Now = f.Clock
	m := New(b, o)
	m.SetSize(160, 42)
	deliver(m, m.Update(m.Fetch()(context.Background())))
	m.SetFocus(Campaigns)
	if c, ok := m.SelectedCampaign(); !ok || c.ID != emailOne(t, f).ID {
		t.Fatalf("setup: selected campaign %+v, want florida's Email 1", c)
	}
	return m
}

// fleetBackend is what the tests hand the screen: uitest's backend, or a
// test's wrapper of it.
type fleetBackend interface {
	Backend
	Calls(method string) int
}

// emailOne is florida's Email 1, the campaign the screen starts on.
func emailOne(t testing.TB, f *uitest.Fleet) model.Campaign { return f.Campaign("florida", "Email 1") }

// deliver runs cmd and feeds every message back, as the program would,
// returning the status messages seen. Spinner frames are dropped: the
// animation would keep the loop going for as long as a toggle is pending.
func deliver(m *Model, cmd tea.Cmd) []common.StatusMsg {
	var statuses []common.StatusMsg
	for _, msg := range uitest.Run(cmd, wait) {
		if _, ok := msg.(spinner.TickMsg); ok {
			continue
		}
		if s, ok := msg.(common.StatusMsg); ok {
			statuses = append(statuses, s)
			continue
		}
		statuses = append(statuses, deliver(m, m.Update(msg))...)
	}
	return statuses
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "space":
		return tea.KeyPressMsg{Code: ' ', Text: " "}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

func typeText(m *Model, s string) {
	for _, r := range s {
		deliver(m, m.Update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
}

// campaignLine is the rendered row of the campaigns pane holding name.
func campaignLine(t *testing.T, m *Model, name string) string {
	t.Helper()
	for _, l := range strings.Split(m.CampaignsPane(), "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	t.Fatalf("campaigns pane has no row %q:\n%s", name, m.CampaignsPane())
	return ""
}

func TestToggleFlipsInTheSameUpdate(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	id := emailOne(t, f).ID
	if l := campaignLine(t, m, "Email 1"); !strings.Contains(l, "◉ on") {
		t.Fatalf("Email 1 should start on: %q", l)
	}

	cmd := m.Update(press("space"))

	// Nothing has run yet: the Cmd holds the backend call.
	if n := b.Calls("Toggle"); n != 0 {
		t.Fatalf("Update itself called the backend %d times", n)
	}
	if want, ok := m.Pending(id); !ok || want != model.CampaignPaused {
		t.Fatalf("pending = %v %v, want paused", want, ok)
	}
	l := campaignLine(t, m, "Email 1")
	if !strings.Contains(l, " off") || strings.Contains(l, "◉ on") || strings.Contains(l, "○ off") {
		t.Errorf("switch should show off with a spinner before the Cmd runs: %q", l)
	}
	if !strings.Contains(m.CampaignsPane(), "1 switching") {
		t.Error("pane title does not say a switch is pending")
	}

	statuses := deliver(m, cmd)
	if _, ok := m.Pending(id); ok {
		t.Fatal("toggle still pending after the backend answered")
	}
	if l := campaignLine(t, m, "Email 1"); !strings.Contains(l, "○ off") {
		t.Errorf("switch did not settle off: %q", l)
	}
	if c := f.CampaignByID(id); c.Status != model.CampaignPaused {
		t.Errorf("Postgres has %s", c.Status)
	}
	if wf, _ := f.N8n("florida").Workflow(emailOne(t, f).N8nWorkflowID); wf.Active {
		t.Error("the workflow is still active in n8n")
	}
	if len(statuses) != 1 || statuses[0].Level != common.Success || !strings.Contains(statuses[0].Text, "paused") {
		t.Errorf("status = %+v, want one success saying paused", statuses)
	}
}

func TestToggleRollsBackWithTheReason(t *testing.T) {
	cases := map[string]struct {
		setup  func(f *uitest.Fleet)
		reason string
	}{
		"n8n 500": {func(f *uitest.Fleet) { f.N8n("florida").FailNext(1, 500) }, "500"},
		"timeout": {func(f *uitest.Fleet) {
			f.N8n("florida").HangNext(1) // n8n never answers
			ToggleTimeout = 50 * time.Millisecond
		}, "did not answer"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			defer func(d time.Duration) { ToggleTimeout = d }(ToggleTimeout)
			f, b := newFixture(t, small)
			m := newFleet(t, f, b, Options{Actor: b.Actor()})
			tc.setup(f)

			statuses := deliver(m, m.Update(press("space")))

			if l := campaignLine(t, m, "Email 1"); !strings.Contains(l, "◉ on") {
				t.Errorf("switch did not roll back to on: %q", l)
			}
			if _, ok := m.Pending(emailOne(t, f).ID); ok {
				t.Error("still pending after failure")
			}
			if len(statuses) != 1 || statuses[0].Level != common.Failure {
				t.Fatalf("statuses = %+v, want one failure", statuses)
			}
			if s := statuses[0].Text; !strings.Contains(s, "rolled back to active") || !strings.Contains(s, tc.reason) {
				t.Errorf("status %q should say it rolled back and why (%q)", s, tc.reason)
			}
			if c := emailOne(t, f); c.Status != model.CampaignActive {
				t.Errorf("a failed toggle left the campaign %s", c.Status)
			}
		})
	}
}

func TestDoublePressSendsOneRequest(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})

	first := m.Update(press("space"))
	second := m.Update(press("space"))

	statuses := deliver(m, tea.Batch(first, second))
	if n := b.Calls("Toggle"); n != 1 {
		t.Fatalf("backend saw %d toggles for a double press, want 1", n)
	}
	var sawBusy bool
	for _, s := range statuses {
		sawBusy = sawBusy || strings.Contains(s.Text, "already switching")
	}
	if !sawBusy {
		t.Errorf("second press should say the campaign is already switching; got %+v", statuses)
	}
	if c := emailOne(t, f); c.Status != model.CampaignPaused {
		t.Errorf("campaign ended %s, want paused (one flip, not two)", c.Status)
	}
}

func hasBinding(m *Model, keyName string) bool {
	for _, b := range m.ShortHelp() {
		if b.Enabled() && b.Help().Key == keyName {
			return true
		}
	}
	for _, g := range m.FullHelp() {
		for _, b := range g {
			if b.Enabled() && b.Help().Key == keyName {
				return true
			}
		}
	}
	return false
}

func TestToggleRefusedForViewerAndReadOnly(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		opt  uitest.Options
		who  func(f *uitest.Fleet) model.Actor
		want string
	}{
		"viewer":    {small, func(f *uitest.Fleet) model.Actor { return f.Member("florida", model.RoleViewer) }, "a viewer may not toggle"},
		"read-only": {uitest.Options{Workspaces: 5, ReadOnly: true}, (*uitest.Fleet).Super, "read-only"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := uitest.New(t, tc.opt)
			actor := tc.who(f)
			b := f.As(actor)
			m := newFleet(t, f, b, Options{Actor: actor, ReadOnly: tc.opt.ReadOnly})
			if hasBinding(m, "space") || hasBinding(m, "m") {
				t.Error("toggle or mark key is offered in the footer/help")
			}
			seen := len(f.Audit())
			statuses := deliver(m, m.Update(press("space")))
			// The attempt still reaches the model, which refuses and records it.
			if n := b.Calls("Toggle"); n != 1 {
				t.Errorf("backend was asked to toggle %d times, want the one attempt", n)
			}
			if rows := f.Audit()[seen:]; len(rows) != 1 || rows[0].Action != "toggle" || rows[0].Outcome != model.OutcomeFailed {
				t.Errorf("want one failed toggle on the record, got %+v", rows)
			}
			if _, ok := m.Pending(emailOne(t, f).ID); ok {
				t.Error("switch flipped although refused")
			}
			if l := campaignLine(t, m, "Email 1"); !strings.Contains(l, "◉ on") {
				t.Errorf("switch changed: %q", l)
			}
			if c := emailOne(t, f); c.Status != model.CampaignActive {
				t.Errorf("a refused toggle left the campaign %s", c.Status)
			}
			if len(statuses) != 1 || !strings.Contains(statuses[0].Text, tc.want) {
				t.Errorf("status = %+v, want it to say %q", statuses, tc.want)
			}
			if hasBinding(m, "F") {
				t.Error("kill switch offered")
			}
		})
	}
}

func TestMemberMayToggleOnlyInOwnWorkspace(t *testing.T) {
	t.Parallel()
	f := uitest.New(t, small)
	member := f.Member("florida", model.RoleMember)
	b := f.As(member)
	m := newFleet(t, f, b, Options{Actor: member})
	if !hasBinding(m, "space") {
		t.Fatal("a member of florida should see the toggle key on florida's campaigns")
	}
	deliver(m, m.Update(press("space")))
	if b.Calls("Toggle") != 1 {
		t.Fatalf("member toggle not sent")
	}
	if c := emailOne(t, f); c.Status != model.CampaignPaused {
		t.Errorf("the member's toggle left Email 1 %s", c.Status)
	}
}

func TestBulkToggleAboveFiveNeedsTheCountTyped(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	// florida holds 8 campaigns; Research Report is archived and skipped.
	for range 8 {
		m.Update(press("m"))
	}
	if got := len(m.Marked()); got != 8 {
		t.Fatalf("marked %d, want 8", got)
	}
	deliver(m, m.Update(press("space")))
	if m.dialog == nil {
		t.Fatal("no confirmation asked for a toggle of more than five campaigns")
	}
	if !strings.Contains(m.View(), "Type 7 to confirm") {
		t.Errorf("dialog should ask for the count of switchable campaigns (7):\n%s", m.View())
	}
	typeText(m, "yes")
	deliver(m, m.Update(press("enter")))
	if m.dialog == nil || b.Calls("Toggle") != 0 {
		t.Fatal("a wrong confirmation must neither close the dialog nor toggle")
	}
	for range 3 {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(m, "7")
	deliver(m, m.Update(press("enter")))
	if m.dialog != nil {
		t.Fatal("dialog still open after the right count")
	}
	if n := b.Calls("Toggle"); n != 7 {
		t.Errorf("backend saw %d toggles, want 7", n)
	}
	// Mixed set (one already paused): everything that n8n still holds goes
	// to paused; Follow-up Wait, deleted in n8n, stays in error.
	for _, name := range []string{"Email 1", "Email 2", "Email 3", "Email Preparation", "Opt-Out", "Reply Tracker"} {
		if c := f.Campaign("florida", name); c.Status != model.CampaignPaused {
			t.Errorf("%s is %s, want paused", name, c.Status)
		}
	}
	if c := f.Campaign("florida", "Follow-up Wait"); c.Status != model.CampaignError {
		t.Errorf("Follow-up Wait is %s, want error", c.Status)
	}
}

func TestFreezeNeedsSlugAndReason(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	m.SetFocus(Workspaces)
	deliver(m, m.Update(press("F")))
	if m.dialog == nil || !strings.Contains(m.View(), "Freeze workspace florida?") {
		t.Fatalf("no freeze dialog:\n%s", m.View())
	}
	typeText(m, "flor")
	deliver(m, m.Update(press("enter")))
	if !strings.Contains(m.View(), "that is not florida") {
		t.Errorf("wrong slug not refused:\n%s", m.View())
	}
	typeText(m, "ida")
	deliver(m, m.Update(press("enter")))
	deliver(m, m.Update(press("enter"))) // empty reason
	if !strings.Contains(m.View(), "a reason is required") {
		t.Errorf("empty reason not refused:\n%s", m.View())
	}
	typeText(m, "bounce storm")
	statuses := deliver(m, m.Update(press("enter")))
	if b.Calls("Freeze") != 1 {
		t.Fatal("Freeze not called")
	}
	if len(statuses) == 0 || statuses[0].Text != "froze florida" {
		t.Errorf("statuses %+v", statuses)
	}
	if ws := f.Workspace("florida"); ws.Status != model.WorkspaceSuspended || ws.FreezeReason != "bounce storm" {
		t.Errorf("florida after the freeze: %s %q", ws.Status, ws.FreezeReason)
	}
	if c := emailOne(t, f); c.Status != model.CampaignPaused {
		t.Errorf("the freeze left Email 1 %s", c.Status)
	}
	es := f.Audit()
	if last := es[len(es)-1]; last.Action != "freeze" || !strings.Contains(string(last.After), "bounce storm") {
		t.Errorf("audit %+v", last)
	}
}

func TestUnfreezeOfferedOnSuspendedWorkspace(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	// Someone froze florida elsewhere.
	if err := f.Console.Freeze(context.Background(), b.Actor(), f.Workspace("florida").ID, "invoice unpaid"); err != nil {
		t.Fatal(err)
	}
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	m.SetFocus(Workspaces)
	if !hasBinding(m, "F") {
		t.Fatal("F not offered to a super admin")
	}
	deliver(m, m.Update(press("F")))
	if !strings.Contains(m.View(), "Unfreeze workspace florida?") {
		t.Fatalf("no unfreeze dialog:\n%s", m.View())
	}
	typeText(m, "florida")
	deliver(m, m.Update(press("enter")))
	typeText(m, "customer paid")
	deliver(m, m.Update(press("enter")))
	if b.Calls("Unfreeze") != 1 {
		t.Error("Unfreeze not called")
	}
	if ws := f.Workspace("florida"); ws.Status != model.WorkspaceActive {
		t.Errorf("florida is %s after the unfreeze", ws.Status)
	}
}

func TestSelectionFollowsIDAcrossRefresh(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	for range 3 {
		deliver(m, m.Update(press("down")))
	}
	before, _ := m.SelectedCampaign()
	// A campaign appears at the top of the list (another admin created it).
	snap := m.Fetch()(context.Background())
	snap.Campaigns = append([]model.Campaign{{ID: 999, WorkspaceID: before.WorkspaceID, Name: "Aaa new", Status: model.CampaignPaused}}, snap.Campaigns...)
	deliver(m, m.Update(snap))
	after, _ := m.SelectedCampaign()
	if after.ID != before.ID {
		t.Errorf("selection moved from campaign %d to %d on refresh", before.ID, after.ID)
	}
}

// A poll whose reads of Postgres fail (here: cut off by its context, as a
// poll past its deadline is) leaves the panes as they were.
func TestFailedPollKeepsTheRows(t *testing.T) {
	t.Parallel()
	f, b := newFixture(t, small)
	m := newFleet(t, f, b, Options{Actor: b.Actor()})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	snap := m.Fetch()(ctx)
	if snap.Err == nil {
		t.Fatal("setup: a poll with its context cancelled did not fail")
	}
	deliver(m, m.Update(snap))
	if !strings.Contains(m.View(), "Email 1") || !strings.Contains(m.View(), "florida") {
		t.Error("a failed poll blanked the panes")
	}
}
