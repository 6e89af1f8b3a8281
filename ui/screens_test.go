package ui

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/uitest"
)

// screen runs the console in a real program (teatest, ASCII profile, fixed
// clock), performs steps, waits until the output shows want, and returns
// the final screen for a golden comparison. The golden is taken from the
// final model's frame rather than the byte stream, whose diffs depend on
// frame timing.
func screen(t *testing.T, b *uitest.Backend, w, h int, steps func(tm *teatest.TestModel), want ...string) []byte {
	t.Helper()
	// Polls a minute apart: what the screen shows after the first came
	// from the steps (or the change feed), and a fault a step injects into
	// n8n meets the call the step makes, not a poll's.
	r := newRoot(b, Options{PollInterval: time.Minute})
	tm := teatest.NewTestModel(t, r, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ASCII)))
	if steps != nil && w >= MinWidth && h >= MinHeight {
		// The first poll has drawn the fleet: its title counts the
		// workspaces on a down n8n, and every screen fleet has one. (The
		// output is a stream: what one wait reads, the next does not see
		// again.)
		// A fleet that opens on florida waits for its executions pane too
		// (the whole demo opens on alaska, which has no n8n): a step's screen
		// is compared whole, and executions landing after the step would
		// differ from run to run.
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			return bytes.Contains(b, []byte("on a down n8n")) &&
				(!bytes.Contains(b, []byte("Campaigns of florida")) || bytes.Contains(b, []byte(executionsDrawn)))
		}, teatest.WithDuration(10*time.Second))
	}
	if steps != nil {
		steps(tm)
	}
	// Every wanted text in one wait: what arrives as separate messages (a
	// status line, then a health mark) may land in one read of the stream.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Root)
	return []byte(ascii(final.Render()))
}

// firstExecutions is the executions pane's title once the first poll has
// drawn florida's Email 1; executionsDrawn is what the output stream holds
// then (the mode column of its rows: titles reach the stream in pieces).
const (
	firstExecutions = "Executions of Email 1 [11]"
	executionsDrawn = "webhook"
)

func TestScreenFleet(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 160, 45, nil, executionsDrawn)
	mustContain(t, plain(string(out)), "ctx demo", "db ●", "n8n ▲ 3/4 up", "sync 4s ago", "drift 4",
		"alice@platform.io · super admin", "Workspaces [6] · 1 on a down n8n", "Campaigns of florida [8]", firstExecutions,
		"1 of 4 n8n instances down: n8n-georgia down 35s")
	teatest.RequireEqualOutput(t, out)
}

// :instances shows what each instance can do, as the sync probed it: one
// 2.x, 1.x for the others, and the down one never probed.
func TestScreenInstances(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 160, 45, func(tm *teatest.TestModel) {
		tm.Type(":instances")
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	}, "unprobed") // a row's cell: the header is drawn before the rows load (CI drew [0])
	s := plain(string(out))
	mustContain(t, s, "n8n instances [4]", "CAPABILITIES")
	mustContain(t, line(s, "n8n-texas"), "2.x pub")
	mustContain(t, line(s, "legacy-shared"), "1.x")
	mustContain(t, line(s, "n8n-georgia"), "? unprobed")
	teatest.RequireEqualOutput(t, unmeasured(out))
}

func TestScreenHelp(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 160, 45, func(tm *teatest.TestModel) { tm.Type("?") }, "Commands")
	mustContain(t, plain(string(out)), "freeze (kill switch)", ":audit (a)", ":instances", "? or esc closes")
	teatest.RequireEqualOutput(t, out)
}

func TestScreenCommandMode(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 120, 30, func(tm *teatest.TestModel) { tm.Type(":au") }, "complete")
	mustContain(t, plain(string(out)), ":au", "tab complete")
	teatest.RequireEqualOutput(t, out)
}

// n8n answers the toggle with a 500: the switch rolls back with n8n's
// reason, and the campaign stays active in Postgres.
func TestScreenRollback(t *testing.T) {
	t.Parallel()
	f := fleetFixture(t)
	b := f.As(f.Super())
	out := screen(t, b, 160, 45, func(tm *teatest.TestModel) {
		// The toggle's call fails; the executions pane, which may still be
		// loading, is read as usual.
		f.N8n("florida").FailNextWrite(1, 500)
		tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
		tm.Send(tea.KeyPressMsg{Code: ' ', Text: " "})
		// The 500 marks n8n-florida down too, a change that reaches the
		// screen after the rollback's status line: the screen is compared
		// once both are drawn (CI under load once compared it between).
	}, "rolled", "n8n-florida down since")
	mustContain(t, plain(string(out)), "Email 1 rolled back to active: ", "500", "◉ on")
	if c := f.Campaign("florida", "Email 1"); c.Status != model.CampaignActive {
		t.Errorf("the failed toggle left Email 1 %s", c.Status)
	}
	// n8n's 500 marked its instance down, since a time Postgres' own clock
	// gave (the fixed clock is earlier, so the age reads "now"): only that
	// time of day varies from run to run.
	out = regexp.MustCompile(`down since \d\d:\d\d \(now\)`).ReplaceAll(out, []byte("down since hh:mm (now)"))
	teatest.RequireEqualOutput(t, out)
}

func TestScreenTooSmall(t *testing.T) {
	t.Parallel()
	out := screen(t, fleetBackend(t), 70, 20, nil, "needs")
	mustContain(t, plain(string(out)), "at least 80×24", "this one is 70×20")
	teatest.RequireEqualOutput(t, out)
}

// fiveDown is the whole demo fleet (11 n8n instances, one holding only a
// client not yet onboarded) with two down when the sync ran: georgia's
// refusing connections for 7 minutes, maine's not answering for 35 s.
func fiveDown(t *testing.T) *uitest.Backend {
	opt := uitest.Options{}
	f := downFixture(t, opt, map[string]time.Duration{"n8n-georgia": 7 * time.Minute})
	// maine's n8n hangs: the sync's read runs out of time.
	f.N8n("maine").HangNext(1000)
	f.Sync()
	f.DownSince("n8n-georgia", 7*time.Minute)
	f.DownSince("n8n-maine", 35*time.Second)
	return f.As(f.Super())
}

// Must-show: 11 instances, 2 down. The healthy ones' workspaces are live
// (florida's campaigns and executions fresh, no "stale"), the header counts
// 9/11 up, the status line names the 2 down, and only their workspaces
// carry a mark (on e26f193: "n8n ✗ stale never loaded" for everyone).
func TestScreenFiveInstancesTwoDown(t *testing.T) {
	t.Parallel()
	b := fiveDown(t)
	out := screen(t, b, 160, 45, func(tm *teatest.TestModel) { tm.Type("jj") }, executionsDrawn)
	s := plain(string(out))
	mustContain(t, s, "db ●", "n8n ▲ 9/11 up", "sync 4s ago",
		"2 of 11 n8n instances down: n8n-georgia down 7m, n8n-maine not answering 35s",
		"Workspaces [14] · 2 on a down n8n", "Campaigns of florida [8]", firstExecutions)
	for _, bad := range []string{"stale", "poll failed", "never loaded"} {
		if strings.Contains(s, bad) {
			t.Errorf("the screen says %q with 9 of 11 instances up", bad)
		}
	}
	for ws, mark := range map[string]string{"florida": " ", "arizona": " ", "maine": "◔", "georgia": "✗", "ohio": " ", "alaska": " "} {
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
	t.Parallel()
	out := screen(t, fiveDown(t), 80, 24, func(tm *teatest.TestModel) {
		tm.Type("jjjjjjj") // maine, on n8n-maine
	}, "not answering since")
	s := plain(string(out))
	mustContain(t, s, "n8n ▲ 9/11 up", "Campaigns of maine", "◔ n8n-maine not answering since 09:29 (35s)")
	if strings.Contains(s, "stale") {
		t.Error("the screen says stale with 9 of 11 instances up")
	}
	teatest.RequireEqualOutput(t, out)
}

// measuredNow is the LATENCY cell of an instance the console itself just
// called (CHECKED reads "now"): the call's measured latency, a millisecond
// or two that varies from run to run.
var measuredNow = regexp.MustCompile(`( *)(-|\d+ms)(\x1b\[m \x1b\[m +now)`)

// unmeasured is out with those cells shown as "-", their width kept.
func unmeasured(out []byte) []byte {
	return measuredNow.ReplaceAllFunc(out, func(m []byte) []byte {
		g := measuredNow.FindSubmatch(m)
		n := len(g[1]) + len(g[2])
		return append([]byte(strings.Repeat(" ", n-1)+"-"), g[3]...)
	})
}
