package forensics

import (
	tea "charm.land/bubbletea/v2"

	fx "github.com/godmode-console/godmode/forensics"
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
// holds Path and the cursor on the value there (or, when the tab's
// document does not have the path, the first value holding Find).
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
	part, path := fx.PartPath(m.runs[run], at.Path)
	m.sel, m.tab, m.focus = run, partTab[part], inspectorPane
	m.scrollTimeline()
	cmd := m.ensureDoc()
	at.Path = path
	if v := m.view(); v != nil && v.pending {
		m.pendingAt = at
		return cmd
	}
	return tea.Batch(cmd, m.findAt(*at))
}

// findAt finds the landing's text (so n and N go on from there), puts the
// cursor on the value at its path when the document has it (several
// values may hold the text) and that line in the middle of the inspector.
func (m *Model) findAt(at Landing) tea.Cmd {
	cmd := m.find(at.Find)
	v := m.view()
	if v == nil || v.doc == nil {
		return cmd
	}
	if at.Path != "" {
		if r, err := v.doc.Query(at.Path); err == nil && r.Line >= 0 {
			v.cursor = r.Line
		}
	}
	h := m.docHeight()
	v.top = max(0, v.cursor-h/2)
	v.clamp(h)
	return cmd
}

// partTab is the inspector's tab that shows each part of a run.
var partTab = map[fx.Part]tab{fx.PartOutput: tabOutput, fx.PartInput: tabInput, fx.PartError: tabError}
