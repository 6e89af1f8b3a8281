package pulse

import (
	"errors"
	"strings"
	"testing"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// The fleet's row comes first, then the workspaces with most failures
// in 24 hours; each shows both windows' counts and the failures'
// sparkline, oldest hour first.
func TestPulseShowsTheFleetThenTheWorstWorkspaces(t *testing.T) {
	f := &fake{pulse: samplePulse()}
	m := newScreen(t, f, 160, 40)
	run(m, m.Init())
	s := plain(m.View())
	fleetAt, floridaAt, texasAt, ohioAt := strings.Index(s, "│fleet "), strings.Index(s, "│florida "), strings.Index(s, "│texas "), strings.Index(s, "│ohio ")
	if fleetAt < 0 || !(fleetAt < floridaAt && floridaAt < texasAt && texasAt < ohioAt) {
		t.Fatalf("want fleet, florida, texas, ohio in that order:\n%s", s)
	}
	for _, want := range []string{"last hour", "last 24 hours", "Pulse of the fleet [3 workspaces]", "FAILURES PER HOUR", "RUNS PER HOUR"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	fl := strings.Fields(line(s, "│florida "))
	// name, hour ok err soft wait crash, day ok err soft wait crash, sparklines
	if got := strings.Join(fl[1:11], " "); got != "12 3 · · · 240 41 · 2 ·" {
		t.Errorf("florida's counts read %q, want the hour's 12 ok 3 errors and the day's 240 ok 41 errors 2 waiting", got)
	}
	if !strings.Contains(line(s, "│florida "), "▄█▄▂") {
		t.Errorf("florida's sparkline should end with its last four hours (10, 20, 8, 3): %q", line(s, "│florida "))
	}
	if tx := strings.Fields(line(s, "│texas ")); len(tx) < 9 || tx[8] != "1" {
		t.Errorf("texas' soft failure is not counted: %q", line(s, "│texas "))
	}
}

// The top failures read as the admin asks about them, and the backlog
// line says the summariser's budget and how far behind it is.
func TestPulseNamesTheFailureGroupsAndTheBacklog(t *testing.T) {
	f := &fake{pulse: samplePulse()}
	m := newScreen(t, f, 160, 40)
	run(m, m.Init())
	s := plain(m.View())
	for _, want := range []string{
		"Top failures, last 24 hours [2]",
		"HTTP 429 in httpRequest: 41 executions in 1 workspace",
		"The service is receiving too many requests from you",
		"NodeOperationError in emailSend: 1 execution in 1 workspace",
		"summaries 120 behind (oldest 14m) · budget 50 n8n calls per instance per cycle",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	p := samplePulse()
	p.Backlog.Pending = 0
	f.pulse = p
	run(m, m.Reload())
	if s := plain(m.View()); !strings.Contains(s, "summaries up to date · budget 50 n8n calls per instance per cycle") {
		t.Errorf("a caught-up summariser should say so:\n%s", s)
	}
}

// At 80 columns the headline wins over the message: a group's whole
// headline, how widely it fails included, is on its row, and the message
// takes what is left.
func TestAt80ColumnsTheWholeHeadlineIsShown(t *testing.T) {
	p := samplePulse()
	p.Groups[0].Workspaces = 17
	f := &fake{pulse: p}
	m := newScreen(t, f, 80, 24)
	run(m, m.Init())
	s := plain(m.View())
	fits(t, m.View(), 80, 24)
	want := "HTTP 429 in httpRequest: 41 executions in 17 workspaces"
	row := line(s, "HTTP 429 in httpRequest")
	if !strings.Contains(row, want) {
		t.Fatalf("the group's row reads %q, want the whole headline %q:\n%s", row, want, s)
	}
	if !strings.Contains(row, "The serv") {
		t.Errorf("the message should keep what the headline leaves: %q", row)
	}
}

// enter on a group asks the console for the group's screen, with the
// workspaces' ids by slug for forensics.
func TestEnterOnAFailureGroupOpensItsExecutions(t *testing.T) {
	f := &fake{pulse: samplePulse()}
	m := newScreen(t, f, 160, 40)
	run(m, m.Init())
	if m.Focus() != Failures {
		t.Fatal("the screen should open on the failures, what the morning look is for")
	}
	msgs := run(m, m.Update(press("enter")))
	if len(msgs) != 1 {
		t.Fatalf("enter sent %v", msgs)
	}
	o, ok := msgs[0].(common.OpenMsg)
	if !ok || o.Screen != GroupScreen {
		t.Fatalf("enter sent %#v, want an OpenMsg for %s", msgs[0], GroupScreen)
	}
	g := o.Arg.(OpenGroup)
	if g.Group.Key != "g429" || g.Workspaces["florida"] != 1 || g.Workspaces["texas"] != 2 {
		t.Fatalf("enter opened %+v", g)
	}
	// tab goes to the workspaces, where enter on the fleet's row opens
	// nothing but says why and where enter leads, and on a workspace's
	// brings the fleet back on it.
	m.Update(press("tab"))
	if m.Focus() != Workspaces {
		t.Fatal("tab did not move to the workspaces")
	}
	msgs = run(m, m.Update(press("enter")))
	if len(msgs) != 1 || msgs[0] != common.Note(FleetRowNote) {
		t.Fatalf("enter on the fleet's row sent %#v, want the note %q", msgs, FleetRowNote)
	}
	m.Update(press("down"))
	msgs = run(m, m.Update(press("enter")))
	if len(msgs) != 1 {
		t.Fatalf("enter on florida sent %v", msgs)
	}
	if o, ok := msgs[0].(common.OpenMsg); !ok || o.Screen != fleet.Screen || o.Arg != (fleet.ShowWorkspace{ID: 1}) {
		t.Fatalf("enter on florida sent %#v, want the fleet on workspace 1", msgs[0])
	}
}

func groupFake() (*fake, OpenGroup) {
	p := samplePulse()
	execs := []model.PulseExecution{
		{Execution: model.Execution{ID: "9001", CampaignID: 11, Status: "error", StartedAt: epoch.Add(-3 * 60e9)},
			Workspace: "florida", Campaign: "Research Report", Node: "OpenAI Agent", Message: "The service is receiving too many requests from you"},
		{Execution: model.Execution{ID: "8990", CampaignID: 12, Status: "error", StartedAt: epoch.Add(-9 * 60e9)},
			Workspace: "florida", Campaign: "Email 2", Node: "OpenAI Agent", Message: "Rate limit reached \x1b[2Jfor org-123"},
	}
	return &fake{pulse: p, execs: map[string][]model.PulseExecution{"g429": execs}},
		OpenGroup{Group: p.Groups[0], Workspaces: map[string]int64{"florida": 1, "texas": 2}}
}

// enter on one of a group's executions opens forensics on it, as the
// fleet's executions pane does: campaign, workspace and execution named.
func TestEnterOnAGroupsExecutionOpensForensics(t *testing.T) {
	f, open := groupFake()
	g := NewGroup(f, Options{Actor: super(), Theme: newScreen(t, f, 1, 1).theme, Now: newScreen(t, f, 1, 1).now})
	g.SetSize(120, 20)
	run(g, g.Open(open))
	s := plain(g.View())
	for _, want := range []string{"HTTP 429 in httpRequest: 41 executions in 1 workspace · latest 2 shown", "Research Report", "9001", "3m", "OpenAI Agent"} {
		if !strings.Contains(s, want) {
			t.Errorf("the group screen lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(g.View(), "\x1b[2J") {
		t.Fatal("an n8n message reached the screen with its control characters")
	}
	g.Update(press("down"))
	msgs := run(g, g.Update(press("enter")))
	if len(msgs) != 1 {
		t.Fatalf("enter sent %v", msgs)
	}
	o, ok := msgs[0].(fleet.OpenExecutionMsg)
	if !ok {
		t.Fatalf("enter sent %#v, want fleet.OpenExecutionMsg", msgs[0])
	}
	if o.Execution.ID != "8990" || o.Campaign.ID != 12 || o.Campaign.WorkspaceID != 1 || o.Campaign.Name != "Email 2" || o.Workspace != "florida" {
		t.Fatalf("enter opened %+v", o)
	}
}

// A member of another workspace is told at the key press, and forensics
// is not asked.
func TestAGroupsExecutionOfAnotherWorkspaceIsRefusedAtTheKey(t *testing.T) {
	f, open := groupFake()
	viewer := model.Actor{Name: "tom@texas.io", Roles: map[int64]model.Role{2: model.RoleViewer}}
	g := NewGroup(f, Options{Actor: viewer, Theme: newScreen(t, f, 1, 1).theme, Now: newScreen(t, f, 1, 1).now})
	g.SetSize(120, 20)
	run(g, g.Open(open))
	msgs := run(g, g.Update(press("enter")))
	if len(msgs) != 1 {
		t.Fatalf("enter sent %v", msgs)
	}
	st, ok := msgs[0].(common.StatusMsg)
	if !ok || st.Level != common.Failure || !strings.Contains(st.Text, "you cannot open the executions of florida") {
		t.Fatalf("enter sent %#v, want a refusal naming florida", msgs[0])
	}
}

// Before the first read a spinner says the pulse is being read; a read
// that fails says why and what to do, and keeps what was shown.
func TestPulseLoadingAndErrorsSayWhatToDo(t *testing.T) {
	f := &fake{pulse: samplePulse(), err: errors.New("postgres: connection refused")}
	m := newScreen(t, f, 100, 30)
	if s := plain(m.View()); !strings.Contains(s, "reading the pulse of the fleet") {
		t.Fatalf("before the first read:\n%s", s)
	}
	run(m, m.Init())
	if s := plain(m.View()); !strings.Contains(s, "could not read the pulse: postgres: connection refused (r tries again)") {
		t.Fatalf("a failed first read:\n%s", s)
	}
	f.err = nil
	run(m, m.Reload())
	f.err = errors.New("context deadline exceeded")
	run(m, m.Reload())
	s := plain(m.View())
	if !strings.Contains(s, "the pulse was not refreshed: context deadline exceeded (showing the last read; r tries again)") || !strings.Contains(s, "│florida ") {
		t.Fatalf("a failed refresh should keep the rows and say so:\n%s", s)
	}
	f.err = model.ErrForbidden
	run(m, m.Reload())
	if s := plain(m.View()); !strings.Contains(s, "you may not read the pulse") {
		t.Fatalf("a refusal:\n%s", s)
	}
}

// The poll reloads the screen in front every few seconds: a read still
// on its way is not joined by another.
func TestReloadWaitsForTheReadInFlight(t *testing.T) {
	f := &fake{pulse: samplePulse()}
	m := newScreen(t, f, 100, 30)
	first := m.Reload()
	if first == nil {
		t.Fatal("the first reload asked nothing")
	}
	if m.Reload() != nil {
		t.Fatal("a second reload was asked while the first was on its way")
	}
	run(m, first)
	if m.Reload() == nil {
		t.Fatal("no reload after the first read arrived")
	}
}

// At 80×24 (a body of 21 lines) and at 200×60 the screen fills its area
// exactly, both windows' labels show, and every workspace row fits.
func TestPulseFitsSmallAndLargeTerminals(t *testing.T) {
	for _, size := range [][2]int{{80, 21}, {120, 40}, {200, 57}} {
		f := &fake{pulse: samplePulse()}
		m := newScreen(t, f, size[0], size[1])
		run(m, m.Init())
		frame := m.View()
		fits(t, frame, size[0], size[1])
		s := plain(frame)
		for _, want := range []string{"last hour", "last 24 hours", "│florida ", "HTTP 429 in httpRequest", "summaries 120 behind"} {
			if !strings.Contains(s, want) {
				t.Errorf("%dx%d lacks %q:\n%s", size[0], size[1], want, s)
			}
		}
	}
}

// Names and messages are data: a control character in them never
// reaches the terminal.
func TestPulseCleansTextFromData(t *testing.T) {
	p := samplePulse()
	p.Groups[0].Message = "boom \x1b]52;c;ZXZpbA==\x07 here"
	p.Workspaces[0].Workspace = "oh\x1b[31mio"
	m := newScreen(t, &fake{pulse: p}, 160, 40)
	run(m, m.Init())
	if v := m.View(); strings.Contains(v, "\x1b]52") || strings.Contains(v, "\x07") || strings.Contains(v, "oh\x1b[31mio") {
		t.Fatalf("control characters from data reached the screen: %q", v)
	}
}

// A group of swallowed errors says so: its executions ended "success".
func TestHeadlineSaysWhenTheErrorsWereSwallowed(t *testing.T) {
	g := model.FailureGroup{Kind: model.SummarySwallowed, NodeType: "n8n-nodes-base.httpRequest", Class: "HTTP 500", Executions: 2, Workspaces: 2}
	if got, want := Headline(g), "HTTP 500 in httpRequest, swallowed: 2 executions in 2 workspaces"; got != want {
		t.Fatalf("Headline = %q, want %q", got, want)
	}
	g.Kind = model.SummaryFailed
	if got, want := Headline(g), "HTTP 500 in httpRequest: 2 executions in 2 workspaces"; got != want {
		t.Fatalf("Headline = %q, want %q", got, want)
	}
}
