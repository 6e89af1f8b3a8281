package ui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/audit"
	"github.com/godmode-console/godmode/ui/views/drift"
	"github.com/godmode-console/godmode/ui/views/fleet"
	fxview "github.com/godmode-console/godmode/ui/views/forensics"
	"github.com/godmode-console/godmode/ui/views/instances"
)

type viewID int

const (
	viewFleet viewID = iota
	viewAudit
	viewInstances
	viewDrift
	viewUnmanaged
	viewForensics
)

// view is what the root asks of each screen.
type view interface {
	Update(tea.Msg) tea.Cmd
	View() string
	SetSize(w, h int)
	SetTheme(*themes.Theme)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	Capturing() bool
}

// globalKeys work everywhere unless a dialog or a filter has the keyboard.
type globalKeys struct {
	Command, Help, Refresh, Quit, ForceQuit key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Command:   key.NewBinding(key.WithKeys(":"), key.WithHelp(":", "command")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Refresh:   key.NewBinding(key.WithKeys("r", "ctrl+r"), key.WithHelp("r", "refresh")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c")),
	}
}

// Root is the console: it routes messages to the active view, runs the
// poll, and draws the header, status line and footer around the view.
type Root struct {
	backend Backend
	opts    Options
	theme   *themes.Theme
	now     func() time.Time

	fleet     *fleet.Model
	audit     *audit.Model
	instances *instances.Model
	drift     *drift.Model // ":drift"
	unmanaged *drift.Model // ":unmanaged"
	forensics *fxview.Model
	active    viewID

	commands  []Command
	superOnly []Command // not offered to this actor: named when typed anyway
	keys      globalKeys
	help      help.Model
	showHelp  bool
	helpTop   int // first help line shown when the help is taller than the screen
	cmdline   textinput.Model
	commandOn bool

	status    common.StatusMsg
	statusSeq int

	poll          poller
	width, height int
}

// New builds the console for a backend.
func New(b Backend, o Options) *Root {
	o = o.withDefaults()
	r := &Root{backend: b, opts: o, theme: o.Theme, now: o.Now, keys: newGlobalKeys()}
	for _, c := range append(DefaultCommands(), o.Commands...) {
		// k9s style: the palette offers only what this actor may open.
		if !c.SuperAdmin || o.Actor.SuperAdmin {
			r.commands = append(r.commands, c)
		} else {
			r.superOnly = append(r.superOnly, c)
		}
	}
	r.poll.interval = o.PollInterval
	r.fleet = fleet.New(b, fleet.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme, Now: o.Now, ToggleBound: o.ToggleBound})
	r.audit = audit.New(b, o.Theme, o.Now)
	r.instances = instances.New(b, o.Theme, o.Now)
	r.drift = drift.New(b, drift.Recent, o.Theme, o.Now)
	r.unmanaged = drift.New(b, drift.Unmanaged, o.Theme, o.Now)
	r.forensics = fxview.New(b, fxview.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme, Now: o.Now, SaveDir: o.SaveDir, NoSave: o.NoSave})
	r.help = help.New()
	r.setTheme(o.Theme)
	return r
}

func (r *Root) setTheme(th *themes.Theme) {
	r.theme = th
	r.help.Styles = help.Styles{
		ShortKey: th.HelpKey, ShortDesc: th.HelpDesc, ShortSeparator: th.HelpSep, Ellipsis: th.HelpSep,
		FullKey: th.HelpKey, FullDesc: th.HelpDesc, FullSeparator: th.HelpSep,
	}
	r.cmdline = common.NewInput(th, ":")
	r.cmdline.ShowSuggestions = true
	r.cmdline.SetSuggestions(r.commandNames())
	for _, v := range r.views() {
		v.SetTheme(th)
	}
}

func (r *Root) views() []view {
	return []view{r.fleet, r.audit, r.instances, r.drift, r.unmanaged, r.forensics}
}

func (r *Root) current() view { return r.views()[r.active] }

func (r *Root) context() string {
	if r.opts.Context != "" {
		return r.opts.Context
	}
	return r.poll.health.Context
}

// Init starts the first poll and waits for changes made elsewhere.
func (r *Root) Init() tea.Cmd { return tea.Batch(r.startPoll(), r.subscribe()) }

// Update routes one message.
func (r *Root) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := r.updateLive(msg); ok {
		return r, cmd
	}
	if cmd, ok := r.updateForensics(msg); ok {
		return r, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.layout()
		return r, nil
	case pollTickMsg:
		if msg.seq != r.poll.seq || r.poll.running {
			return r, nil
		}
		return r, r.startPoll()
	case pollDoneMsg:
		return r, tea.Batch(r.pollDone(msg), r.reloadDrift())
	case common.RefreshMsg:
		return r, r.refreshNow()
	case common.StatusMsg:
		return r, r.setStatus(msg)
	case clearStatusMsg:
		if msg.seq == r.statusSeq {
			r.status = common.StatusMsg{}
		}
		return r, nil
	case tea.KeyPressMsg:
		return r, r.key(msg)
	case tea.MouseClickMsg:
		return r, r.mouse(msg, msg.Mouse())
	case tea.MouseWheelMsg:
		return r, r.mouse(msg, msg.Mouse())
	}
	// Results of views' commands (loads, toggles, spinner ticks) go to
	// every view; each keeps only its own message types.
	var cmds []tea.Cmd
	for _, v := range r.views() {
		cmds = append(cmds, v.Update(msg))
	}
	return r, tea.Batch(cmds...)
}

func (r *Root) key(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, r.keys.ForceQuit) {
		return tea.Quit
	}
	if r.showHelp {
		switch msg.String() {
		case "j", "down":
			r.scrollHelp(1)
		case "k", "up":
			r.scrollHelp(-1)
		case "pgdown", "space":
			r.scrollHelp(r.height / 2)
		case "pgup":
			r.scrollHelp(-r.height / 2)
		}
		if key.Matches(msg, r.keys.Help) || msg.String() == "esc" || msg.String() == "q" {
			r.showHelp = false
		}
		return nil
	}
	if r.commandOn {
		return r.commandKey(msg)
	}
	if r.tooSmall() {
		if key.Matches(msg, r.keys.Quit) {
			return tea.Quit
		}
		return nil
	}
	if r.current().Capturing() {
		return r.current().Update(msg)
	}
	switch {
	case key.Matches(msg, r.keys.Quit):
		return tea.Quit
	case key.Matches(msg, r.keys.Help):
		r.showHelp, r.helpTop = true, 0
		return nil
	case key.Matches(msg, r.keys.Command):
		r.commandOn = true
		r.cmdline.Reset()
		return r.cmdline.Focus()
	case key.Matches(msg, r.keys.Refresh):
		return r.refreshNow()
	case msg.String() == "esc" && r.active != viewFleet:
		r.active = viewFleet
		return nil
	}
	return r.current().Update(msg)
}

func (r *Root) commandKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		r.commandOn = false
		r.cmdline.Blur()
		return nil
	case "enter":
		line := r.cmdline.Value()
		r.commandOn = false
		r.cmdline.Blur()
		return r.run(line)
	}
	var cmd tea.Cmd
	r.cmdline, cmd = r.cmdline.Update(msg)
	return cmd
}

// mouse hands pointer events to the active view in its own coordinates
// (the header line is above it).
func (r *Root) mouse(msg tea.Msg, mo tea.Mouse) tea.Cmd {
	if r.showHelp || r.commandOn || r.tooSmall() {
		return nil
	}
	mo.Y -= headerHeight
	if mo.Y < 0 || mo.Y >= r.bodyHeight() {
		return nil
	}
	switch msg.(type) {
	case tea.MouseClickMsg:
		msg = tea.MouseClickMsg(mo)
	case tea.MouseWheelMsg:
		msg = tea.MouseWheelMsg(mo)
	}
	return r.current().Update(msg)
}

type clearStatusMsg struct{ seq int }

// setStatus shows a message; it clears itself, later for failures, which
// the user may need time to read.
func (r *Root) setStatus(s common.StatusMsg) tea.Cmd {
	r.status = s
	r.statusSeq++
	seq := r.statusSeq
	d := 6 * time.Second
	if s.Level == common.Failure {
		d = 20 * time.Second
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return clearStatusMsg{seq: seq} })
}

const (
	headerHeight = 1
	footerHeight = 2 // status line and key hints
)

func (r *Root) bodyHeight() int { return r.height - headerHeight - footerHeight }

func (r *Root) tooSmall() bool { return r.width < MinWidth || r.height < MinHeight }

func (r *Root) layout() {
	r.help.SetWidth(r.width)
	r.cmdline.SetWidth(max(10, r.width-4))
	for _, v := range r.views() {
		v.SetSize(r.width, r.bodyHeight())
	}
}

// Fleet exposes the fleet view (tests and later views use it).
func (r *Root) Fleet() *fleet.Model { return r.fleet }

// Status is the status-line message shown now.
func (r *Root) Status() common.StatusMsg { return r.status }
