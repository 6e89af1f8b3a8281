package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/views/fleet"
	fxview "github.com/godmode-console/godmode/ui/views/forensics"
)

// updateForensics routes what concerns the forensics screen: enter on an
// execution opens it, esc leaves it (unless a dialog or input of its own
// has the keyboard) and stops following a retry.
func (r *Root) updateForensics(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case fleet.OpenExecutionMsg:
		r.active = viewForensics
		src := fxview.Source{CampaignID: msg.Campaign.ID, Campaign: msg.Campaign.Name, Workspace: msg.Workspace, WorkspaceID: msg.Campaign.WorkspaceID}
		return r.forensics.Open(src, msg.Execution.ID), true
	case tea.KeyPressMsg:
		if r.active != viewForensics || r.showHelp || r.commandOn || r.forensics.Capturing() || msg.String() != "esc" {
			return nil, false
		}
		r.forensics.Close()
		r.active = viewFleet
		return nil, true
	}
	return nil, false
}

// Forensics exposes the forensics screen (tests use it).
func (r *Root) Forensics() *fxview.Model { return r.forensics }
