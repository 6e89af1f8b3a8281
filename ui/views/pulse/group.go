package pulse

import (
	"errors"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// Group is the screen of one failure group: its executions across the
// workspaces, newest first; enter opens forensics on one.
type Group struct {
	backend Backend
	actor   model.Actor
	theme   *themes.Theme
	now     common.Clock
	keys    table.KeyMap
	open    key.Binding
	spin    spinner.Model

	g        OpenGroup
	table    table.Model[model.PulseExecution]
	loaded   bool
	err      error
	seq      uint64
	inflight bool

	w, h int
}

// NewGroup builds the group screen (opened later on a group).
func NewGroup(b Backend, o Options) *Group {
	g := &Group{backend: b, actor: o.Actor, theme: o.Theme, now: o.Now, keys: table.DefaultKeyMap(),
		open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "forensics")),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	g.build()
	return g
}

func (g *Group) build() {
	th := g.theme
	g.spin.Style = th.SwitchPending
	type E = model.PulseExecution
	cols := []table.Column[E]{
		{Title: "STARTED", Width: 7, Right: true, Cell: func(e E) string { return common.Age(g.now(), e.StartedAt) }},
		{Title: "WORKSPACE", Width: 14, MinWidth: 8, Cell: func(e E) string { return e.Workspace }},
		{Title: "CAMPAIGN", Width: 18, MinWidth: 8, Cell: func(e E) string { return e.Campaign }},
		{Title: "EXECUTION", Width: 10, Cell: func(e E) string { return e.ID }},
		{Title: "NODE", Width: 16, MinWidth: 8, Cell: func(e E) string { return e.Node }},
		{Title: "MESSAGE", MinWidth: 24, Cell: func(e E) string { return e.Message },
			Style: func(E) *lipgloss.Style { return &th.Error }},
	}
	old := g.table
	g.table = table.New(th, cols, func(e E) string { return e.Workspace + "/" + e.ID },
		func(e E) string { return e.Workspace + " " + e.Campaign + " " + e.ID + " " + e.Node + " " + e.Message })
	g.table.Keys = g.keys
	g.table.Empty = "no execution of this failure is recorded any more"
	g.table.SetFocused(true)
	g.table.Keep(old)
	g.table.SetSize(max(0, g.w-2), max(0, g.h-3))
}

// Open shows the executions of the group given.
func (g *Group) Open(arg any) tea.Cmd {
	o, ok := arg.(OpenGroup)
	if !ok {
		return nil
	}
	if o.Group.Key != g.g.Group.Key {
		g.table.SetRows(nil)
		g.loaded, g.err = false, nil
	}
	g.g = o
	return g.Init()
}

// Init reads the group's executions afresh.
func (g *Group) Init() tea.Cmd {
	g.inflight = false
	return tea.Batch(g.Reload(), g.spin.Tick)
}

// Reload re-reads the executions, unless a read is on its way.
func (g *Group) Reload() tea.Cmd {
	switch {
	case g.backend == nil:
		g.err = errors.New("this console cannot read the pulse")
		return nil
	case g.g.Group.Key == "" || g.inflight:
		return nil
	}
	g.seq++
	g.inflight = true
	return loadExecutions(g.backend, g.actor, g.g.Group.Key, g.seq)
}

// Concerns: the poll's Reload of the screen in front keeps it fresh.
func (g *Group) Concerns(model.ChangeSet) bool { return false }

// Capturing: the filter input has the keyboard.
func (g *Group) Capturing() bool { return g.table.Filtering() }

// Executions are the executions shown.
func (g *Group) Executions() []model.PulseExecution { return g.table.Rows() }

// Update handles reads, keys, the mouse and the spinner.
func (g *Group) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case executionsMsg:
		if msg.seq != g.seq {
			return nil
		}
		g.inflight = false
		g.err = msg.err
		if msg.err == nil {
			g.loaded = true
			g.table.SetRows(msg.execs)
		}
		return nil
	case spinner.TickMsg:
		if g.loaded || !g.inflight {
			return nil
		}
		var cmd tea.Cmd
		g.spin, cmd = g.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if !g.table.Filtering() && key.Matches(msg, g.open) {
			return g.openExecution()
		}
	}
	var cmd tea.Cmd
	g.table, cmd = g.table.Update(table.Inset(msg, 1, 2))
	return cmd
}

// openExecution asks the console to open forensics on the execution
// under the cursor, as the fleet's executions pane does; the model checks
// the right again when forensics reads it.
func (g *Group) openExecution() tea.Cmd {
	e, ok := g.table.Selected()
	if !ok {
		return func() tea.Msg { return common.Note("no execution selected") }
	}
	ws := g.g.Workspaces[e.Workspace]
	if err := model.Authorize(g.actor, model.ActionViewExecutions, ws); err != nil {
		return func() tea.Msg {
			return common.Problem("you cannot open the executions of " + safetext.Line(e.Workspace) + ": " + err.Error())
		}
	}
	msg := fleet.OpenExecutionMsg{Campaign: model.Campaign{ID: e.CampaignID, WorkspaceID: ws, Name: e.Campaign},
		Workspace: e.Workspace, Execution: e.Execution}
	return func() tea.Msg { return msg }
}

// SetSize sets the screen's area.
func (g *Group) SetSize(w, h int) {
	g.w, g.h = w, h
	g.table.SetSize(max(0, w-2), max(0, h-3))
}

// SetTheme restyles the screen, keeping rows and cursor.
func (g *Group) SetTheme(th *themes.Theme) {
	g.theme = th
	g.build()
}

// ShortHelp is the footer.
func (g *Group) ShortHelp() []key.Binding { return g.table.Help(g.open) }

// FullHelp is the "?" help.
func (g *Group) FullHelp() [][]key.Binding {
	return [][]key.Binding{g.keys.Bindings(), {g.open}}
}

// View draws the group's executions in a pane under a line giving the
// group's normalised message.
func (g *Group) View() string {
	th := g.theme
	title := Headline(g.g.Group)
	if g.loaded && g.table.Total() < g.g.Group.Executions {
		title += " · latest " + common.Count(g.table.Total()) + " shown"
	}
	inner := max(0, g.w-2)
	msg := th.Muted.Render(common.Fit("message: "+safetext.Line(g.g.Group.Message), inner))
	var body string
	switch {
	case g.err != nil:
		body = th.Error.Render(common.Fit(g.problem(), inner))
	case !g.loaded:
		body = common.Fit(g.spin.View()+" reading the executions…", inner)
	default:
		body = g.table.View()
	}
	return common.Box(th.PaneFocused, th.PaneTitleFocused, title, msg+"\n"+body, g.w, g.h)
}

func (g *Group) problem() string {
	e := safetext.Line(g.err.Error())
	if errors.Is(g.err, model.ErrForbidden) {
		return "you may not read these executions: " + e
	}
	return "could not read the executions: " + e + " (r tries again)"
}
