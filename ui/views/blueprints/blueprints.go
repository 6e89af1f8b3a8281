// Package blueprints is the ":blueprints" view: every blueprint with its
// newest version, and enter opens that version (its workflows and what was
// found in them) on a screen of its own. A super admin's read-write session
// also captures a workspace (c: a form, then the proposal to confirm) and
// imports workflow files (i: a form, then the import's report).
package blueprints

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

// VersionScreen is the id of the screen showing one version.
const VersionScreen = "blueprint-version"

// Backend is the part of the console this view calls.
type Backend interface {
	Blueprints(ctx context.Context) ([]model.BlueprintSummary, error)
	BlueprintVersion(ctx context.Context, ref string) (model.ShownVersion, error)
}

// LoadedMsg carries the blueprints.
type LoadedMsg struct {
	Blueprints []model.BlueprintSummary
	Err        error
}

// Options are the session the list is drawn for: who, and whether it may
// change anything.
type Options struct {
	Actor    model.Actor
	ReadOnly bool
	Theme    *themes.Theme
}

// Model is the list.
type Model struct {
	backend  Backend
	actor    model.Actor
	readOnly bool
	theme    *themes.Theme
	table    table.Model[model.BlueprintSummary]
	keys     table.KeyMap
	open     key.Binding
	capture  key.Binding
	impt     key.Binding
	want     string // a blueprint to select once the list holds it
	err      string
	w, h     int
}

// New builds the list; b nil says the console has no vault to read.
func New(b Backend, o Options) *Model {
	m := &Model{backend: b, actor: o.Actor, readOnly: o.ReadOnly, theme: o.Theme, keys: table.DefaultKeyMap(),
		open:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show newest version")),
		capture: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "capture a workspace")),
		impt:    key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import files"))}
	m.capture.SetEnabled(m.whyNoChange() == "")
	m.impt.SetEnabled(m.whyNoImport() == "")
	m.build()
	return m
}

func (m *Model) build() {
	type B = model.BlueprintSummary
	cols := []table.Column[B]{
		{Title: "BLUEPRINT", MinWidth: 16, Cell: func(b B) string { return b.Name },
			Compare: func(a, b B) int { return cmp.Compare(a.Name, b.Name) }},
		{Title: "NEWEST", Width: 6, Right: true, Cell: func(b B) string { return strconv.Itoa(b.Latest) }},
		{Title: "VERSIONS", Width: 8, Right: true, Cell: func(b B) string { return strconv.Itoa(b.Versions) }},
		{Title: "UPDATED", Width: 20, Cell: func(b B) string {
			if b.LatestAt == nil {
				return "-"
			}
			return b.LatestAt.UTC().Format("2006-01-02 15:04 UTC")
		}},
	}
	old := m.table
	m.table = table.New(m.theme, cols, func(b B) string { return strconv.FormatInt(b.ID, 10) }, func(b B) string { return b.Name })
	m.table.Empty = "no blueprint yet: godmode blueprint import NAME DIR"
	if m.whyNoChange() == "" {
		m.table.Empty = "no blueprint yet: i imports workflow files, c captures a workspace"
	}
	m.table.SetFocused(true)
	if rows := old.Rows(); rows != nil {
		m.table.SetRows(rows)
	}
	m.table.SetSize(m.w-2, m.h-2)
}

// Load reads the blueprints.
func (m *Model) Load() tea.Cmd {
	b := m.backend
	if b == nil {
		return func() tea.Msg { return LoadedMsg{Err: fmt.Errorf("this console has no blueprint vault")} }
	}
	return func() tea.Msg {
		list, err := b.Blueprints(context.Background())
		return LoadedMsg{Blueprints: list, Err: err}
	}
}

// Update handles loads and keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		m.err = ""
		if msg.Err != nil {
			m.err = msg.Err.Error()
			return nil
		}
		m.table.SetRows(msg.Blueprints)
		if m.want != "" {
			for _, b := range msg.Blueprints {
				if b.Name == m.want {
					m.table.Select(strconv.FormatInt(b.ID, 10))
				}
			}
			m.want = ""
		}
		return nil
	case tea.KeyPressMsg:
		if m.table.Filtering() {
			break
		}
		switch msg.String() {
		case "enter":
			return m.openSelected()
		case "c":
			return m.changeKey(CaptureScreen)
		case "i":
			return m.changeKey(ImportScreen)
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(table.Inset(msg, 1, 1))
	return cmd
}

func (m *Model) openSelected() tea.Cmd {
	sel, ok := m.table.Selected()
	if !ok || m.backend == nil {
		return nil
	}
	b := m.backend
	return func() tea.Msg {
		v, err := b.BlueprintVersion(context.Background(), sel.Name)
		if err != nil {
			return common.Problem(safetext.Line(err.Error()))
		}
		return common.OpenMsg{Screen: VersionScreen, Arg: v}
	}
}

// SetSize sets the view's area.
func (m *Model) SetSize(w, h int) { m.w, m.h = w, h; m.table.SetSize(w-2, h-2) }

// SetTheme restyles the view.
func (m *Model) SetTheme(th *themes.Theme) { m.theme = th; m.build() }

// Capturing reports whether the filter input has the keyboard.
func (m *Model) Capturing() bool { return m.table.Filtering() }

// ShortHelp is the footer: c and i only where they may be used.
func (m *Model) ShortHelp() []key.Binding { return m.table.Help(m.open, m.capture, m.impt) }

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.Bindings(), {m.open, m.capture, m.impt}}
}

// View draws the list in a pane.
func (m *Model) View() string {
	body := m.table.View()
	if m.err != "" {
		body = m.theme.Error.Render(safetext.Line(m.err))
	}
	return common.ExactBox(m.theme.PaneFocused, m.theme.PaneTitleFocused, fmt.Sprintf("blueprints [%d]", m.table.Total()), body, m.w, m.h)
}

// Version is one version on a screen of its own, scrollable.
type Version struct {
	theme    *themes.Theme
	v        model.ShownVersion
	lines    []string
	top      int
	w, h     int
	up, down key.Binding
}

// NewVersion builds the version screen; it shows nothing until Open.
func NewVersion(th *themes.Theme) *Version {
	return &Version{theme: th,
		up:   key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		down: key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down"))}
}

// Open shows v (a model.ShownVersion) from its top.
func (s *Version) Open(v any) tea.Cmd {
	if sv, ok := v.(model.ShownVersion); ok {
		s.v, s.lines, s.top = sv, sv.Lines(), 0
	}
	return nil
}

// Init does nothing: Open shows the version.
func (s *Version) Init() tea.Cmd { return nil }

// Update scrolls.
func (s *Version) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, s.up):
			s.top = max(0, s.top-1)
		case key.Matches(k, s.down):
			s.top = min(max(0, len(s.lines)-s.rows()), s.top+1)
		}
	}
	return nil
}

func (s *Version) rows() int { return max(1, s.h-2) }

// View draws the version in a pane.
func (s *Version) View() string {
	end := min(len(s.lines), s.top+s.rows())
	shown := make([]string, 0, end-s.top)
	for _, l := range s.lines[min(s.top, end):end] {
		shown = append(shown, ansi.Truncate(l, max(1, s.w-2), "…"))
	}
	title := fmt.Sprintf("blueprint %s version %d", safetext.Line(s.v.Blueprint), s.v.Version)
	return common.Box(s.theme.PaneFocused, s.theme.PaneTitleFocused, title, strings.Join(shown, "\n"), s.w, s.h)
}

// SetSize sets the screen's area.
func (s *Version) SetSize(w, h int) { s.w, s.h = w, h }

// SetTheme restyles the screen.
func (s *Version) SetTheme(th *themes.Theme) { s.theme = th }

// Capturing: no input of its own.
func (s *Version) Capturing() bool { return false }

// ShortHelp is the footer.
func (s *Version) ShortHelp() []key.Binding { return []key.Binding{s.down, s.up} }

// FullHelp is the "?" help.
func (s *Version) FullHelp() [][]key.Binding { return [][]key.Binding{{s.up, s.down}} }
