package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/views/fleet"
	"github.com/godmode-console/godmode/ui/views/leadimport"
)

// leadImportSpec registers the import screen: the fleet's i on a
// workspace, or :import [slug]. A read-only session is not offered it.
func leadImportSpec() ScreenSpec {
	return ScreenSpec{ID: leadimport.Screen, Title: "import leads", New: newLeadImportScreen, Commands: []Command{
		{Name: "import", Aliases: []string{"imp"}, Args: "[slug]", Help: "import leads from a CSV file into a workspace", ReadWrite: true, Run: runLeadImport},
	}}
}

func newLeadImportScreen(e Env) Screen {
	b, _ := e.Backend.(leadimport.Backend) // nil: the screen says this console cannot import
	o := e.Options
	noHost := "" // over SSH, why the host's files are off (see blueprints' import)
	if h, ok := e.Backend.(interface{ HostFilesRefused() string }); ok {
		noHost = h.HostFilesRefused()
	}
	return leadImportScreen{leadimport.New(b, leadimport.Options{Actor: o.Actor, ReadOnly: o.ReadOnly, Theme: o.Theme,
		NoHostFiles: noHost, Now: o.Now})}
}

// leadImportScreen is the import screen, opened by the fleet's i too.
type leadImportScreen struct{ *leadimport.Model }

func (s leadImportScreen) Open(arg any) tea.Cmd {
	if a, ok := arg.(fleet.ImportLeads); ok {
		arg = leadimport.Request{Workspace: a.Slug}
	}
	return s.Model.Open(arg)
}

// runLeadImport opens the import screen on the workspace named, or the
// one under the fleet's cursor.
func runLeadImport(r *Root, args []string) tea.Cmd {
	var slug string
	switch len(args) {
	case 0:
		w, ok := r.fleet.SelectedWorkspace()
		if !ok {
			return statusCmd(common.Problem(":import: name a workspace (:import SLUG) or put the cursor on one"))
		}
		slug = w.Slug
	case 1:
		slug = args[0]
	default:
		return statusCmd(common.Problem(":import takes one workspace slug"))
	}
	return r.open(leadimport.Screen, leadimport.Request{Workspace: slug}, true)
}
