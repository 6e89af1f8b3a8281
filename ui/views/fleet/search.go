package fleet

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// SearchPrefix starts, after "/" in the executions pane, a search of the
// executions' data rather than a filter of the list.
const SearchPrefix = "data:"

// SearchExecutionsMsg asks the root to search the data of the selected
// campaign's latest executions for Needle.
type SearchExecutionsMsg struct {
	Campaign  model.Campaign
	Workspace string // slug
	Needle    string
	Status    string // the pane's status filter: only those executions are searched
}

// searchNeedle is the text of a "data:" search typed after "/", trimmed;
// false when what was typed is a filter.
func searchNeedle(typed string) (string, bool) {
	rest, ok := strings.CutPrefix(typed, SearchPrefix)
	return strings.TrimSpace(rest), ok
}

// searchKey ends the typing of "/data:TEXT" with enter: the list is left
// unfiltered and the search opens, for a campaign whose executions the
// actor may read.
func (m *Model) searchKey(msg tea.KeyPressMsg, needle string) tea.Cmd {
	m.execs, _ = m.execs.Update(msg)
	m.execs.SetQuery("")
	c, ok := m.camps.Selected()
	if !ok {
		return status(common.Note("no campaign selected: its executions are what data: searches"))
	}
	if needle == "" {
		return status(common.Note("type what to look for after data: (for example /data:jane@acme.com)"))
	}
	if err := model.Authorize(m.actor, model.ActionViewExecutions, c.WorkspaceID); err != nil {
		return status(common.Problem("you cannot search this campaign's executions: " + err.Error()))
	}
	w, _ := m.ws.Selected()
	ask := SearchExecutionsMsg{Campaign: c, Workspace: w.Slug, Needle: needle, Status: m.execFilter}
	return func() tea.Msg { return ask }
}
