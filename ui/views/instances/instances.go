// Package instances is the ":instances" view: every n8n instance with the
// workspaces it hosts, whether it answers (up, down, not answering), since
// when it is down, the latency of the last call and the last error.
package instances

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

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
	Instances(ctx context.Context) ([]model.InstanceHealth, error)
}

// LoadedMsg carries the instances.
type LoadedMsg struct {
	Instances []model.InstanceHealth
	Err       error
}

// Model is the instances view.
type Model struct {
	backend Backend
	theme   *themes.Theme
	now     common.Clock
	table   table.Model[model.InstanceHealth]
	keys    table.KeyMap
	back    key.Binding
	w, h    int
}

// New builds the view.
func New(b Backend, th *themes.Theme, now common.Clock) *Model {
	m := &Model{backend: b, theme: th, now: now, keys: table.DefaultKeyMap(),
		back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to fleet"))}
	m.build()
	return m
}

// reach is the instance's dot: up, down (refused or unreachable), not
// answering (its last call ran out of time) or never called.
func reach(i model.InstanceHealth) string {
	switch r := i.Reach(); {
	case !r.Checked:
		return "? unknown"
	case r.Up:
		return "● up"
	case r.NotAnswering:
		return "◔ no answer"
	}
	return "✗ down"
}

func (m *Model) build() {
	th := m.theme
	type I = model.InstanceHealth
	cols := []table.Column[I]{
		{Title: "INSTANCE", Width: 14, Cell: func(i I) string { return i.Name },
			Compare: func(a, b I) int { return cmp.Compare(a.Name, b.Name) }},
		{Title: "REACH", Width: 11, Cell: reach, Style: func(i I) *lipgloss.Style {
			switch i.Reach().Rank() {
			case 0:
				return &th.InstanceDown
			case 1:
				return &th.InstanceSlow
			case 2:
				return &th.Muted
			}
			return &th.OK
		}, Compare: func(a, b I) int { return cmp.Compare(a.Reach().Rank(), b.Reach().Rank()) }},
		{Title: "DOWN FOR", Width: 8, Right: true, Cell: func(i I) string {
			if r := i.Reach(); r.Down() {
				return common.AgePtr(m.now(), r.Since)
			}
			return ""
		}, Compare: func(a, b I) int { return compareSince(a.Reach().Since, b.Reach().Since) }},
		{Title: "LATENCY", Width: 7, Right: true, Cell: func(i I) string {
			if i.LastLatency == 0 {
				return "-"
			}
			return common.Dur(i.LastLatency)
		}, Compare: func(a, b I) int { return cmp.Compare(a.LastLatency, b.LastLatency) }},
		{Title: "CHECKED", Width: 8, Right: true, Cell: func(i I) string { return common.AgePtr(m.now(), i.LastCheckedAt) }},
		{Title: "WS", Width: 4, Right: true, Cell: func(i I) string { return strconv.Itoa(len(i.Workspaces)) },
			Compare: func(a, b I) int { return cmp.Compare(len(a.Workspaces), len(b.Workspaces)) }},
		{Title: "CAPABILITIES", Width: 17, Cell: capabilities,
			Compare: func(a, b I) int { return cmp.Compare(capabilitiesRank(a), capabilitiesRank(b)) }},
		{Title: "WORKSPACES", MinWidth: 10, Cell: func(i I) string { return strings.Join(i.Workspaces, ", ") }},
		{Title: "LAST ERROR", MinWidth: 10, Cell: func(i I) string { return i.Reach().Error },
			Style: func(I) *lipgloss.Style { return &th.Error }},
	}
	old := m.table
	m.table = table.New(th, cols, func(i I) string { return strconv.FormatInt(i.ID, 10) },
		func(i I) string {
			return i.Name + " " + i.BaseURL + " " + strings.Join(i.Workspaces, " ") + " " + i.Reach().State() + " " + i.Reach().Error
		})
	m.table.Empty = "no n8n instance registered"
	m.table.SetFocused(true)
	m.table.Keep(old)
	m.table.SetSize(m.w-2, m.h-2)
}

// compareSince orders the longest down first; instances that are up last.
func compareSince(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// Fetch returns a load for the poll.
func (m *Model) Fetch() func(ctx context.Context) LoadedMsg {
	b := m.backend
	return func(ctx context.Context) LoadedMsg {
		is, err := b.Instances(ctx)
		return LoadedMsg{Instances: is, Err: err}
	}
}

// Load asks for the instances now.
func (m *Model) Load() tea.Cmd {
	f := m.Fetch()
	return func() tea.Msg { return f(context.Background()) }
}

// Update handles loads, keys and the mouse.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.Err == nil {
			m.table.SetRows(msg.Instances)
		}
		return nil
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(table.Inset(msg, 1, 1))
	return cmd
}

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
	return m.table.Help(m.back)
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.Bindings(), {m.back}}
}

// View draws the instances in a pane.
func (m *Model) View() string {
	down, slow := 0, 0
	for _, i := range m.table.Rows() {
		switch i.Reach().Rank() {
		case 0:
			down++
		case 1:
			down++
			slow++
		}
	}
	title := fmt.Sprintf("n8n instances [%d] · %d down", m.table.Total(), down)
	if slow > 0 {
		title += fmt.Sprintf(" (%d not answering)", slow)
	}
	return common.ExactBox(m.theme.PaneFocused, m.theme.PaneTitleFocused, title, m.table.View(), m.w, m.h)
}
