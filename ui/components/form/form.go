// Package form is the console's form screen: a huh form put on the screen
// stack. It loads what its fields offer, shows the form, submits it through
// the view's own use case, and goes back to the screen before it when the
// work is done or esc cancels. Wizards (onboarding, provisioning) are built
// from it: a view gives a Spec, the screen does the rest.
package form

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Spec is one form: what it reads first, its fields, and what submitting
// does. Fields bind their values (huh's Value(&v)), so a form reopened
// after a refused submit keeps what was typed.
type Spec struct {
	Title string
	// Load reads what the fields offer (a tea.Cmd answering LoadedMsg),
	// each time the screen is opened; nil: nothing to read.
	Load func() tea.Cmd
	// Groups builds the form from what Load answered.
	Groups func(loaded any) []*huh.Group
	// Submit is called once the form is complete, in Update (so it can
	// take the bound values as they are); its tea.Cmd answers SubmittedMsg.
	Submit func() tea.Cmd
	// Reset clears the bound values before the screen is opened again.
	Reset func()
}

// LoadedMsg answers Spec.Load: Data is given to Spec.Groups; an error is
// shown instead of the form.
type LoadedMsg struct {
	Data any
	Err  error
}

// SubmittedMsg answers Spec.Submit. An error reopens the form with it said
// above the fields; otherwise the screen goes back and Then runs (a status
// line, a refresh, opening a screen).
type SubmittedMsg struct {
	Err  error
	Then tea.Cmd
}

type phase int

const (
	loading phase = iota
	open
	submitting
	failed // Load failed: only esc is left
)

var (
	escKey    = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	nextKey   = key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "next"))
	prevKey   = key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("S-tab", "previous"))
	chooseKey = key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose"))
)

// Screen is a Spec on the screen stack; it meets ui.Screen.
type Screen struct {
	spec    Spec
	theme   *themes.Theme
	form    *huh.Form
	loaded  any
	phase   phase
	problem string
	w, h    int
}

// New returns the screen for spec; Init opens it.
func New(th *themes.Theme, spec Spec) *Screen { return &Screen{spec: spec, theme: th} }

// Init opens the form afresh: values cleared, what it offers read again.
func (s *Screen) Init() tea.Cmd {
	s.form, s.problem, s.loaded = nil, "", nil
	if s.spec.Reset != nil {
		s.spec.Reset()
	}
	if s.spec.Load == nil {
		return s.build(nil)
	}
	s.phase = loading
	return s.spec.Load()
}

func (s *Screen) build(data any) tea.Cmd {
	s.loaded = data
	keys := huh.NewDefaultKeyMap()
	keys.Quit = escKey
	s.form = huh.NewForm(s.spec.Groups(data)...).WithTheme(Theme(s.theme)).WithKeyMap(keys).WithShowHelp(false)
	s.resize()
	s.phase = open
	return s.form.Init()
}

// Update drives the form; every message goes to it (huh moves between
// fields with messages of its own).
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		if s.phase != loading {
			return nil
		}
		if msg.Err != nil {
			s.phase, s.problem = failed, "could not open the form: "+safetext.Line(msg.Err.Error())
			return nil
		}
		return s.build(msg.Data)
	case SubmittedMsg:
		if s.phase != submitting {
			return nil
		}
		if msg.Err != nil {
			s.problem = safetext.Line(msg.Err.Error())
			return s.build(s.loaded) // the bound values are kept
		}
		return tea.Batch(back, msg.Then)
	case tea.KeyPressMsg:
		if s.phase != open {
			if key.Matches(msg, escKey) && s.phase != submitting {
				return tea.Batch(back, cancelled)
			}
			return nil
		}
	}
	if s.phase != open {
		return nil
	}
	m, cmd := s.form.Update(msg)
	s.form = m.(*huh.Form)
	switch s.form.State {
	case huh.StateAborted:
		return tea.Batch(back, cancelled)
	case huh.StateCompleted:
		s.phase = submitting
		return s.spec.Submit()
	}
	return cmd
}

func back() tea.Msg      { return common.BackMsg{} }
func cancelled() tea.Msg { return common.Note("cancelled: nothing was changed") }

// View draws the title, the problem of the last submit if any, and the form.
func (s *Screen) View() string {
	th := s.theme
	out := th.DialogTitle.Render(s.spec.Title) + "\n\n"
	if s.problem != "" {
		out += th.StatusError.Render(s.problem) + "\n\n"
	}
	switch s.phase {
	case loading:
		out += th.Muted.Render("loading…")
	case submitting:
		out += th.Muted.Render("saving…")
	case open:
		out += s.form.View()
	}
	d := th.Dialog.Width(min(s.w, 80))
	if s.h > 0 {
		d = d.MaxHeight(s.h) // a long problem must not push the footer off
	}
	return d.Render(out)
}

// SetSize gives the form the width it may use.
func (s *Screen) SetSize(w, h int) {
	s.w, s.h = w, h
	s.resize()
}

func (s *Screen) resize() {
	if s.form != nil && s.w > 0 && s.h > 0 {
		s.form = s.form.WithWidth(min(s.w, 80) - 4).WithHeight(max(3, s.h-s.chrome()))
	}
}

// chrome is the lines the dialog draws around the form: its border, the
// title and the problem line with their gaps.
func (s *Screen) chrome() int {
	n := 2 + 2
	if s.problem != "" {
		n += 2
	}
	return n
}

// SetTheme restyles the screen; an open form takes it when next built.
func (s *Screen) SetTheme(th *themes.Theme) {
	s.theme = th
	if s.form != nil {
		s.form = s.form.WithTheme(Theme(th))
	}
}

// ShortHelp is the form's keys.
func (s *Screen) ShortHelp() []key.Binding { return []key.Binding{nextKey, prevKey, chooseKey, escKey} }

// FullHelp is the same keys, for "?".
func (s *Screen) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }

// Capturing: the form has the keyboard, so q and : are typed, not obeyed.
func (s *Screen) Capturing() bool { return true }

// Concerns: nothing changed elsewhere touches a form being filled.
func (s *Screen) Concerns(model.ChangeSet) bool { return false }

// Reload does nothing: the form is read when opened.
func (s *Screen) Reload() tea.Cmd { return nil }

// Theme is huh's styles taken from the console's theme, so a form looks
// like the rest of the console and no view builds a colour.
func Theme(th *themes.Theme) huh.Theme {
	return huh.ThemeFunc(func(bool) *huh.Styles {
		st := huh.ThemeBase(false)
		f := &st.Focused
		f.Base = f.Base.BorderForeground(th.PaneFocused.GetBorderLeftForeground())
		f.Title = th.Bold
		f.Description = th.Muted
		f.ErrorIndicator = th.StatusError.SetString(" *")
		f.ErrorMessage = th.StatusError
		f.SelectSelector = th.Accent.SetString("> ")
		f.Option = th.Text
		f.SelectedOption = th.RowSelected
		f.NextIndicator = th.Muted.MarginLeft(1).SetString("→")
		f.PrevIndicator = th.Muted.MarginRight(1).SetString("←")
		f.TextInput.Cursor = th.Accent
		f.TextInput.Placeholder = th.Muted
		f.TextInput.Prompt = th.Prompt
		f.TextInput.Text = th.Text
		f.FocusedButton = th.RowSelected.Padding(0, 2).MarginRight(1)
		f.BlurredButton = th.Muted.Padding(0, 2).MarginRight(1)
		st.Blurred = *f
		st.Blurred.Base = f.Base.BorderStyle(lipgloss.HiddenBorder())
		st.Blurred.Title = th.Muted
		st.Blurred.SelectSelector = th.Muted.SetString("  ")
		st.Blurred.NextIndicator = th.Muted
		st.Blurred.PrevIndicator = th.Muted
		st.Help.ShortKey, st.Help.ShortDesc, st.Help.ShortSeparator = th.HelpKey, th.HelpDesc, th.HelpSep
		st.Help.FullKey, st.Help.FullDesc, st.Help.FullSeparator = th.HelpKey, th.HelpDesc, th.HelpSep
		return st
	})
}
