package ui

import (
	"bytes"
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
	mustContain(t, plain(string(out)), "ctx demo", "db ●", "n8n ●", "sync 4s ago", "drift 2",
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
