package provision

import "charm.land/bubbles/v2/key"

// keyMap is the wizard's own keys; huh's keys move between fields.
type keyMap struct {
	Next, Prev, Choose                          key.Binding
	Apply, Activate, Up, Down, PageUp, PageDown key.Binding
	Back, Leave, Finish                         key.Binding
	Yes, No                                     key.Binding
}

func newKeys() keyMap {
	return keyMap{
		Next:     key.NewBinding(key.WithKeys("enter", "tab"), key.WithHelp("enter/tab", "next")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("S-tab", "previous field")),
		Choose:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "choose")),
		Apply:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Activate: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "activate on/off")),
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("space/pgdn", "page down")),
		// Two keys (ctrl+[ is esc on a terminal), so the root does not
		// name this esc "back to …": here it steps back inside the wizard.
		Back: key.NewBinding(key.WithKeys("esc", "ctrl+["), key.WithHelp("esc", "step back")),
		// Leave is esc where it leaves the wizard: the root names it.
		Leave:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave")),
		Finish: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "to the workspace")),
		Yes:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "overwrite the edits")),
		No:     key.NewBinding(key.WithKeys("n", "esc", "ctrl+["), key.WithHelp("n/esc", "back to the preview")),
	}
}
