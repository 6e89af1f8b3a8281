package pulse

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

// epoch is the tests' now.
var epoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// fake is a backend answering a fixed pulse; it counts the reads.
type fake struct {
	mu    sync.Mutex
	pulse model.Pulse
	execs map[string][]model.PulseExecution
	err   error
	reads int
}

func (f *fake) Pulse(context.Context, model.Actor) (model.Pulse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	return f.pulse, f.err
}

func (f *fake) FailureGroupExecutions(_ context.Context, _ model.Actor, key string) ([]model.PulseExecution, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.execs[key], f.err
}

// hours is 24 hourly buckets, zero but for the ones given (hour 23 is
// the last hour).
func hours(at map[int]int) []int {
	h := make([]int, 24)
	for i, v := range at {
		h[i] = v
	}
	return h
}

// samplePulse is three workspaces: florida failing with HTTP 429s,
// texas with one soft failure, ohio quiet.
func samplePulse() model.Pulse {
	fl := model.PulseRow{WorkspaceID: 1, Workspace: "florida",
		Hour: model.PulseCounts{OK: 12, Error: 3}, Day: model.PulseCounts{OK: 240, Error: 41, Waiting: 2},
		Failures: hours(map[int]int{20: 10, 21: 20, 22: 8, 23: 3}), Runs: hours(map[int]int{0: 5, 23: 15})}
	tx := model.PulseRow{WorkspaceID: 2, Workspace: "texas",
		Hour: model.PulseCounts{OK: 4}, Day: model.PulseCounts{OK: 90, Soft: 1},
		Failures: hours(map[int]int{5: 1}), Runs: hours(map[int]int{5: 9})}
	oh := model.PulseRow{WorkspaceID: 3, Workspace: "ohio", Failures: hours(nil), Runs: hours(nil)}
	fleet := model.PulseRow{Hour: model.PulseCounts{OK: 16, Error: 3}, Day: model.PulseCounts{OK: 330, Error: 41, Soft: 1, Waiting: 2},
		Failures: hours(map[int]int{5: 1, 20: 10, 21: 20, 22: 8, 23: 3}), Runs: hours(map[int]int{0: 5, 5: 9, 23: 15})}
	return model.Pulse{At: epoch, Fleet: fleet, Workspaces: []model.PulseRow{oh, tx, fl},
		Groups: []model.FailureGroup{
			{Key: "g429", NodeType: "n8n-nodes-base.httpRequest", Class: "HTTP 429", Message: "The service is receiving too many requests from you",
				Executions: 41, Workspaces: 1, Latest: epoch.Add(-3 * time.Minute)},
			{Key: "gsmtp", NodeType: "n8n-nodes-base.emailSend", Class: "NodeOperationError", Message: "SMTP 550: mailbox unavailable for <email>",
				Executions: 1, Workspaces: 1, Latest: epoch.Add(-5 * time.Hour)},
		},
		Backlog: model.PulseBacklog{Budget: 50, Pending: 120, OldestSince: epoch.Add(-14 * time.Minute)}}
}

func super() model.Actor { return model.Actor{Name: "alice@platform.io", SuperAdmin: true} }

func newScreen(t testing.TB, f *fake, w, h int) *Model {
	t.Helper()
	m := New(f, Options{Actor: super(), Theme: themes.MustLoad("dark"), Now: func() time.Time { return epoch }})
	m.SetSize(w, h)
	return m
}

// run feeds cmd's messages back to the screen as the console would,
// leaving out timers (spinner frames).
func run(m interface{ Update(tea.Msg) tea.Cmd }, cmd tea.Cmd) []tea.Msg {
	var out []tea.Msg
	var walk func(tea.Cmd)
	walk = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				walk(c)
			}
		case loadedMsg, executionsMsg:
			walk(m.Update(msg))
		case spinner.TickMsg:
		default:
			out = append(out, msg)
		}
	}
	walk(cmd)
	return out
}

func plain(s string) string {
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}
	_, _ = w.WriteString(s)
	return b.String()
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	}
	return tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
}

// line is the first line of s that contains want.
func line(s, want string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, want) {
			return l
		}
	}
	return ""
}

// fits fails unless the frame is exactly w×h.
func fits(t *testing.T, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Fatalf("the frame has %d lines for a %d-line area:\n%s", len(lines), h, plain(frame))
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			t.Fatalf("line %d is %d wide in a %d-wide area: %q", i, lw, w, plain(l))
		}
	}
}
