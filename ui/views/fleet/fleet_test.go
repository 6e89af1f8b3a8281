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

const wait = 300 * time.Millisecond

var superAdmin = model.Actor{UserID: 1, Name: "alice@platform.io", SuperAdmin: true}

// newFleet returns a fleet over 12 workspaces and 80 campaigns, loaded and
// focused on the campaigns of the first workspace (acme).
func newFleet(t testing.TB, b *uitest.Backend, o Options) *Model {
	t.Helper()
	if o.Theme == nil {
		o.Theme = themes.MustLoad("dark")
	}
	o.Now = uitest.FixedClock
	m := New(b, o)
	m.SetSize(160, 42)
	deliver(m, m.Update(m.Fetch()(context.Background())))
	m.SetFocus(Campaigns)
	if c, ok := m.SelectedCampaign(); !ok || c.ID != 1 {
		t.Fatalf("setup: selected campaign %v, want campaign 1 of acme", c.ID)
	}
	return m
}

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
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: superAdmin})
	if l := campaignLine(t, m, "Ohio Email 1 #1"); !strings.Contains(l, "◉ on") {
		t.Fatalf("campaign 1 should start on: %q", l)
	}

	cmd := m.Update(press("space"))

	// Nothing has run yet: the Cmd holds the backend call.
	if n := b.Calls("Toggle"); n != 0 {
		t.Fatalf("Update itself called the backend %d times", n)
	}
	if want, ok := m.Pending(1); !ok || want != model.CampaignPaused {
		t.Fatalf("pending = %v %v, want paused", want, ok)
	}
	l := campaignLine(t, m, "Ohio Email 1 #1")
	if !strings.Contains(l, " off") || strings.Contains(l, "◉ on") || strings.Contains(l, "○ off") {
		t.Errorf("switch should show off with a spinner before the Cmd runs: %q", l)
	}
	if !strings.Contains(m.CampaignsPane(), "1 switching") {
		t.Error("pane title does not say a switch is pending")
	}

	statuses := deliver(m, cmd)
	if _, ok := m.Pending(1); ok {
		t.Fatal("toggle still pending after the backend answered")
	}
	if l := campaignLine(t, m, "Ohio Email 1 #1"); !strings.Contains(l, "○ off") {
		t.Errorf("switch did not settle off: %q", l)
	}
	if c, _ := b.Campaign(1); c.Status != model.CampaignPaused {
		t.Errorf("backend has %s", c.Status)
	}
	if len(statuses) != 1 || statuses[0].Level != common.Success || !strings.Contains(statuses[0].Text, "paused") {
		t.Errorf("status = %+v, want one success saying paused", statuses)
	}
}

func TestToggleRollsBackWithTheReason(t *testing.T) {
	cases := map[string]struct {
		setup  func(b *uitest.Backend)
		reason string
	}{
		"n8n 500": {func(b *uitest.Backend) { b.ToggleErr[1] = uitest.ErrN8n500 }, "500 Internal Server Error"},
		"timeout": {func(b *uitest.Backend) {
			b.ToggleGate = make(chan struct{}) // n8n never answers
			ToggleTimeout = 50 * time.Millisecond
		}, "did not answer in time"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			defer func(d time.Duration) { ToggleTimeout = d }(ToggleTimeout)
			b := uitest.Seeded(uitest.FixedClock, 12, 80)
			tc.setup(b)
			m := newFleet(t, b, Options{Actor: superAdmin})

			statuses := deliver(m, m.Update(press("space")))

			if l := campaignLine(t, m, "Ohio Email 1 #1"); !strings.Contains(l, "◉ on") {
				t.Errorf("switch did not roll back to on: %q", l)
			}
			if _, ok := m.Pending(1); ok {
				t.Error("still pending after failure")
			}
			if len(statuses) != 1 || statuses[0].Level != common.Failure {
				t.Fatalf("statuses = %+v, want one failure", statuses)
			}
			if s := statuses[0].Text; !strings.Contains(s, "rolled back to active") || !strings.Contains(s, tc.reason) {
				t.Errorf("status %q should say it rolled back and why (%q)", s, tc.reason)
			}
		})
	}
}

func TestDoublePressSendsOneRequest(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	b.ToggleGate = make(chan struct{})
	m := newFleet(t, b, Options{Actor: superAdmin})

	first := m.Update(press("space"))
	second := m.Update(press("space"))

	go func() { b.ToggleGate <- struct{}{} }() // let exactly one answer through
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
	if c, _ := b.Campaign(1); c.Status != model.CampaignPaused {
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
	viewer := model.Actor{UserID: 7, Name: "vic@client.io", Roles: map[int64]model.Role{1: model.RoleViewer}}
	cases := map[string]struct {
		o    Options
		want string
	}{
		"viewer":    {Options{Actor: viewer}, "a viewer may not toggle"},
		"read-only": {Options{Actor: superAdmin, ReadOnly: true}, "read-only"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b := uitest.Seeded(uitest.FixedClock, 12, 80)
			b.ReadOnly = tc.o.ReadOnly
			m := newFleet(t, b, tc.o)
			if hasBinding(m, "space") || hasBinding(m, "m") {
				t.Error("toggle or mark key is offered in the footer/help")
			}
			statuses := deliver(m, m.Update(press("space")))
			// The attempt still reaches the model, which refuses and records it.
			if n := b.Calls("Toggle"); n != 1 {
				t.Errorf("backend was asked to toggle %d times, want the one attempt", n)
			}
			if _, ok := m.Pending(1); ok {
				t.Error("switch flipped although refused")
			}
			if l := campaignLine(t, m, "Ohio Email 1 #1"); !strings.Contains(l, "◉ on") {
				t.Errorf("switch changed: %q", l)
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
	member := model.Actor{UserID: 8, Name: "mo@client.io", Roles: map[int64]model.Role{1: model.RoleMember}}
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: member})
	if !hasBinding(m, "space") {
		t.Fatal("a member of acme should see the toggle key on acme's campaigns")
	}
	deliver(m, m.Update(press("space")))
	if b.Calls("Toggle") != 1 {
		t.Fatalf("member toggle not sent")
	}
}

func TestBulkToggleAboveFiveNeedsTheCountTyped(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: superAdmin})
	// acme holds 7 campaigns; mark the first 6 (archived #13 is skipped).
	for range 7 {
		m.Update(press("m"))
	}
	if got := len(m.Marked()); got != 7 {
		t.Fatalf("marked %d, want 7", got)
	}
	deliver(m, m.Update(press("space")))
	if m.dialog == nil {
		t.Fatal("no confirmation asked for a toggle of more than five campaigns")
	}
	if !strings.Contains(m.View(), "Type 6 to confirm") {
		t.Errorf("dialog should ask for the count of switchable campaigns (6):\n%s", m.View())
	}
	typeText(m, "yes")
	deliver(m, m.Update(press("enter")))
	if m.dialog == nil || b.Calls("Toggle") != 0 {
		t.Fatal("a wrong confirmation must neither close the dialog nor toggle")
	}
	for range 3 {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText(m, "6")
	deliver(m, m.Update(press("enter")))
	if m.dialog != nil {
		t.Fatal("dialog still open after the right count")
	}
	if n := b.Calls("Toggle"); n != 6 {
		t.Errorf("backend saw %d toggles, want 6", n)
	}
	// Mixed set (some paused): everything goes to paused.
	for _, id := range []int64{1, 13, 25, 37, 49, 73} {
		if c, _ := b.Campaign(id); c.Status != model.CampaignPaused {
			t.Errorf("campaign %d is %s, want paused", id, c.Status)
		}
	}
}

func TestFreezeNeedsSlugAndReason(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: superAdmin})
	m.SetFocus(Workspaces)
	deliver(m, m.Update(press("F")))
	if m.dialog == nil || !strings.Contains(m.View(), "Freeze workspace acme?") {
		t.Fatalf("no freeze dialog:\n%s", m.View())
	}
	typeText(m, "acm")
	deliver(m, m.Update(press("enter")))
	if !strings.Contains(m.View(), "that is not acme") {
		t.Errorf("wrong slug not refused:\n%s", m.View())
	}
	typeText(m, "e")
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
	if len(statuses) == 0 || statuses[0].Text != "froze acme" {
		t.Errorf("statuses %+v", statuses)
	}
	es := b.AuditEntries()
	if last := es[len(es)-1]; last.Action != "freeze" || !strings.Contains(string(last.After), "bounce storm") {
		t.Errorf("audit %+v", last)
	}
}

func TestUnfreezeOfferedOnSuspendedWorkspace(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: superAdmin})
	m.SetFocus(Workspaces)
	for range 3 { // umbrella, the 4th, is suspended
		deliver(m, m.Update(press("down")))
	}
	if !hasBinding(m, "F") {
		t.Fatal("F not offered to a super admin")
	}
	deliver(m, m.Update(press("F")))
	if !strings.Contains(m.View(), "Unfreeze workspace umbrella?") {
		t.Fatalf("no unfreeze dialog:\n%s", m.View())
	}
	typeText(m, "umbrella")
	deliver(m, m.Update(press("enter")))
	typeText(m, "customer paid")
	deliver(m, m.Update(press("enter")))
	if b.Calls("Unfreeze") != 1 {
		t.Error("Unfreeze not called")
	}
}

func TestSelectionFollowsIDAcrossRefresh(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: superAdmin})
	for range 3 {
		deliver(m, m.Update(press("down")))
	}
	before, _ := m.SelectedCampaign()
	// A campaign appears at the top of the list (another admin created it).
	snap := m.Fetch()(context.Background())
	snap.Campaigns = append([]model.Campaign{{ID: 999, WorkspaceID: 1, Name: "Aaa new", Status: model.CampaignPaused}}, snap.Campaigns...)
	deliver(m, m.Update(snap))
	after, _ := m.SelectedCampaign()
	if after.ID != before.ID {
		t.Errorf("selection moved from campaign %d to %d on refresh", before.ID, after.ID)
	}
}

func TestFailedPollKeepsTheRows(t *testing.T) {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	m := newFleet(t, b, Options{Actor: superAdmin})
	b.FailWorkspaces = context.DeadlineExceeded
	deliver(m, m.Update(m.Fetch()(context.Background())))
	if !strings.Contains(m.View(), "Ohio Email 1 #1") || !strings.Contains(m.View(), "acme") {
		t.Error("a failed poll blanked the panes")
	}
}
