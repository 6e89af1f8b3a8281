package ui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/godmode-console/godmode/db/demofleet"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

// fleetOptions is what the screen tests look at: the demo fleet's first six
// workspaces (florida first on screen, its Email 1 active) on four n8n
// instances (texas' behaves like n8n 2.x, the others 1.x), after a sync,
// with georgia's n8n gone down 35 s ago.
var fleetOptions = uitest.Options{Workspaces: 6, Majors: map[string]int{"n8n-texas": 2}}

// fleetFixture is that fleet; its super admin is alice@platform.io.
func fleetFixture(t testing.TB) *uitest.Fleet {
	t.Helper()
	return downFixture(t, fleetOptions, map[string]time.Duration{demofleet.DownInstance: 35 * time.Second})
}

// downFixture is the fleet with the named instances down (their
// connections dropped) for the given time when the sync ran.
func downFixture(t testing.TB, opt uitest.Options, down map[string]time.Duration) *uitest.Fleet {
	t.Helper()
	opt.NoSync = true
	f := uitest.New(t, opt)
	for name := range down {
		f.Seed.TakeDown(name)
	}
	f.Sync()
	for name, d := range down {
		f.DownSince(name, d)
	}
	return f
}

// fleetBackend is the fixture's backend for its super admin.
func fleetBackend(t testing.TB) *uitest.Backend {
	t.Helper()
	f := fleetFixture(t)
	return f.As(f.Super())
}

// newRoot is the console over b, as its actor, on the fleet's clock.
func newRoot(b *uitest.Backend, o Options) *Root {
	return newRootOn(b, b.Actor(), o)
}

// newRootOn is newRoot for a backend that wraps uitest's.
func newRootOn(b Backend, actor model.Actor, o Options) *Root {
	o.Now = uitest.FixedClock
	if o.Theme == nil {
		o.Theme = themes.MustLoad("dark")
	}
	if o.Actor.Name == "" {
		o.Actor = actor
	}
	o.Context = "demo"
	return New(b, o)
}

// deliverWait bounds how long deliver waits for a command: long enough for
// real work on a loaded machine, short enough that timers meant for people
// (poll ticks, status timeouts) are dropped.
var deliverWait = time.Second

// deliver runs cmd, feeds its messages back to the root as the program
// would, and stops at timers (poll ticks, spinner frames).
func deliver(r *Root, cmd tea.Cmd) {
	for _, msg := range uitest.Run(cmd, deliverWait) {
		// Timers that re-arm themselves (a spinner's frames, a text
		// field's blinking cursor) would keep deliver going for ever.
		switch unaddressed(msg).(type) {
		case spinner.TickMsg, cursor.BlinkMsg:
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
