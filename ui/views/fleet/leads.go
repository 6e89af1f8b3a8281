package fleet

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// LeadsScreen is the id of the screen L opens (ui registers it).
const LeadsScreen = "leads"

// OpenLeads is what L opens the leads screen on.
type OpenLeads struct{ Slug string }

// leadsKey opens the leads of the selected workspace; the screen's reads
// authorise (and audit a refusal) in the model.
func (m *Model) leadsKey() tea.Cmd {
	w, ok := m.ws.Selected()
	if !ok {
		return nil
	}
	arg := OpenLeads{Slug: w.Slug}
	return func() tea.Msg { return common.OpenMsg{Screen: LeadsScreen, Arg: arg} }
}
