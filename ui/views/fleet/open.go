package fleet

import (
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
)

// OpenExecutionMsg asks the root to open forensics on an execution of the
// selected campaign.
type OpenExecutionMsg struct {
	Campaign  model.Campaign
	Workspace string // slug
	Execution model.Execution
	// At is where forensics lands: nil for the first failure, a search's
	// match otherwise.
	At *Match
}

// Match is a place in an execution's data that a search found.
type Match struct {
	Node string
	Run  int
	Path string
	Find string // the text searched for
}

// StatusFilters are the statuses f cycles the executions list through (""
// lists all). n8n never lists waiting executions, so waiting is not one.
var StatusFilters = []string{"", "error", "success", "running", "canceled"}

func (m *Model) openExecution() tea.Cmd {
	e, ok := m.execs.Selected()
	if !ok {
		return status(common.Note("no execution selected"))
	}
	c, _ := m.camps.Selected()
	w, _ := m.ws.Selected()
	if err := model.Authorize(m.actor, model.ActionViewExecutions, c.WorkspaceID); err != nil {
		return status(common.Problem("you cannot open this campaign's executions: " + err.Error()))
	}
	return func() tea.Msg { return OpenExecutionMsg{Campaign: c, Workspace: w.Slug, Execution: e} }
}

// cycleStatus shows the executions of the next status in StatusFilters.
func (m *Model) cycleStatus() tea.Cmd {
	next := StatusFilters[0]
	for i, s := range StatusFilters {
		if s == m.execFilter {
			next = StatusFilters[(i+1)%len(StatusFilters)]
		}
	}
	m.execFilter = next
	return m.reloadExecutions()
}

// ExecutionFilter is the status the executions list shows ("" for all).
func (m *Model) ExecutionFilter() string { return m.execFilter }
