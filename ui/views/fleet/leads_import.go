package fleet

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// ImportLeadsScreen is the id of the import screen i opens (ui registers
// it).
const ImportLeadsScreen = "leads.import"

// ImportLeads is what i opens the import screen on.
type ImportLeads struct{ Slug string }

// leadImporter is the import's entry, called here only to put a refused i
// on the record.
type leadImporter interface {
	ImportLeads(ctx context.Context, actor model.Actor, req model.LeadImport) (model.LeadImportResult, error)
}

func (m *Model) whyNoImport(workspaceID int64) string {
	return common.WhyNoImport(m.actor, m.readOnly, workspaceID)
}

// mayImport: i is offered on a workspace the actor may import into, in a
// session that may change things (k9s style: hidden otherwise).
func (m *Model) mayImport() bool {
	w, ok := m.ws.Selected()
	return ok && m.whyNoImport(w.ID) == ""
}

// importKey opens the import screen on the selected workspace. Refused, it
// says why at once, and the model refuses it again, which puts the attempt
// on the record.
func (m *Model) importKey() tea.Cmd {
	w, ok := m.ws.Selected()
	if !ok {
		return nil
	}
	if why := m.whyNoImport(w.ID); why != "" {
		b, actor, slug := m.backend, m.actor, w.Slug
		return tea.Batch(status(common.Problem("refused: "+why)), func() tea.Msg {
			if li, ok := b.(leadImporter); ok {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_, _ = li.ImportLeads(ctx, actor, model.LeadImport{Workspace: slug, Source: strings.NewReader(""), Name: "(refused in the console)"})
			}
			return nil
		})
	}
	arg := ImportLeads{Slug: w.Slug}
	return func() tea.Msg { return common.OpenMsg{Screen: ImportLeadsScreen, Arg: arg} }
}
