package ui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/fleet"
	"github.com/godmode-console/godmode/ui/views/search"
)

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

// Root is the console: a stack of screens (the fleet at the bottom), the
// poll, and the header, status line and footer drawn around the screen in
// front. Keys go to the screen in front; what a screen's commands answer
// goes back to that screen only.
type Root struct {
	backend Backend
	opts    Options
	theme   *themes.Theme
	now     func() time.Time

	// fleet is the bottom of the stack: the poll reads it with the
	// header's health, and the header names the actor's role in it.
	fleet *fleet.Model
	specs map[string]ScreenSpec // the registry, by id
	built map[string]Screen     // screens built so far, by id
	stack []*frame              // stack[0] is the fleet
	seq   uint64                // the last showing of a screen numbered

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
	r := &Root{backend: b, opts: o, theme: o.Theme, now: o.Now, keys: newGlobalKeys(),
		specs: map[string]ScreenSpec{}, built: map[string]Screen{}}
	specs := append(builtinScreens(), o.Screens...)
	for _, spec := range specs {
		if _, dup := r.specs[spec.ID]; dup || spec.ID == "" || spec.New == nil {
			panic(fmt.Sprintf("ui: screen %q registered twice, without an id or without New", spec.ID))
		}
		r.specs[spec.ID] = spec
	}
	for _, c := range append(commandsOf(specs), o.Commands...) {
		// k9s style: the palette offers only what this actor may open.
		if (!c.SuperAdmin || o.Actor.SuperAdmin) && !(c.ReadWrite && o.ReadOnly) {
			r.commands = append(r.commands, c)
		} else {
			r.superOnly = append(r.superOnly, c)
		}
	}
	r.poll.interval = o.PollInterval
	r.help = help.New()
	fs, _ := r.screen(screenFleet)
	r.fleet = fs.(fleetScreen).Model
	r.seq++
	r.stack = []*frame{{id: screenFleet, title: r.specs[screenFleet].Title, s: fs, inst: r.seq}}
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
	for _, s := range r.built {
		s.SetTheme(th)
	}
}

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
	switch msg := msg.(type) {
	case addressedMsg:
		return r, r.routeAddressed(msg)
	case common.OpenMsg:
		return r, r.open(msg.Screen, msg.Arg, true)
	case fleet.OpenExecutionMsg:
		return r, r.open(screenForensics, msg, true)
	case fleet.SearchExecutionsMsg:
		return r, r.open(search.Screen, msg, true)
	case tea.WindowSizeMsg:
		r.width, r.height = msg.Width, msg.Height
		r.layout()
		return r, nil
	case pollTickMsg:
		if msg.seq != r.poll.seq || r.poll.running {
			return r, nil
		}
		return r, tea.Batch(r.startPoll(), r.reloadTop())
	case pollDoneMsg:
		return r, r.pollDone(msg)
	case common.RefreshMsg:
		return r, r.refreshAll()
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
	// What screens start comes back addressed (above); anything else is
	// for the screen in front.
	return r, r.updateScreen(r.top(), msg)
}

func (r *Root) key(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, r.keys.ForceQuit) {
		if b, ok := r.current().(busy); ok && b.Busy() {
			return r.updateScreen(r.top(), msg)
		}
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
		return r.updateScreen(r.top(), msg)
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
		return r.refreshAll()
	case msg.String() == "esc" && ownsEsc(r.current()):
		return r.updateScreen(r.top(), msg)
	case msg.String() == "esc" && len(r.stack) > 1:
		r.pop()
		return nil
	}
	return r.updateScreen(r.top(), msg)
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
	return r.updateScreen(r.top(), msg)
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
	for _, s := range r.built {
		s.SetSize(r.width, r.bodyHeight())
	}
}

// Fleet exposes the fleet view (tests and later views use it).
func (r *Root) Fleet() *fleet.Model { return r.fleet }

// Status is the status-line message shown now.
func (r *Root) Status() common.StatusMsg { return r.status }
