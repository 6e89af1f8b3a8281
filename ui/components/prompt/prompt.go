// Package prompt is the console's typed confirmation: a dialog of one or
// more text fields, each checked before the next, for actions that must not
// happen by accident (bulk toggles, the kill switch).
package prompt

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Field is one thing the user must type.
type Field struct {
	Label       string
	Placeholder string
	Value       string // typed already (a proposal the user may change)
	// Check returns a message saying what is wrong with the value, or "".
	Check func(string) string
}

// Result says how the dialog ended after an Update.
type Result int

const (
	Open Result = iota
	Confirmed
	Cancelled
)

var (
	enter = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next / confirm"))
	esc   = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
)

// Model is an open dialog.
type Model struct {
	Title, Body string
	fields      []Field
	inputs      []textinput.Model
	step        int
	problem     string
	theme       *themes.Theme
	// MaxWidth bounds the box (0: none): the screen's width, so a long body
	// (the names of the workflows adopted) wraps instead of running off it.
	MaxWidth int
}

// New opens a dialog; the first field has the keyboard.
func New(th *themes.Theme, title, body string, fields ...Field) *Model {
	// A dialog quotes data (a freeze reason, a campaign name): cleaned.
	m := &Model{Title: safetext.Line(title), Body: safetext.Text(body), fields: fields, theme: th}
	for _, f := range fields {
		in := common.NewInput(th, "> ")
		in.Placeholder = f.Placeholder
		if f.Value != "" {
			in.SetValue(f.Value)
		}
		in.SetWidth(40)
		m.inputs = append(m.inputs, in)
	}
	if len(m.inputs) > 0 {
		m.inputs[0].Focus()
	}
	return m
}

// Update feeds a key to the focused field.
func (m *Model) Update(msg tea.KeyPressMsg) (Result, tea.Cmd) {
	switch {
	case key.Matches(msg, esc):
		return Cancelled, nil
	case key.Matches(msg, enter):
		v := strings.TrimSpace(m.inputs[m.step].Value())
		if chk := m.fields[m.step].Check; chk != nil {
			if p := chk(v); p != "" {
				m.problem = p
				return Open, nil
			}
		}
		m.problem = ""
		m.inputs[m.step].Blur()
		if m.step == len(m.inputs)-1 {
			return Confirmed, nil
		}
		m.step++
		return Open, m.inputs[m.step].Focus()
	}
	var cmd tea.Cmd
	m.inputs[m.step], cmd = m.inputs[m.step].Update(msg)
	return Open, cmd
}

// Values returns what was typed, trimmed, one per field.
func (m *Model) Values() []string {
	out := make([]string, len(m.inputs))
	for i, in := range m.inputs {
		out[i] = strings.TrimSpace(in.Value())
	}
	return out
}

// View renders the dialog box.
func (m *Model) View() string {
	th := m.theme
	title, body := m.Title, m.Body
	if inner := m.MaxWidth - th.Dialog.GetHorizontalFrameSize(); m.MaxWidth > 0 && inner > 0 {
		title, body = ansi.Wrap(title, inner, " "), ansi.Wrap(body, inner, " ")
		for i := range m.inputs {
			m.inputs[i].SetWidth(min(40, max(1, inner-3)))
		}
	}
	var b strings.Builder
	b.WriteString(th.DialogTitle.Render(title))
	if body != "" {
		b.WriteString("\n" + th.Text.Render(body))
	}
	for i, f := range m.fields {
		if i > m.step {
			break
		}
		b.WriteString("\n\n" + th.Bold.Render(f.Label) + "\n" + m.inputs[i].View())
	}
	if m.problem != "" {
		b.WriteString("\n" + th.StatusError.Render(m.problem))
	}
	b.WriteString("\n\n" + th.HelpKey.Render("enter") + th.HelpDesc.Render(" confirm  ") +
		th.HelpKey.Render("esc") + th.HelpDesc.Render(" cancel"))
	return th.Dialog.Render(b.String())
}
