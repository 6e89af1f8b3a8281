package fleet

import (
	"context"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// NewWorkspaceScreen is the id of the form n opens (ui registers it).
const NewWorkspaceScreen = "workspace.new"

// awaitingSetup is the campaigns pane of a workspace created and not yet
// set up: what to do next, since an empty list says nothing.
// It fits an 80-column pane.
const awaitingSetup = "awaiting setup: adopt its workflows in :unmanaged (m marks, a adopts)"

// awaitingProvision is the same, for whoever may provision a workspace
// that has an n8n instance: the wizard is the other way to set it up.
const awaitingProvision = "awaiting setup: p provisions it from a blueprint, or adopt in :unmanaged"

func (m *Model) whyNoCreate() string {
	if m.readOnly {
		return "read-only session: creating workspaces is off (restart without --read-only)"
	}
	if err := model.Authorize(m.actor, model.ActionManageWorkspaces, 0); err != nil {
		return "creating workspaces is for super admins only"
	}
	return ""
}

// newWorkspaceKey opens the new-workspace form. Refused, it says why at
// once and the model refuses it again, which puts the attempt on the record.
func (m *Model) newWorkspaceKey() tea.Cmd {
	if why := m.whyNoCreate(); why != "" {
		b, actor := m.backend, m.actor
		return tea.Batch(status(common.Problem("refused: "+why)), func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, _ = b.CreateWorkspace(ctx, actor, model.NewWorkspace{})
			return nil
		})
	}
	return func() tea.Msg { return common.OpenMsg{Screen: NewWorkspaceScreen} }
}

// SelectWorkspace puts the cursor on a workspace, now if it is listed or
// at the first snapshot that lists it (one just created).
func (m *Model) SelectWorkspace(id int64) tea.Cmd {
	m.setFocus(Workspaces)
	m.wantWS = id
	return m.selectWanted()
}

func (m *Model) selectWanted() tea.Cmd {
	if m.wantWS == 0 || !m.ws.Select(strconv.FormatInt(m.wantWS, 10)) {
		return nil
	}
	m.wantWS = 0
	return m.follow()
}

// setCampaignsEmpty says, in an empty campaigns pane, why it is empty.
func (m *Model) setCampaignsEmpty() {
	w, ok := m.ws.Selected()
	switch {
	case ok && w.Status == model.WorkspaceAwaitingSetup && w.InstanceName != "" && m.whyNoProvision() == "":
		m.camps.Empty = awaitingProvision
	case ok && w.Status == model.WorkspaceAwaitingSetup:
		m.camps.Empty = awaitingSetup
	case ok && w.Status == model.WorkspaceArchived:
		m.camps.Empty = "archived: nothing in this workspace runs any more"
	default:
		m.camps.Empty = "no campaigns in this workspace"
	}
}
