package forensics

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// Standalone is the forensics screen on its own, full screen, for
// `godmode inspect`: the screen, a status line and the key hints; q (or
// esc, as there is nothing to go back to) quits.
type Standalone struct {
	m      *Model
	start  tea.Cmd
	help   help.Model
	status common.StatusMsg
	quit   key.Binding
	w, h   int
}

// NewStandalone wraps m; start is the command that opens the execution
// (Open or OpenBytes), run by Init.
func NewStandalone(m *Model, start tea.Cmd) *Standalone {
	th := m.theme
	hp := help.New()
	hp.Styles = help.Styles{ShortKey: th.HelpKey, ShortDesc: th.HelpDesc, ShortSeparator: th.HelpSep, Ellipsis: th.HelpSep,
		FullKey: th.HelpKey, FullDesc: th.HelpDesc, FullSeparator: th.HelpSep}
	return &Standalone{m: m, start: start, help: hp,
		quit: key.NewBinding(key.WithKeys("q", "esc", "ctrl+c"), key.WithHelp("q", "quit"))}
}

// Init opens the execution.
func (s *Standalone) Init() tea.Cmd { return s.start }

// Update handles the window, quitting and the status line, and hands the
// rest to the screen.
func (s *Standalone) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		s.w, s.h = msg.Width, msg.Height
		s.help.SetWidth(msg.Width)
		s.m.SetSize(msg.Width, msg.Height-2)
		return s, nil
	case common.StatusMsg:
		s.status = msg
		return s, nil
	case tea.KeyPressMsg:
		// esc steps back along the path of linked executions first.
		if msg.String() == "ctrl+c" || (!s.m.Capturing() && !(msg.String() == "esc" && s.m.OwnsEsc()) && key.Matches(msg, s.quit)) {
			return s, tea.Quit
		}
	}
	return s, s.m.Update(msg)
}

// View draws the screen full size.
func (s *Standalone) View() tea.View {
	v := tea.NewView(s.Render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "godmode inspect"
	return v
}

// Render is the screen as text.
func (s *Standalone) Render() string {
	if s.w <= 0 || s.h <= 0 {
		return ""
	}
	th := s.m.theme
	st := th.StatusInfo
	switch s.status.Level {
	case common.Success:
		st = th.StatusOK
	case common.Failure:
		st = th.StatusError
	}
	hints := s.m.ShortHelp()
	if !s.m.Capturing() && !s.m.OwnsEsc() {
		// Nothing to go back to: esc quits, so "esc back" would mislead.
		var keep []key.Binding
		for _, b := range hints {
			if b.Help().Key != "esc" {
				keep = append(keep, b)
			}
		}
		hints = append(keep, s.quit)
	} else if !s.m.Capturing() {
		hints = append(hints, key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")))
	}
	return s.m.View() + "\n" + common.Fit(st.Render(s.status.Text), s.w) + "\n" + s.help.ShortHelpView(hints)
}
