package table

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Inset moves a mouse event into the table's own coordinates when the
// table sits dx cells right and dy down of the view that got the event
// (a border, a title line); other messages pass unchanged.
func Inset(msg tea.Msg, dx, dy int) tea.Msg {
	switch m := msg.(type) {
	case tea.MouseClickMsg:
		mo := m.Mouse()
		mo.X, mo.Y = mo.X-dx, mo.Y-dy
		return tea.MouseClickMsg(mo)
	case tea.MouseWheelMsg:
		mo := m.Mouse()
		mo.X, mo.Y = mo.X-dx, mo.Y-dy
		return tea.MouseWheelMsg(mo)
	}
	return msg
}

// Help is the footer of a view built on this table: the view's own keys
// then the table's, or only the filter's keys while it is being typed.
func (m Model[T]) Help(own ...key.Binding) []key.Binding {
	if m.filtering {
		return m.ShortHelp()
	}
	return append(own, m.ShortHelp()...)
}
