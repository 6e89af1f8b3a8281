package fleet

import (
	"charm.land/bubbles/v2/key"
	"github.com/godmode-console/godmode/model"
)

// keysNow is the key map with each action enabled only where it would
// work for this actor on this selection, so help never offers a key that
// would be refused.
func (m *Model) keysNow() KeyMap {
	k := m.keys
	ws := int64(0)
	if c, ok := m.camps.Selected(); ok {
		ws = c.WorkspaceID
	} else if w, ok := m.ws.Selected(); ok {
		ws = w.ID
	}
	canToggle := m.whyNoToggle(ws) == ""
	k.Toggle.SetEnabled(canToggle)
	k.Mark.SetEnabled(canToggle)
	k.Unmark.SetEnabled(canToggle && len(m.st.marks) > 0)
	k.Freeze.SetEnabled(m.whyNoFreeze() == "")
	k.NewWorkspace.SetEnabled(m.whyNoCreate() == "")
	k.Provision.SetEnabled(m.mayProvision())
	k.ImportLeads.SetEnabled(m.mayImport())
	k.Relink.SetEnabled(m.mayOnboard())
	k.ArchiveCampaign.SetEnabled(m.mayOnboard())
	if w, ok := m.ws.Selected(); ok && w.Status == model.WorkspaceActive {
		k.Provision.SetHelp("p", "re-apply")
	}
	if w, ok := m.ws.Selected(); ok && w.Status == "suspended" {
		k.Freeze.SetHelp("F", "unfreeze")
	} else {
		k.Freeze.SetHelp("F", "freeze (kill switch)")
	}
	if m.execFilter != "" {
		k.ErrorsOnly.SetHelp("e", "all executions")
	}
	k.ExecOpen = k.Open
	k.ExecOpen.SetHelp("enter", "forensics")
	return k
}

// ShortHelp is the footer for the focused pane.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keysNow()
	switch m.focus {
	case Workspaces:
		if m.ws.Filtering() {
			return m.ws.ShortHelp()
		}
		return append([]key.Binding{k.Open, k.NewWorkspace, k.Provision, k.ImportLeads, k.Freeze}, m.ws.ShortHelp()...)
	case Campaigns:
		if m.camps.Filtering() {
			return m.camps.ShortHelp()
		}
		return append([]key.Binding{k.Toggle, k.Mark, k.Relink, k.ArchiveCampaign, k.Back}, m.camps.ShortHelp()...)
	}
	if m.execs.Filtering() {
		if _, ok := searchNeedle(m.execs.Typed()); ok {
			search := k.Table.Apply
			search.SetHelp("enter", "search the latest executions' data")
			return []key.Binding{search, k.Table.Clear}
		}
		return m.execs.ShortHelp()
	}
	return append([]key.Binding{k.ExecOpen, k.StatusFilter, k.ErrorsOnly, k.SearchData, k.Back}, m.execs.ShortHelp()...)
}

// FullHelp groups every binding of the fleet for "?".
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keysNow()
	return [][]key.Binding{
		k.Table.Bindings(),
		{k.Next, k.Prev, k.Open, k.Back, k.Pulse, k.SearchData},
		{k.Toggle, k.Mark, k.Unmark, k.Relink, k.ArchiveCampaign, k.NewWorkspace, k.Provision, k.ImportLeads, k.Leads, k.Freeze, k.ErrorsOnly, k.StatusFilter},
	}
}
