package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/fleet"
	"github.com/godmode-console/godmode/ui/views/leads"
)

// leadsScreen is ":leads": opened on a slug by the command, or by L on
// the fleet's workspace.
type leadsScreen struct{ *leads.Model }

func newLeadsScreen(e Env) Screen {
	b, _ := e.Backend.(leads.Backend) // nil: the screen says it cannot read leads
	return leadsScreen{leads.New(b, e.Options.Theme)}
}

func (s leadsScreen) Open(arg any) tea.Cmd {
	if o, ok := arg.(fleet.OpenLeads); ok {
		arg = leads.Open{Slug: o.Slug}
	}
	return s.Model.Open(arg)
}

// runLeads opens the leads of the workspace named, or of the one under
// the fleet's cursor.
func runLeads(r *Root, args []string) tea.Cmd {
	var slug string
	switch len(args) {
	case 0:
		w, ok := r.fleet.SelectedWorkspace()
		if !ok {
			return statusCmd(common.Problem(":leads: name a workspace (:leads SLUG) or put the cursor on one"))
		}
		slug = w.Slug
	case 1:
		slug = args[0]
	default:
		return statusCmd(common.Problem(":leads takes one workspace slug"))
	}
	return r.open(leads.Screen, leads.Open{Slug: slug}, true)
}
