// Package pulse is the ":pulse" screen, the morning look at the fleet:
// executions ok / error / soft-failed / waiting / crashed in the last hour
// and the last 24 hours for the fleet and each workspace the actor may
// see, with sparklines of the 24 hourly buckets; the top failures grouped
// across workspaces, each opening the list of its executions (the group
// screen), from which enter opens forensics; and how far the sync's
// failure summariser is behind its per-cycle budget.
package pulse

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/sparkline"
	"github.com/godmode-console/godmode/ui/components/table"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// Screen and GroupScreen are the ids the console registers the screens
// under.
const (
	Screen      = "pulse"
	GroupScreen = "pulse-group"
)

// Options are what the screens need from the session.
type Options struct {
	Actor model.Actor
	Theme *themes.Theme
	Now   common.Clock
}

// Pane names one of the screen's two panes.
type Pane int

const (
	Workspaces Pane = iota
	Failures
)

// KeyMap is the screen's bindings: the tables' own, moving between the
// panes, and enter on a failure group.
type KeyMap struct {
	Table      table.KeyMap
	Next, Prev key.Binding
	Open       key.Binding // on a failure group: its executions
	OpenWS     key.Binding // on a workspace: the fleet, on it
}

func defaultKeys() KeyMap {
	k := KeyMap{
		Table:  table.DefaultKeyMap(),
		Next:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("S-tab", "previous pane")),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "executions of the failure")),
		OpenWS: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "workspace in the fleet")),
	}
	// The rows keep the pulse's order (the fleet first, the workspaces
	// with most failures next): a sort would move the fleet's row.
	k.Table.Sort.SetEnabled(false)
	k.Table.Reverse.SetEnabled(false)
	return k
}

// row is the fleet's or a workspace's pulse as drawn: its name cleaned
// and its sparklines drawn once, when the pulse arrives, so a frame only
// cuts strings to width.
type row struct {
	id             string
	name           string
	fleet          bool
	p              model.PulseRow
	failures, runs string
}

func rowOf(p model.PulseRow, fleet bool) row {
	r := row{p: p, fleet: fleet, failures: sparkline.Render(p.Failures), runs: sparkline.Render(p.Runs)}
	if fleet {
		r.id, r.name = "fleet", "fleet"
	} else {
		r.id, r.name = strconv.FormatInt(p.WorkspaceID, 10), safetext.Line(p.Workspace)
	}
	return r
}

// failures24h orders the workspaces: most failures in 24 hours first.
func failures24h(c model.PulseCounts) int { return c.Error + c.Soft + c.Crashed }

// Model is the :pulse screen.
type Model struct {
	backend Backend
	actor   model.Actor
	theme   *themes.Theme
	now     common.Clock
	keys    KeyMap
	spin    spinner.Model

	pulse  model.Pulse
	loaded bool
	err    error // the last read's failure; what was read before stays
	// seq numbers the reads; inflight says one is on its way, so the
	// poll's reloads never pile up behind a slow read.
	seq      uint64
	inflight bool

	ws        table.Model[row]
	groups    table.Model[model.FailureGroup]
	headlines map[string]string // by group key, written once per read
	focus     Pane
	window    string // the window line, drawn once per layout

	w, h int
}

// New builds the screen; it reads the pulse when shown.
func New(b Backend, o Options) *Model {
	m := &Model{backend: b, actor: o.Actor, theme: o.Theme, now: o.Now, keys: defaultKeys(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)), focus: Failures}
	m.build()
	return m
}

func (m *Model) build() {
	th := m.theme
	m.spin.Style = th.SwitchPending
	oldWS, oldGroups := m.ws, m.groups
	cols, _ := m.rowColumns()
	m.ws = table.New(th, cols, func(r row) string { return r.id }, func(r row) string { return r.name })
	m.ws.Keys = m.keys.Table
	m.ws.Empty = "no workspace you may see"
	m.groups = table.New(th, m.groupColumns(), func(g model.FailureGroup) string { return g.Key },
		func(g model.FailureGroup) string { return Headline(g) + " " + g.Message })
	m.groups.Keys = m.keys.Table
	m.groups.Empty = "no failures in the last 24 hours"
	if rows := oldWS.Rows(); rows != nil {
		m.ws.SetRows(rows)
		if id, ok := oldWS.SelectedID(); ok {
			m.ws.Select(id)
		}
	}
	if gs := oldGroups.Rows(); gs != nil {
		m.groups.SetRows(gs)
		if id, ok := oldGroups.SelectedID(); ok {
			m.groups.Select(id)
		}
	}
	m.setFocus(m.focus)
	m.layout()
}

func (m *Model) setFocus(p Pane) {
	m.focus = p
	m.ws.SetFocused(p == Workspaces)
	m.groups.SetFocused(p == Failures)
}

// Focus is the pane that has the keyboard.
func (m *Model) Focus() Pane { return m.focus }

// Init reads the pulse: a new read whatever is in flight, since answers
// to an earlier showing of the screen never arrive.
func (m *Model) Init() tea.Cmd {
	m.inflight = false
	return tea.Batch(m.Reload(), m.spin.Tick)
}

// Reload re-reads the pulse (the poll calls it while the screen is in
// front), unless a read is already on its way.
func (m *Model) Reload() tea.Cmd {
	if m.backend == nil {
		m.err = errors.New("this console cannot read the pulse")
		return nil
	}
	if m.inflight {
		return nil
	}
	m.seq++
	m.inflight = true
	return load(m.backend, m.actor, m.seq)
}

// Concerns: workspaces come and go with their table, and a sync cycle
// that recorded new executions updates their campaigns' last runs; no
// NOTIFY announces executions or summaries themselves, so the poll's
// Reload of the screen in front keeps the counts live in between.
func (m *Model) Concerns(s model.ChangeSet) bool {
	return s.Has(model.TableWorkspaces) || s.Has(model.TableCampaigns)
}

// Capturing: a filter input has the keyboard.
func (m *Model) Capturing() bool { return m.ws.Filtering() || m.groups.Filtering() }

// Loaded says a pulse has been read.
func (m *Model) Loaded() bool { return m.loaded }

// Pulse is the pulse shown.
func (m *Model) Pulse() model.Pulse { return m.pulse }

// Update handles reads, keys, the mouse and the spinner.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.inflight = false
		m.err = msg.err
		if msg.err == nil {
			m.show(msg.pulse)
		}
		return nil
	case spinner.TickMsg:
		if m.loaded || !m.inflight {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.MouseWheelMsg:
		return m.routeTable(msg)
	case tea.MouseClickMsg:
		return m.click(msg)
	}
	return nil
}

// show installs a pulse: the fleet first, then the workspaces with most
// failures in 24 hours, then most in the last hour, then by slug.
func (m *Model) show(p model.Pulse) {
	m.pulse, m.loaded = p, true
	wss := slices.Clone(p.Workspaces)
	slices.SortStableFunc(wss, func(a, b model.PulseRow) int {
		return cmp.Or(cmp.Compare(failures24h(b.Day), failures24h(a.Day)),
			cmp.Compare(failures24h(b.Hour), failures24h(a.Hour)), cmp.Compare(a.Workspace, b.Workspace))
	})
	rows := make([]row, 0, len(wss)+1)
	rows = append(rows, rowOf(p.Fleet, true))
	for _, w := range wss {
		rows = append(rows, rowOf(w, false))
	}
	m.ws.SetRows(rows)
	m.headlines = make(map[string]string, len(p.Groups))
	for _, g := range p.Groups {
		m.headlines[g.Key] = Headline(g)
	}
	m.groups.SetRows(p.Groups)
	m.layout()
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.Capturing() {
		return m.routeTable(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		m.setFocus(1 - m.focus)
		return nil
	case key.Matches(msg, k.Open) && m.focus == Failures:
		return m.openGroup()
	case key.Matches(msg, k.OpenWS) && m.focus == Workspaces:
		return m.openWorkspace()
	}
	return m.routeTable(msg)
}

func (m *Model) routeTable(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if m.focus == Workspaces {
		m.ws, cmd = m.ws.Update(msg)
	} else {
		m.groups, cmd = m.groups.Update(msg)
	}
	return cmd
}

// click focuses the pane under the pointer and moves its cursor there.
func (m *Model) click(msg tea.MouseClickMsg) tea.Cmd {
	mo := msg.Mouse()
	wsH, _ := m.heights()
	if mo.Y < wsH {
		m.setFocus(Workspaces)
		return m.routeTable(table.Inset(msg, 1, 2)) // border, window line
	}
	m.setFocus(Failures)
	return m.routeTable(table.Inset(msg, 1, wsH+1))
}

// FleetRowNote is what enter on the fleet's row says, short enough for
// the status line at 80 columns.
const FleetRowNote = "the fleet row sums the workspaces below: enter on one shows it in the fleet"

// OpenGroup is what the group screen is opened on: a failure group, and
// the workspaces of the pulse by slug, so that enter on an execution
// names its workspace to forensics.
type OpenGroup struct {
	Group      model.FailureGroup
	Workspaces map[string]int64
}

func (m *Model) openGroup() tea.Cmd {
	g, ok := m.groups.Selected()
	if !ok {
		return func() tea.Msg { return common.Note("no failure selected") }
	}
	ids := make(map[string]int64, len(m.pulse.Workspaces))
	for _, w := range m.pulse.Workspaces {
		ids[w.Workspace] = w.WorkspaceID
	}
	arg := OpenGroup{Group: g, Workspaces: ids}
	return func() tea.Msg { return common.OpenMsg{Screen: GroupScreen, Arg: arg} }
}

// openWorkspace brings the fleet back on the workspace under the cursor.
// The fleet's row names none: enter on it says what the row is and where
// enter does lead, rather than nothing.
func (m *Model) openWorkspace() tea.Cmd {
	r, ok := m.ws.Selected()
	switch {
	case !ok:
		return func() tea.Msg { return common.Note("no workspace selected") }
	case r.fleet:
		return func() tea.Msg { return common.Note(FleetRowNote) }
	}
	arg := fleet.ShowWorkspace{ID: r.p.WorkspaceID}
	return func() tea.Msg { return common.OpenMsg{Screen: fleet.Screen, Arg: arg} }
}

// SetSize sets the screen's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.layout()
}

// SetTheme restyles the screen, keeping rows and cursors.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	m.build()
}

// ShortHelp is the footer for the focused pane.
func (m *Model) ShortHelp() []key.Binding {
	if m.focus == Failures {
		return m.groups.Help(m.keys.Open, m.keys.Next)
	}
	return m.ws.Help(m.keys.OpenWS, m.keys.Next)
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{k.Table.Bindings(), {k.Next, k.Prev, k.Open, k.OpenWS}}
}

func (m *Model) headline(g model.FailureGroup) string {
	if h, ok := m.headlines[g.Key]; ok {
		return h
	}
	return Headline(g)
}

// Headline names a failure group the way the admin asks about it: what
// failed where, and how widely ("HTTP 429 in httpRequest: 41 executions in
// 17 workspaces"; "…, swallowed: …" for errors that nodes set to continue
// on failure kept inside their output).
func Headline(g model.FailureGroup) string {
	what := cmp.Or(safetext.Line(g.Class), "failure")
	if n := nodeTypeName(g.NodeType); n != "" {
		what += " in " + n
	}
	switch g.Kind {
	case model.SummarySwallowed: // the executions "succeeded": say why they are here
		what += ", swallowed"
	case model.SummaryUnreadable:
		what += ", data unreadable"
	}
	return fmt.Sprintf("%s: %s in %s", what, plural(g.Executions, "execution"), plural(g.Workspaces, "workspace"))
}

// nodeTypeName is a node type without its package
// ("n8n-nodes-base.httpRequest" is httpRequest).
func nodeTypeName(t string) string {
	t = safetext.Line(t)
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return common.Count(n) + " " + what + "s"
}
