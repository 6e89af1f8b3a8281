package fleet

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// WideLayout is the width from which panes sit side by side; below it
// they stack.
const WideLayout = 120

// SetSize lays the panes out in w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if w <= 0 || h <= 0 {
		return
	}
	if w >= WideLayout {
		left := max(40, w*30/100)
		right := w - left
		top := h * 60 / 100
		m.rects = [3]rect{{0, 0, left, h}, {left, 0, right, top}, {left, top, right, h - top}}
	} else {
		a := max(5, h*30/100)
		b := max(5, h*40/100)
		m.rects = [3]rect{{0, 0, w, a}, {0, a, w, b}, {0, a + b, w, h - a - b}}
	}
	m.ws.SetColumns(fitColumns(workspaceColumns(m.theme), m.rects[0].w-2))
	m.camps.SetColumns(fitColumns(campaignColumns(m.theme, m.st, m.now), m.rects[1].w-2))
	m.ws.SetSize(m.rects[0].w-2, m.rects[0].h-2)
	m.camps.SetSize(m.rects[1].w-2, m.rects[1].h-2)
	m.execs.SetSize(m.rects[2].w-2, m.rects[2].h-2)
}

func (m *Model) box(p Pane, title, content string) string {
	r := m.rects[p]
	st, ts := m.theme.Pane, m.theme.PaneTitle
	if m.focus == p {
		st, ts = m.theme.PaneFocused, m.theme.PaneTitleFocused
	}
	return common.ExactBox(st, ts, title, content, r.w, r.h)
}

func (m *Model) workspacesTitle() string {
	t := fmt.Sprintf("Workspaces %s", count(m.ws.Len(), m.ws.Total()))
	down := 0
	for _, w := range m.ws.Rows() {
		if w.InstanceReach.Down() {
			down++
		}
	}
	if down > 0 {
		t += fmt.Sprintf(" · %d on a down n8n", down)
	}
	return t
}

func (m *Model) campaignsTitle() string {
	name := "Campaigns"
	if w, ok := m.ws.Selected(); ok {
		name = "Campaigns of " + w.Slug
	}
	t := name + " " + count(m.camps.Len(), m.camps.Total())
	if n := len(m.st.marks); n > 0 {
		t += fmt.Sprintf(" · %d marked", n)
	}
	if n := len(m.st.pending); n > 0 {
		t += fmt.Sprintf(" · %d switching", n)
	}
	if m.work != nil {
		t += " · " + m.spin.View() + " " + m.work.what
	}
	if note := m.reachNote(); note != "" {
		t += " · " + note
	}
	return t
}

func (m *Model) executionsTitle() string {
	name := "Executions"
	if c, ok := m.camps.Selected(); ok {
		name = "Executions of " + c.Name
	}
	if m.execFilter != "" {
		name += " (" + m.execFilter + " only)"
	}
	t := name + " " + count(m.execs.Len(), m.execs.Total())
	switch note := m.reachNote(); {
	case note != "":
		t += " · " + note + " · last data"
	case m.execErr != nil:
		t += " · not refreshed: " + m.instanceWord() + " did not answer · last data"
	}
	return t
}

func count(shown, total int) string {
	if shown == total {
		return fmt.Sprintf("[%d]", total)
	}
	return fmt.Sprintf("[%d/%d]", shown, total)
}

// CampaignsPane renders the campaigns pane alone (benchmarks time it).
func (m *Model) CampaignsPane() string {
	return m.box(Campaigns, m.campaignsTitle(), m.camps.View())
}

// View draws the three panes, and the open dialog over them.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	ws := m.box(Workspaces, m.workspacesTitle(), m.ws.View())
	cs := m.CampaignsPane()
	ex := m.box(Executions, m.executionsTitle(), m.execs.View())
	var out string
	if m.width >= WideLayout {
		out = lipgloss.JoinHorizontal(lipgloss.Top, ws, lipgloss.JoinVertical(lipgloss.Left, cs, ex))
	} else {
		out = strings.Join([]string{ws, cs, ex}, "\n")
	}
	if m.dialog != nil {
		m.dialog.MaxWidth = m.width
		out = common.Overlay(out, m.dialog.View(), m.width, m.height)
	}
	if m.pick != nil {
		out = common.Overlay(out, m.pick.view(), m.width, m.height)
	}
	return out
}
