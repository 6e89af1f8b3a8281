package fleet

import (
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Per-instance health in the fleet: a workspace whose n8n is down is marked
// on its own row, and its campaigns and executions panes say since when
// while they keep their last data. A down instance never makes the other
// workspaces stale: with thousands of instances some are always down.

// reachGlyph is the mark of a workspace's instance: nothing when it
// answers, so a healthy fleet stays quiet.
func reachGlyph(r model.Reach) string {
	switch {
	case r.InstanceID == 0: // no instance yet (awaiting setup)
		return " "
	case !r.Checked:
		return "?"
	case r.Up:
		return " "
	case r.NotAnswering:
		return "◔"
	}
	return "✗"
}

func reachStyle(th *themes.Theme, r model.Reach) *lipgloss.Style {
	switch {
	case !r.Checked:
		return &th.Muted
	case r.Up:
		return &th.Muted
	case r.NotAnswering:
		return &th.InstanceSlow
	}
	return &th.InstanceDown
}

// shownReach is the health of the selected workspace's instance.
func (m *Model) shownReach() (model.Reach, bool) {
	w, ok := m.ws.Selected()
	if !ok || w.InstanceID == nil {
		return model.Reach{}, false
	}
	r := w.InstanceReach
	if r.Name == "" {
		r.Name = w.InstanceName
	}
	return r, true
}

// instanceWord names the selected workspace's instance for sentences.
func (m *Model) instanceWord() string {
	if r, ok := m.shownReach(); ok && r.Name != "" {
		return r.Name
	}
	return "n8n"
}

// reachNote says, for a pane title, that the selected workspace's
// instance is down and since when, or "" when it answers.
func (m *Model) reachNote() string {
	r, ok := m.shownReach()
	if !ok || !r.Down() {
		return ""
	}
	since := ""
	if r.Since != nil {
		since = " since " + r.Since.Format("15:04") + " (" + common.AgePtr(m.now(), r.Since) + ")"
	}
	return reachGlyph(r) + " " + r.Name + " " + r.State() + since
}

// ReachNote is reachNote for the root's status line and for tests.
func (m *Model) ReachNote() string { return m.reachNote() }
