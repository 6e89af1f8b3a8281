package forensics

import (
	"charm.land/bubbles/v2/key"

	fx "github.com/godmode-console/godmode/forensics"
)

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
	// Links are offered when they can be followed from here; from a file
	// the key still says why not, as R does.
	if sub := m.selectedSub(); sub != nil && m.whyNoLink(sub) == "" {
		k.Sub.SetHelp("o", "sub-execution "+printable(sub.ExecutionID))
		if m.focus == timelinePane && m.markOf(m.sel).sub != nil {
			k.Toggle.SetHelp("enter", "open sub-execution "+printable(sub.ExecutionID))
		}
	} else {
		k.Sub.SetEnabled(false)
	}
	if up := m.upLink(); up != nil && m.whyNoLink(up) == "" {
		what := "up to " + printable(up.ExecutionID)
		if up.Kind == fx.LinkErrorTrigger {
			what = "failed execution " + printable(up.ExecutionID)
		}
		k.Parent.SetHelp("u", what)
	} else {
		k.Parent.SetEnabled(false)
	}
	if n := len(m.trail); n > 0 {
		k.Back.SetHelp("esc", "back to "+printable(m.trail[n-1].exec.ID))
	}
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
	if m.linking != nil {
		return []key.Binding{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop opening it"))}
	}
	if m.exec == nil {
		return []key.Binding{m.keys.Back}
	}
	k := m.keysNow()
	if m.focus == timelinePane && m.markOf(m.sel).sub != nil {
		// enter says it already: the footer keeps its room for esc.
		k.Sub.SetEnabled(false)
	}
	return []key.Binding{k.Focus, k.NextTab, k.Toggle, k.Sub, k.Parent, k.Find, k.Copy, k.Save, k.Retry, k.Back}
}

// FullHelp groups every binding for "?".
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keysNow()
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Focus},
		{k.NextTab, k.PrevTab, k.Tab, k.Toggle, k.Level},
		{k.Find, k.NextMatch, k.Query, k.Copy, k.CopyPath},
		{k.Sub, k.Parent, k.Save, k.Retry, k.Back},
	}
}
