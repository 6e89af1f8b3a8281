package forensics

import "charm.land/bubbles/v2/key"

// KeyMap is the forensics screen's bindings; help and the footer are
// generated from it.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Focus                                   key.Binding
	NextTab, PrevTab, Tab                   key.Binding
	Toggle, Level                           key.Binding
	Find, NextMatch, PrevMatch, Query       key.Binding
	Copy, CopyPath, Save, Retry, Back       key.Binding
	// Sub opens the sub-execution the run called (enter on that run does
	// too); Up opens the execution that called this one, or the failed
	// one an Error Trigger reports.
	Sub, Parent key.Binding
}

func defaultKeys() KeyMap {
	return KeyMap{
		Up:        key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("k/↑", "up")),
		Down:      key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("j/↓", "down")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:       key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:    key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Focus:     key.NewBinding(key.WithKeys("h", "l", "left", "right"), key.WithHelp("h/l", "timeline/inspector")),
		NextTab:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next tab")),
		PrevTab:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("S-tab", "previous tab")),
		Tab:       key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"), key.WithHelp("1-5", "input/output/error/params/code")),
		Toggle:    key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "fold/unfold")),
		Level:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z1-9/z0", "fold to level/unfold all")),
		Find:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find")),
		NextMatch: key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/previous match")),
		PrevMatch: key.NewBinding(key.WithKeys("N")),
		Query:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "path query (gjson)")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy value")),
		CopyPath:  key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy path")),
		Save:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "save execution")),
		Retry:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "retry")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Sub:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the sub-execution")),
		Parent:    key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "up to the calling execution")),
	}
}
