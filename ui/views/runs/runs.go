// Package runs is the ":runs" screen: every provisioning run, newest
// first, with its workspace, blueprint version, status and how far its
// steps got; enter opens one run's steps, and R rolls a run back.
package runs

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

// Backend is the part of ui.Backend these screens call; a backend
// without it gets a screen that says runs cannot be read here.
type Backend interface {
	ProvisioningRuns(ctx context.Context) ([]model.RunSummary, error)
	ProvisioningRun(ctx context.Context, runID int64) (model.ProvisioningRun, []model.ProvisioningStep, error)
	RollbackRun(ctx context.Context, actor model.Actor, runID int64, vals *genesis.Values) (model.ProvisionResult, error)
}

// DetailScreen is the id of the screen of one run; enter on a row opens it.
const DetailScreen = "run"

// LoadTimeout bounds one load, so a hung database cannot hold the screen.
const LoadTimeout = 15 * time.Second

// Options are what both screens are built with.
type Options struct {
	Actor    model.Actor
	ReadOnly bool
	Theme    *themes.Theme
	Now      common.Clock
}

// LoadedMsg carries one load of the list; Seq drops answers to older loads.
type LoadedMsg struct {
	Seq  int
	Runs []model.RunSummary
	Err  error
}

type keyMap struct {
	Table      table.KeyMap
	Open, Back key.Binding
}

// Model is the list of runs.
type Model struct {
	backend Backend
	opt     Options
	keys    keyMap
	seq     int
	loaded  bool
	err     error
	table   table.Model[model.RunSummary]
	rb      rollback
	w, h    int
}

// New builds the list; it loads when shown.
func New(b Backend, o Options) *Model {
	m := &Model{backend: b, opt: o, rb: newRollback(b, o)}
	m.keys = keyMap{
		Table: table.DefaultKeyMap(),
		Open:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "steps")),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to fleet")),
	}
	m.build()
	return m
}

type R = model.RunSummary

// StatusStyle colours a run's status: done green, stopped red, under way
// as a warning, undone muted.
func StatusStyle(th *themes.Theme, s model.RunStatus) *lipgloss.Style {
	switch s {
	case model.RunSucceeded:
		return &th.OK
	case model.RunFailed:
		return &th.Error
	case model.RunRolledBack:
		return &th.Muted
	}
	return &th.Warn
}

func (m *Model) build() {
	th, now := m.opt.Theme, m.opt.Now
	cols := []table.Column[R]{
		{Title: "RUN", Width: 5, Right: true, Cell: func(r R) string { return strconv.FormatInt(r.ID, 10) },
			Compare: func(a, b R) int { return cmp.Compare(a.ID, b.ID) }},
		{Title: "WORKSPACE", Width: 12, MinWidth: 8, Cell: func(r R) string { return r.WorkspaceSlug },
			Compare: func(a, b R) int { return cmp.Compare(a.WorkspaceSlug, b.WorkspaceSlug) }},
		{Title: "BLUEPRINT", Width: 18, MinWidth: 10, Cell: blueprintOf,
			Compare: func(a, b R) int { return cmp.Compare(blueprintOf(a), blueprintOf(b)) }},
		{Title: "STATUS", Width: 11, Cell: func(r R) string { return string(r.Status) },
			Style:   func(r R) *lipgloss.Style { return StatusStyle(th, r.Status) },
			Compare: func(a, b R) int { return cmp.Compare(a.Status, b.Status) }},
		{Title: "STARTED", Width: 7, Right: true, Cell: func(r R) string { return common.Ago(now(), r.StartedAt) },
			Compare: func(a, b R) int { return a.StartedAt.Compare(b.StartedAt) }},
		{Title: "FINISHED", Width: 8, Right: true, Cell: func(r R) string { return finished(now, r.FinishedAt) }},
		{Title: "STEPS", Width: 6, Right: true, Cell: func(r R) string { return fmt.Sprintf("%d/%d", r.StepsDone, r.StepsTotal) }},
		{Title: "ERROR", MinWidth: 10, Cell: func(r R) string { return r.Error }},
	}
	old := m.table
	m.table = table.New(th, cols, func(r R) string { return strconv.FormatInt(r.ID, 10) },
		func(r R) string {
			return r.WorkspaceSlug + " " + blueprintOf(r) + " " + string(r.Status) + " " + r.Error
		})
	m.table.SetFocused(true)
	m.table.Empty = m.empty()
	m.table.Keep(old)
	m.table.SetSize(m.w-2, m.h-3)
}

func blueprintOf(r R) string { return fmt.Sprintf("%s@v%d", r.Blueprint, r.Version) }

func finished(now common.Clock, t *time.Time) string {
	if t == nil {
		return "-"
	}
	return common.Ago(now(), *t)
}

func (m *Model) empty() string {
	switch {
	case m.backend == nil:
		return "this console cannot read provisioning runs"
	case !m.loaded:
		return "loading runs…"
	}
	return "no provisioning runs yet: godmode provision --workspace SLUG --blueprint NAME@V --values FILE --apply"
}

// Load asks for the list now; the answer is a LoadedMsg.
func (m *Model) Load() tea.Cmd {
	if m.backend == nil {
		return nil
	}
	m.seq++
	b, seq := m.backend, m.seq
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), LoadTimeout)
		defer cancel()
		rs, err := b.ProvisioningRuns(ctx)
		return LoadedMsg{Seq: seq, Runs: rs, Err: err}
	}
}

// Update handles loads, keys and the mouse.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.Seq != m.seq {
			return nil
		}
		m.err = msg.Err
		if msg.Err != nil {
			return nil // keep what was shown; the title says it is not current
		}
		m.loaded = true
		m.table.Empty = m.empty()
		m.table.SetRows(msg.Runs)
		return nil
	case RolledBackMsg:
		return tea.Batch(m.rb.ended(msg), m.Load())
	case spinner.TickMsg:
		return m.rb.tick(msg)
	case tea.KeyPressMsg:
		if m.rb.dialog != nil {
			return m.rb.updateDialog(msg)
		}
		if !m.table.Filtering() {
			switch {
			case key.Matches(msg, m.keys.Open):
				return m.open()
			case key.Matches(msg, m.rb.key):
				if r, ok := m.table.Selected(); ok {
					return m.rb.ask(r)
				}
				return nil
			}
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(table.Inset(msg, 1, 1))
	return cmd
}

func (m *Model) open() tea.Cmd {
	r, ok := m.table.Selected()
	if !ok {
		return nil
	}
	return func() tea.Msg { return common.OpenMsg{Screen: DetailScreen, Arg: r} }
}

// Selected is the run under the cursor.
func (m *Model) Selected() (model.RunSummary, bool) { return m.table.Selected() }

// SetSize sets the screen's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.table.SetSize(w-2, h-3)
}

// SetTheme restyles the screen.
func (m *Model) SetTheme(th *themes.Theme) {
	m.opt.Theme, m.rb.theme = th, th
	m.build()
}

// Capturing reports whether the dialog or the filter has the keyboard.
func (m *Model) Capturing() bool { return m.rb.dialog != nil || m.table.Filtering() }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	return m.table.Help(m.keys.Open, m.rb.key, m.keys.Back)
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.Table.Bindings(), {m.keys.Open, m.rb.key, m.keys.Back}}
}

// View draws the list in a pane, a line for the rollback under it.
func (m *Model) View() string {
	th := m.opt.Theme
	stopped := 0
	for _, r := range m.table.Rows() {
		if r.Status == model.RunFailed || r.Status == model.RunApplying || r.Status == model.RunPlanned {
			stopped++
		}
	}
	title := fmt.Sprintf("Provisioning runs [%d] · %d not finished", m.table.Len(), stopped)
	if m.err != nil {
		title += " · NOT CURRENT: " + safetext.Line(m.err.Error())
	}
	title += " · newest first (enter: steps)"
	body := m.table.View() + "\n" + common.Fit(m.footLine(), max(0, m.w-2))
	return m.rb.overlay(common.Box(th.PaneFocused, th.PaneTitleFocused, title, body, m.w, m.h), m.w, m.h)
}

// Len is how many runs are shown.
func (m *Model) Len() int { return m.table.Len() }

// footLine is the rollback under way or its end, else the selected run's
// whole error: the column is cut on any terminal.
func (m *Model) footLine() string {
	if l := m.rb.line(); l != "" {
		return l
	}
	if r, ok := m.table.Selected(); ok && r.Error != "" {
		return m.opt.Theme.Muted.Render(fmt.Sprintf("run %d: %s", r.ID, safetext.Line(r.Error)))
	}
	return ""
}
