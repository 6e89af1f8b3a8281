package fleet

import (
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
	"github.com/godmode-console/godmode/ui/components/table"
)

// Pane names one of the fleet's three panes.
type Pane int

const (
	Workspaces Pane = iota
	Campaigns
	Executions
)

func (p Pane) String() string {
	return [...]string{"workspaces", "campaigns", "executions"}[p]
}

// Options are what the fleet needs from the session.
type Options struct {
	Actor    model.Actor
	ReadOnly bool
	Theme    *themes.Theme
	Now      common.Clock
	// ToggleBound is the model's bound on a toggle's n8n call (0:
	// DefaultToggleBound); the console waits that plus ToggleMargin.
	ToggleBound time.Duration
}

// Model is the fleet screen. It is used through a pointer: the campaign
// cells read the optimistic state it owns.
type Model struct {
	backend     Backend
	actor       model.Actor
	readOnly    bool
	toggleBound time.Duration
	theme       *themes.Theme
	now         common.Clock
	keys        KeyMap

	ws    table.Model[model.WorkspaceSummary]
	camps table.Model[model.Campaign]
	execs table.Model[model.Execution]
	focus Pane

	st   *toggles
	spin spinner.Model
	gen  int // bumped by every local change the next poll must not undo

	shownWS, shownCamp int64 // what the right-hand panes hold
	seqCamps, seqExecs int
	execFilter         string
	execErr            error // why the executions shown are not fresh
	loaded             bool

	wantWS int64 // a workspace to select once a snapshot lists it

	dialog    *prompt.Model
	onConfirm func([]string) tea.Cmd

	pick    *pickList // the re-link's choice of workflow
	onPick  func(int) tea.Cmd
	work    *work // a re-link or archive in flight
	workSeq int

	width, height int
	rects         [3]rect
}

type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// New builds the fleet screen; it shows nothing until the first snapshot.
func New(b Backend, o Options) *Model {
	m := &Model{backend: b, actor: o.Actor, readOnly: o.ReadOnly, toggleBound: o.ToggleBound, theme: o.Theme, now: o.Now, keys: defaultKeys()}
	m.st = &toggles{pending: map[int64]model.CampaignStatus{}, started: map[int64]int{}, marks: map[int64]bool{}}
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.build()
	return m
}

func (m *Model) build() {
	th := m.theme
	m.spin.Style = th.SwitchPending
	wsID := func(w model.WorkspaceSummary) string { return strconv.FormatInt(w.ID, 10) }
	m.ws = table.New(th, workspaceColumns(th), wsID, func(w model.WorkspaceSummary) string {
		return w.Slug + " " + w.Name + " " + string(w.Status) + " " + w.InstanceName
	})
	m.ws.Empty = "no workspaces yet"
	m.camps = table.New(th, campaignColumns(th, m.st, m.now), func(c model.Campaign) string { return strconv.FormatInt(c.ID, 10) },
		func(c model.Campaign) string { return c.Name + " " + string(c.Status) + " " + c.N8nWorkflowID })
	m.camps.Empty = "no campaigns in this workspace"
	m.camps.SetRowStyle(func(c model.Campaign) (*lipgloss.Style, bool) { return &th.RowMarked, m.st.marks[c.ID] })
	m.execs = table.New(th, executionColumns(th, m.now), func(e model.Execution) string { return e.ID },
		func(e model.Execution) string { return e.ID + " " + e.Status + " " + e.Mode })
	m.execs.Empty = "no executions recorded"
	m.execs.Command = func(typed string) bool { _, ok := searchNeedle(typed); return ok }
	m.setFocus(m.focus)
}

// SetTheme restyles every pane, keeping rows, selection and filters.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	ws, camps, execs := m.ws, m.camps, m.execs
	m.build()
	m.ws = retheme(ws, m.ws, th)
	m.camps = retheme(camps, m.camps, th)
	m.execs = retheme(execs, m.execs, th)
	m.SetSize(m.width, m.height)
}

// retheme keeps old's state but takes fresh's columns (whose styles close
// over the theme).
func retheme[T any](old, fresh table.Model[T], th *themes.Theme) table.Model[T] {
	old.SetTheme(th)
	old.SetColumns(fresh.Columns())
	return old
}

// Init loads nothing: the root's first poll does.
func (m *Model) Init() tea.Cmd { return nil }

// Focus returns the focused pane.
func (m *Model) Focus() Pane { return m.focus }

// SetFocus moves the keyboard to a pane (":ws", ":campaigns", ":executions").
func (m *Model) SetFocus(p Pane) { m.setFocus(p) }

func (m *Model) setFocus(p Pane) {
	m.focus = p
	m.ws.SetFocused(p == Workspaces)
	m.camps.SetFocused(p == Campaigns)
	m.execs.SetFocused(p == Executions)
}

// SelectedWorkspace is the workspace under the cursor.
func (m *Model) SelectedWorkspace() (model.WorkspaceSummary, bool) { return m.ws.Selected() }

// SelectedCampaign is the campaign under the cursor.
func (m *Model) SelectedCampaign() (model.Campaign, bool) { return m.camps.Selected() }

// Workspaces lists the loaded workspaces (the audit view maps ids to slugs).
func (m *Model) Workspaces() []model.WorkspaceSummary { return m.ws.Rows() }

// Loaded reports whether a snapshot has arrived.
func (m *Model) Loaded() bool { return m.loaded }

// Capturing reports whether keys must go to this view untouched (a
// dialog or a filter has the keyboard), so the root's shortcuts stand back.
func (m *Model) Capturing() bool {
	return m.dialog != nil || m.pick != nil || m.active().filtering()
}

type filterer interface{ filtering() bool }

type paneTable struct{ f func() bool }

func (p paneTable) filtering() bool { return p.f() }

func (m *Model) active() filterer {
	switch m.focus {
	case Workspaces:
		return paneTable{m.ws.Filtering}
	case Campaigns:
		return paneTable{m.camps.Filtering}
	}
	return paneTable{m.execs.Filtering}
}

// Update routes a message to the focused pane or the open dialog.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case SnapshotMsg:
		return m.apply(msg)
	case campaignsMsg:
		if msg.seq != m.seqCamps || msg.workspaceID != m.shownWS {
			return nil
		}
		if msg.err != nil {
			return status(common.Problem("could not load campaigns: " + msg.err.Error() + " — retrying at the next refresh"))
		}
		m.camps.SetRows(msg.rows)
		return m.follow()
	case executionsMsg:
		if msg.seq != m.seqExecs || msg.campaignID != m.shownCamp {
			return nil
		}
		m.setExecutions(msg.rows, msg.err)
		if r, ok := m.shownReach(); ok && r.Down() {
			return nil // its panes say the instance is down already
		}
		if msg.err != nil {
			return status(common.Problem("could not load executions: " + safetext.Line(msg.err.Error()) + " — retrying at the next refresh"))
		}
		return nil
	case ToggledMsg:
		return m.settle(msg)
	case toggleExpiredMsg:
		return m.expired(msg)
	case refusedMsg:
		return m.overruled(msg)
	case FrozenMsg:
		return m.frozen(msg)
	case RelinkChoicesMsg:
		return m.choices(msg)
	case RelinkedMsg:
		return m.relinked(msg)
	case CampaignArchivedMsg:
		return m.campaignArchived(msg)
	case onboardExpiredMsg:
		return m.onboardExpired(msg)
	case spinner.TickMsg:
		if len(m.st.pending) == 0 && m.work == nil {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.st.frame = m.spin.View()
		return cmd
	case tea.KeyPressMsg:
		if m.dialog != nil {
			return m.updateDialog(msg)
		}
		if m.pick != nil {
			return m.updatePick(msg)
		}
		return m.key(msg)
	case tea.MouseClickMsg:
		return m.mouse(msg, msg.Mouse())
	case tea.MouseWheelMsg:
		return m.mouse(msg, msg.Mouse())
	}
	return nil
}

func (m *Model) updateDialog(msg tea.KeyPressMsg) tea.Cmd {
	res, cmd := m.dialog.Update(msg)
	switch res {
	case prompt.Cancelled:
		m.dialog, m.onConfirm = nil, nil
		return status(common.Note("cancelled: nothing was changed"))
	case prompt.Confirmed:
		vals, f := m.dialog.Values(), m.onConfirm
		m.dialog, m.onConfirm = nil, nil
		return f(vals)
	}
	return cmd
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	if m.focus == Executions && m.execs.Filtering() && key.Matches(msg, m.execs.Keys.Apply) {
		if needle, ok := searchNeedle(m.execs.Typed()); ok {
			return m.searchKey(msg, needle)
		}
	}
	if m.active().filtering() {
		return m.routeTable(msg)
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Next):
		m.setFocus(min(m.focus+1, Executions))
		return nil
	case key.Matches(msg, k.Prev):
		m.setFocus(max(m.focus-1, Workspaces))
		return nil
	case key.Matches(msg, k.Open) && m.focus < Executions:
		m.setFocus(m.focus + 1)
		return nil
	case key.Matches(msg, k.Back) && m.focus > Workspaces:
		m.setFocus(m.focus - 1)
		return nil
	case key.Matches(msg, k.Pulse):
		return pulseKey()
	}
	switch m.focus {
	case Workspaces:
		if key.Matches(msg, k.Freeze) {
			return m.freezeKey()
		}
		if key.Matches(msg, k.NewWorkspace) {
			return m.newWorkspaceKey()
		}
		if key.Matches(msg, k.Provision) {
			return m.provisionKey()
		}
		if key.Matches(msg, k.ImportLeads) {
			return m.importKey()
		}
		if key.Matches(msg, k.Leads) {
			return m.leadsKey()
		}
	case Campaigns:
		switch {
		case key.Matches(msg, k.Toggle):
			return m.toggleKey()
		case key.Matches(msg, k.Mark):
			return m.markKey()
		case key.Matches(msg, k.Unmark):
			clear(m.st.marks)
			return nil
		case key.Matches(msg, k.Relink):
			return m.onboardKey(true)
		case key.Matches(msg, k.ArchiveCampaign):
			return m.onboardKey(false)
		}
	case Executions:
		switch {
		case key.Matches(msg, k.Open):
			return m.openExecution()
		case key.Matches(msg, k.StatusFilter):
			return m.cycleStatus()
		}
		if key.Matches(msg, k.ErrorsOnly) {
			if m.execFilter == "" {
				m.execFilter = "error"
			} else {
				m.execFilter = ""
			}
			return m.reloadExecutions()
		}
	}
	return m.routeTable(msg)
}

// routeTable hands a message to the focused table, then loads whatever
// the new selection needs.
func (m *Model) routeTable(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.focus {
	case Workspaces:
		m.ws, cmd = m.ws.Update(msg)
	case Campaigns:
		m.camps, cmd = m.camps.Update(msg)
	default:
		m.execs, cmd = m.execs.Update(msg)
	}
	return tea.Batch(cmd, m.follow())
}

// mouse focuses the pane under the pointer and lets its table handle the
// event with coordinates made relative to the table.
func (m *Model) mouse(msg tea.Msg, mo tea.Mouse) tea.Cmd {
	if m.dialog != nil || m.pick != nil {
		return nil
	}
	for i, r := range m.rects {
		if !r.has(mo.X, mo.Y) {
			continue
		}
		m.setFocus(Pane(i))
		return m.routeTable(table.Inset(msg, r.x+1, r.y+1))
	}
	return nil
}
