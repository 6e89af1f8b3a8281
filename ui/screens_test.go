package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/ui/uitest"
)

// screen runs the console in a real program (teatest, ASCII profile, fixed
// clock), performs steps, waits until the output shows want, and returns
// the final screen for a golden comparison. The golden is taken from the
// final model's frame rather than the byte stream, whose diffs depend on
// frame timing.
func screen(t *testing.T, b Backend, w, h int, steps func(tm *teatest.TestModel), want string) []byte {
	t.Helper()
	r := newRoot(b, Options{})
	tm := teatest.NewTestModel(t, r, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	big := w >= MinWidth && h >= MinHeight
	if big {
		// The first poll has drawn the campaigns and executions of acme.
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("8998")) },
			teatest.WithDuration(5*time.Second))
	}
	if steps != nil {
		steps(tm)
	}
	if steps != nil || !big {
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
			teatest.WithDuration(5*time.Second))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	return []byte(ascii(final.Render()))
}

func TestScreenFleet(t *testing.T) {
	out := screen(t, fleetBackend(), 160, 45, nil, "8998")
	mustContain(t, plain(string(out)), "ctx demo", "db ●", "n8n ▲ 2/3 up", "sync 4s ago", "drift 2",
		"alice@platform.io · super admin", "Workspaces [12]", "Campaigns of acme [7]", "Executions of Ohio Email 1 #1 [3]")
	teatest.RequireEqualOutput(t, out)
}

// :instances shows what each instance can do, as probed: one of each
// major and one not probed yet.
func TestScreenInstances(t *testing.T) {
	out := screen(t, fleetBackend(), 160, 45, func(tm *teatest.TestModel) {
		tm.Type(":instances")
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	}, "CAPABILITIES")
	mustContain(t, plain(string(out)), "n8n instances [3]", "CAPABILITIES", "1.x", "2.x pub cred wait", "? unprobed")
	teatest.RequireEqualOutput(t, out)
}

func TestScreenHelp(t *testing.T) {
	out := screen(t, fleetBackend(), 160, 45, func(tm *teatest.TestModel) { tm.Type("?") }, "Commands")
	mustContain(t, plain(string(out)), "freeze (kill switch)", ":audit (a)", ":instances", "? or esc closes")
	teatest.RequireEqualOutput(t, out)
}

func TestScreenCommandMode(t *testing.T) {
	out := screen(t, fleetBackend(), 120, 30, func(tm *teatest.TestModel) { tm.Type(":au") }, "complete")
	mustContain(t, plain(string(out)), ":au", "tab complete")
	teatest.RequireEqualOutput(t, out)
}

func TestScreenRollback(t *testing.T) {
	b := fleetBackend()
	b.ToggleErr[1] = uitest.ErrN8n500
	out := screen(t, b, 160, 45, func(tm *teatest.TestModel) {
		tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		tm.Send(tea.KeyPressMsg{Code: ' ', Text: " "})
	}, "rolled")
	mustContain(t, plain(string(out)), "Ohio Email 1 #1 rolled back to active: n8n answered 500", "◉ on")
	teatest.RequireEqualOutput(t, out)
}

func TestScreenTooSmall(t *testing.T) {
	out := screen(t, fleetBackend(), 70, 20, nil, "needs")
	mustContain(t, plain(string(out)), "at least 80×24", "this one is 70×20")
	teatest.RequireEqualOutput(t, out)
}

// fiveInstancesTwoDown is the fleet on 5 n8n instances of which n8n-ap-1
// does not answer and n8n-us-2 refuses connections.
func fiveInstancesTwoDown() *uitest.Backend {
	b := uitest.SeededOn(uitest.FixedClock, 5, 12, 80)
	last := uitest.Epoch.Add(-4 * time.Second)
	b.HealthValue.LastSync = &last
	b.HealthValue.DriftCount = 2
	return b
}

// Must-show: 5 instances, 2 down. The 3 healthy ones' workspaces are live
// (acme's campaigns and executions fresh, no "stale"), the header counts
// 3/5 up, the status line names the 2 down, and only their workspaces
// carry a mark (on e26f193: "n8n ✗ stale never loaded" for everyone).
func TestScreenFiveInstancesTwoDown(t *testing.T) {
	out := screen(t, fiveInstancesTwoDown(), 160, 45, nil, "8998")
	s := plain(string(out))
	mustContain(t, s, "db ●", "n8n ▲ 3/5 up", "sync 4s ago", "drift 2",
		"2 of 5 n8n instances down: n8n-us-2 down 7m, n8n-ap-1 not answering 35s",
		"Workspaces [12] · 4 on a down n8n", "Campaigns of acme [7]", "Executions of Ohio Email 1 #1 [3]")
	for _, bad := range []string{"stale", "poll failed", "never loaded"} {
		if strings.Contains(s, bad) {
			t.Errorf("the screen says %q with 3 of 5 instances up", bad)
		}
	}
	for ws, mark := range map[string]string{"acme": " ", "globex": " ", "initech": "◔", "umbrella": " ", "hooli": "✗", "stark": " "} {
		if l := line(s, "   "+ws+" "); !strings.Contains(l, "┃"+mark+"   ") {
			t.Errorf("%s should be marked %q: %q", ws, mark, l)
		}
	}
	teatest.RequireEqualOutput(t, out)
}

// The same fleet at 80×24 with a workspace of the hung instance selected:
// its panes say the instance is not answering and since when, and keep
// the data they have.
func TestScreenFiveInstancesTwoDownAt80x24(t *testing.T) {
	out := screen(t, fiveInstancesTwoDown(), 80, 24, func(tm *teatest.TestModel) {
		tm.Type("jj") // initech, on n8n-ap-1
	}, "not answering since")
	s := plain(string(out))
	mustContain(t, s, "n8n ▲ 3/5 up", "Campaigns of initech", "◔ n8n-ap-1 not answering since 09:29 (35s)")
	if strings.Contains(s, "stale") {
		t.Error("the screen says stale with 3 of 5 instances up")
	}
	teatest.RequireEqualOutput(t, out)
}
