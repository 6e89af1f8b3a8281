package forensics

import "charm.land/bubbles/v2/key"

// keysNow is the key map with what cannot work here switched off, so help
// never offers a key that would be refused.
func (m *Model) keysNow() KeyMap {
	k := m.keys
	k.Retry.SetEnabled(m.whyNoRetry() == "")
	v := m.view()
	isDoc := v != nil && v.doc != nil
	for _, b := range []*key.Binding{&k.Level, &k.Find, &k.NextMatch, &k.Query, &k.CopyPath} {
		b.SetEnabled(isDoc)
	}
	k.Toggle.SetEnabled(isDoc || m.focus == timelinePane)
	if m.focus == timelinePane {
		k.Toggle.SetHelp("enter", "read the run")
	}
	if v != nil && v.code != nil {
		k.Copy.SetHelp("y", "copy the code")
	}
	k.Save.SetEnabled(m.exec != nil)
	return k
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.dialog != nil {
		d := m.dialog
		return []key.Binding{d.saved, d.original, d.abort}
	}
	if m.inputMode != noInput {
		return []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		}
	}
	if m.exec == nil {
		return []key.Binding{m.keys.Back}
	}
	k := m.keysNow()
	return []key.Binding{k.Focus, k.NextTab, k.Toggle, k.Find, k.Copy, k.Save, k.Retry, k.Back}
}

// FullHelp groups every binding for "?".
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keysNow()
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Focus},
		{k.NextTab, k.PrevTab, k.Tab, k.Toggle, k.Level},
		{k.Find, k.NextMatch, k.Query, k.Copy, k.CopyPath},
		{k.Save, k.Retry, k.Back},
	}
}
