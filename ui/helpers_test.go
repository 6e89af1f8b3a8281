package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/uitest"
)

var superAdmin = model.Actor{UserID: 1, Name: "alice@platform.io", SuperAdmin: true}

// fleetBackend is the fleet every screen test looks at: 12 workspaces,
// 80 campaigns, synced 4 s before the fixed clock, two drifts.
func fleetBackend() *uitest.Backend {
	b := uitest.Seeded(uitest.FixedClock, 12, 80)
	last := uitest.Epoch.Add(-4 * time.Second)
	b.HealthValue.LastSync = &last
	b.HealthValue.DriftCount = 2
	// One instance of each n8n major, and one never probed.
	t0 := uitest.FixedClock()
	b.SetCapabilities(1, &model.Capabilities{Major: 1, ProbedAt: t0.Add(-time.Hour)})
	b.SetCapabilities(2, &model.Capabilities{Major: 2, Publish: true, ListCredentials: true, WaitingInLists: true, ProbedAt: t0.Add(-time.Hour)})
	return b
}

func newRoot(b Backend, o Options) *Root {
	o.Now = uitest.FixedClock
	if o.Theme == nil {
		o.Theme = themes.MustLoad("dark")
	}
	if o.Actor.Name == "" {
		o.Actor = superAdmin
	}
	o.Context = "demo"
	return New(b, o)
}

// deliverWait bounds how long deliver waits for a command: long enough for
// real work on a loaded machine, short enough that timers meant for people
// (poll ticks, status timeouts) are dropped.
var deliverWait = 300 * time.Millisecond

// deliver runs cmd, feeds its messages back to the root as the program
// would, and stops at timers (poll ticks, spinner frames).
func deliver(r *Root, cmd tea.Cmd) {
	for _, msg := range uitest.Run(cmd, deliverWait) {
		if _, ok := unaddressed(msg).(spinner.TickMsg); ok {
			continue
		}
		_, next := r.Update(msg)
		deliver(r, next)
	}
}

func sized(r *Root, w, h int) {
	r.Update(tea.WindowSizeMsg{Width: w, Height: h})
}

func keys(r *Root, ks ...string) {
	for _, k := range ks {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "space":
			msg = tea.KeyPressMsg{Code: ' ', Text: " "}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		default:
			for _, c := range k {
				_, cmd := r.Update(tea.KeyPressMsg{Code: c, Text: string(c)})
				deliver(r, cmd)
			}
			continue
		}
		_, cmd := r.Update(msg)
		deliver(r, cmd)
	}
}

// ascii is the screen as an ASCII-profile terminal shows it: colours
// dropped, bold and reverse kept.
func ascii(s string) string {
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.ASCII}
	_, _ = w.WriteString(s)
	return buf.String()
}

func plain(s string) string {
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: colorprofile.NoTTY}
	_, _ = w.WriteString(s)
	return buf.String()
}

func mustContain(t *testing.T, screen string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(screen, w) {
			t.Errorf("screen lacks %q:\n%s", w, screen)
		}
	}
}
