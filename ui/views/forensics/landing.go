package forensics

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// Landing is where an open lands instead of on the first failure: a run
// of a node, and text to find there (a match of the executions' search).
type Landing struct {
	Node string
	Run  int
	Path string // where in the run the text is (data.main.0.3.json.email): picks the tab
	Find string
}

// OpenAt is Open landing on a run, with the inspector on the tab that
// holds Path and the cursor on the first value holding Find.
func (m *Model) OpenAt(src Source, id string, at Landing) tea.Cmd {
	cmd := m.Open(src, id)
	m.landing = &at
	return cmd
}

// land moves to the landing once the execution is installed; the find
// waits for the document when it is indexed off the UI goroutine.
func (m *Model) land() tea.Cmd {
	at := m.landing
	m.landing = nil
	if at == nil || m.exec == nil {
		return nil
	}
	run := -1
	for i, r := range m.runs {
		if r.Node == at.Node && r.RunIndex == at.Run {
			run = i
		}
	}
	if run < 0 {
		return status(common.Note("the match's node run is not in this execution any more"))
	}
	m.sel, m.tab, m.focus = run, landingTab(at.Path), inspectorPane
	m.scrollTimeline()
	cmd := m.ensureDoc()
	if v := m.view(); v != nil && v.pending {
		m.pendingFind = at.Find
		return cmd
	}
	return tea.Batch(cmd, m.find(at.Find))
}

// landingTab is the inspector's tab that shows a run's path: n8n keeps a
// run's output under data, an input given to it under inputOverride, and
// its error under error.
func landingTab(path string) tab {
	switch {
	case strings.HasPrefix(path, "error"):
		return tabError
	case strings.HasPrefix(path, "inputOverride"):
		return tabInput
	}
	return tabOutput
}
