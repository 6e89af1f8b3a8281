// Package audit is the ":audit" view: the append-only trail of every
// attempt, newest first, filtered by workspace, actor and outcome.
package audit

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

// Backend is the part of ui.Backend this view calls.
type Backend interface {
	Audit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error)
}

// Limit is how many entries one load shows.
const Limit = 500

// Filter is what the trail is narrowed to; Workspace is a slug.
type Filter struct {
	Workspace string
	Actor     string
	Outcome   model.Outcome
}

func (f Filter) String() string {
	var parts []string
	if f.Workspace != "" {
		parts = append(parts, "ws="+f.Workspace)
	}
	if f.Actor != "" {
		parts = append(parts, "actor="+f.Actor)
	}
	if f.Outcome != "" {
		parts = append(parts, "outcome="+string(f.Outcome))
	}
	return strings.Join(parts, " ")
}

// LoadedMsg carries a load of the trail for the filter it was asked with.
type LoadedMsg struct {
	Filter  Filter
	Entries []model.AuditEntry
	Err     error
}

type keyMap struct {
	Table         table.KeyMap
	Outcome, Back key.Binding
	Clear, Open   key.Binding
}

// Model is the audit view.
type Model struct {
	backend Backend
	theme   *themes.Theme
	now     common.Clock
	keys    keyMap
	filter  Filter
	slugs   map[int64]string // workspace id → slug
	ids     map[string]int64
	table   table.Model[model.AuditEntry]
	w, h    int
}

// New builds the view; it loads when first shown.
func New(b Backend, th *themes.Theme, now common.Clock) *Model {
	m := &Model{backend: b, theme: th, now: now, slugs: map[int64]string{}, ids: map[string]int64{}}
	m.keys = keyMap{
		Table:   table.DefaultKeyMap(),
		Outcome: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "cycle outcome filter")),
		Clear:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "clear filters")),
		Open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "details")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to fleet")),
	}
	m.build()
	return m
}

func (m *Model) build() {
	th := m.theme
	type E = model.AuditEntry
	cols := []table.Column[E]{
		{Title: "WHEN", Width: 8, Right: true, Cell: func(e E) string { return common.Ago(m.now(), e.At) },
			Compare: func(a, b E) int { return a.At.Compare(b.At) }},
		{Title: "ACTOR", Width: 20, MinWidth: 12, Cell: func(e E) string { return e.ActorName },
			Compare: func(a, b E) int { return cmp.Compare(a.ActorName, b.ActorName) }},
		{Title: "ACTION", Width: 13, MinWidth: 10, Cell: func(e E) string { return e.Action },
			Compare: func(a, b E) int { return cmp.Compare(a.Action, b.Action) }},
		{Title: "WORKSPACE", Width: 12, MinWidth: 8, Cell: func(e E) string { return m.slug(e.WorkspaceID) },
			Compare: func(a, b E) int { return cmp.Compare(m.slug(a.WorkspaceID), m.slug(b.WorkspaceID)) }},
		{Title: "CAMPAIGN", Width: 18, MinWidth: 10, Cell: func(e E) string { return campaignText(e) },
			Compare: func(a, b E) int { return cmp.Compare(campaignText(a), campaignText(b)) }},
		{Title: "OUTCOME", Width: 11, Cell: func(e E) string { return string(e.Outcome) },
			Style:   func(e E) *lipgloss.Style { return outcomeStyle(th, e.Outcome) },
			Compare: func(a, b E) int { return cmp.Compare(a.Outcome, b.Outcome) }},
		{Title: "CHANGE / ERROR", MinWidth: 10, Cell: func(e E) string { return e.Change() }},
	}
	rows := m.table.Rows()
	old := m.table
	m.table = table.New(th, cols, func(e E) string { return strconv.FormatInt(e.ID, 10) },
		func(e E) string {
			return e.ActorName + " " + e.Action + " " + m.slug(e.WorkspaceID) + " " + e.CampaignName + " " + string(e.Outcome) + " " + e.Error
		})
	m.table.Empty = "no audit entries match"
	m.table.SetFocused(true)
	if rows != nil {
		m.table.SetRows(rows)
		if id, ok := old.SelectedID(); ok {
			m.table.Select(id)
		}
	}
	m.table.SetSize(m.w-2, m.h-2)
}

func outcomeStyle(th *themes.Theme, o model.Outcome) *lipgloss.Style {
	switch o {
	case model.OutcomeOK:
		return &th.OK
	case model.OutcomeNoop:
		return &th.Muted
	}
	return &th.Error
}

// campaignText names the campaign, or its id when the name is lost.
func campaignText(e model.AuditEntry) string {
	switch {
	case e.CampaignName != "":
		return e.CampaignName
	case e.CampaignID != nil:
		return "#" + strconv.FormatInt(*e.CampaignID, 10)
	}
	return "-"
}

func (m *Model) slug(id *int64) string {
	if id == nil {
		return "-"
	}
	if s, ok := m.slugs[*id]; ok {
		return s
	}
	return "#" + strconv.FormatInt(*id, 10)
}

// SetWorkspaces teaches the view slugs, for display and for ws= filters.
func (m *Model) SetWorkspaces(ws []model.WorkspaceSummary) {
	for _, w := range ws {
		m.slugs[w.ID] = w.Slug
		m.ids[w.Slug] = w.ID
	}
}

// SetFilter narrows the trail and reloads it; an unknown slug is refused
// with the reason.
func (m *Model) SetFilter(f Filter) (tea.Cmd, error) {
	if f.Workspace != "" {
		if _, ok := m.ids[f.Workspace]; !ok {
			return nil, fmt.Errorf("no workspace %q is loaded: check the slug in the workspaces pane", f.Workspace)
		}
	}
	if f.Outcome != "" && !validOutcome(f.Outcome) {
		return nil, fmt.Errorf("outcome %q is not one of ok, noop, failed, rolled_back", f.Outcome)
	}
	m.filter = f
	return m.load(), nil
}

func validOutcome(o model.Outcome) bool {
	for _, x := range model.Outcomes {
		if x == o {
			return true
		}
	}
	return false
}

// Filter is the filter in force.
func (m *Model) Filter() Filter { return m.filter }

// Fetch returns a load of the trail for the poll.
func (m *Model) Fetch() func(ctx context.Context) LoadedMsg {
	b, f := m.backend, m.filter
	af := model.AuditFilter{Actor: f.Actor, Outcome: f.Outcome, Limit: Limit}
	if f.Workspace != "" {
		id := m.ids[f.Workspace]
		af.WorkspaceID = &id
	}
	return func(ctx context.Context) LoadedMsg {
		es, err := b.Audit(ctx, af)
		return LoadedMsg{Filter: f, Entries: es, Err: err}
	}
}

func (m *Model) load() tea.Cmd {
	f := m.Fetch()
	return func() tea.Msg { return f(context.Background()) }
}

// Load asks for the trail now (when the view opens).
func (m *Model) Load() tea.Cmd { return m.load() }

// Update handles loads, keys and the mouse.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.Filter != m.filter || msg.Err != nil {
			return nil
		}
		m.table.SetRows(msg.Entries)
		return nil
	case tea.KeyPressMsg:
		if !m.table.Filtering() {
			switch {
			case key.Matches(msg, m.keys.Outcome):
				m.filter.Outcome = common.Cycle(m.filter.Outcome, model.Outcomes)
				return m.load()
			case key.Matches(msg, m.keys.Clear):
				m.filter = Filter{}
				return m.load()
			case key.Matches(msg, m.keys.Open):
				return m.open()
			}
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(table.Inset(msg, 1, 1))
	return cmd
}

// open asks for the entry under the cursor on a screen of its own.
func (m *Model) open() tea.Cmd {
	e, ok := m.table.Selected()
	if !ok {
		return nil
	}
	arg := Entry{Entry: e, Workspace: m.slug(e.WorkspaceID)}
	if arg.Workspace == "-" {
		arg.Workspace = ""
	}
	return func() tea.Msg { return common.OpenMsg{Screen: EntryScreen, Arg: arg} }
}

// Selected is the entry under the cursor.
func (m *Model) Selected() (model.AuditEntry, bool) { return m.table.Selected() }

// SetSize sets the view's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.table.SetSize(w-2, h-2)
}

// SetTheme restyles the view.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	m.build()
}

// Capturing reports whether the filter input has the keyboard.
func (m *Model) Capturing() bool { return m.table.Filtering() }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	return m.table.Help(m.keys.Open, m.keys.Outcome, m.keys.Clear, m.keys.Back)
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.Table.Bindings(), {m.keys.Open, m.keys.Outcome, m.keys.Clear, m.keys.Back}}
}

// View draws the trail in a pane.
func (m *Model) View() string {
	title := fmt.Sprintf("Audit trail [%d]", m.table.Len())
	if s := m.filter.String(); s != "" {
		title += " · " + s
	} else {
		title += " · all (:audit ws=<slug> actor=<name> outcome=<ok|noop|failed|rolled_back>)"
	}
	return common.ExactBox(m.theme.PaneFocused, m.theme.PaneTitleFocused, title, m.table.View(), m.w, m.h)
}
