package fleet

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// ProvisionScreen is the id of the wizard p opens (ui registers it).
const ProvisionScreen = "provision"

// ProvisionWorkspace is what p opens the wizard on.
type ProvisionWorkspace struct{ Slug string }

// targetReader is the wizard's first read, called here only to put a
// refused p on the record.
type targetReader interface {
	ProvisionTarget(ctx context.Context, actor model.Actor, slug string) (model.ProvisionTarget, error)
}

func (m *Model) whyNoProvision() string {
	if m.readOnly {
		return "read-only session: provisioning is off (restart without --read-only)"
	}
	if err := model.Authorize(m.actor, model.ActionProvision, 0); err != nil {
		return "provisioning is for super admins only"
	}
	return ""
}

// mayProvision: p is offered on a workspace awaiting setup (provision) or
// active (re-apply in place), to those who may provision.
func (m *Model) mayProvision() bool {
	w, ok := m.ws.Selected()
	return ok && (w.Status == model.WorkspaceAwaitingSetup || w.Status == model.WorkspaceActive) && m.whyNoProvision() == ""
}

// provisionKey opens the wizard on the selected workspace. Refused, it says
// why at once, and the model refuses it again, which puts the attempt on
// the record.
func (m *Model) provisionKey() tea.Cmd {
	w, ok := m.ws.Selected()
	if !ok {
		return nil
	}
	if why := m.whyNoProvision(); why != "" {
		b, actor, slug := m.backend, m.actor, w.Slug
		return tea.Batch(status(common.Problem("refused: "+why)), func() tea.Msg {
			if tr, ok := b.(targetReader); ok {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_, _ = tr.ProvisionTarget(ctx, actor, slug)
			}
			return nil
		})
	}
	arg := ProvisionWorkspace{Slug: w.Slug}
	return func() tea.Msg { return common.OpenMsg{Screen: ProvisionScreen, Arg: arg} }
}
