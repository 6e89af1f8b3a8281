package forensics

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// Update handles keys and the answers of the screen's commands.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case OpenedMsg:
		return m.opened(msg)
	case linkedMsg:
		return m.linked(msg)
	case docMsg:
		return m.docArrived(msg)
	case retriedMsg:
		return m.retried(msg)
	case followMsg:
		return m.followed(msg)
	case followTickMsg:
		return m.followTick(msg)
	case savedMsg:
		return m.saved(msg)
	case spinner.TickMsg:
		if !m.busy() || msg.ID != m.spin.ID() {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		return m.keyPress(msg)
	case tea.MouseWheelMsg:
		if msg.Button == tea.MouseWheelUp {
			return m.move(-3)
		}
		if msg.Button == tea.MouseWheelDown {
			return m.move(3)
		}
	}
	return nil
}

// busy says whether something the spinner stands for is under way.
func (m *Model) busy() bool {
	if m.loading || m.follow != nil {
		return true
	}
	v := m.view()
	return v != nil && v.pending
}

func (m *Model) keyPress(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case m.dialog != nil:
		return m.dialogKey(msg)
	case m.inputMode != noInput:
		return m.inputKey(msg)
	case m.zWait:
		m.zWait = false
		return m.level(msg.String())
	case m.linking != nil:
		if key.Matches(msg, m.keys.Back) {
			return m.back()
		}
		return nil
	}
	if m.exec == nil {
		return nil
	}
	k := m.keys
	switch {
	case key.Matches(msg, k.Back):
		return m.back()
	case key.Matches(msg, k.Sub):
		return m.openLink(m.selectedSub())
	case key.Matches(msg, k.Parent):
		if up := m.upLink(); up != nil {
			return m.openLink(up)
		}
		return status(common.Note(fmt.Sprintf("execution %s was not called by another (it is not a sub-execution, nor started by an Error Trigger)", printable(m.exec.ID))))
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.PageUp):
		return m.move(-m.page())
	case key.Matches(msg, k.PageDown):
		return m.move(m.page())
	case key.Matches(msg, k.Top):
		return m.move(-1 << 30)
	case key.Matches(msg, k.Bottom):
		return m.move(1 << 30)
	case key.Matches(msg, k.Focus):
		if msg.String() == "h" || msg.String() == "left" {
			m.focus = timelinePane
		} else {
			m.focus = inspectorPane
		}
		return nil
	case key.Matches(msg, k.NextTab):
		return m.cycleTab(1)
	case key.Matches(msg, k.PrevTab):
		return m.cycleTab(-1)
	case key.Matches(msg, k.Tab):
		ts := m.tabs()
		i := int(msg.String()[0] - '1')
		if i >= len(ts) {
			return status(common.Note("this node has no code to show (it is not a Code node)"))
		}
		return m.setTab(ts[i])
	case key.Matches(msg, k.Toggle):
		return m.toggle()
	case key.Matches(msg, k.Level):
		if v := m.view(); v == nil || v.doc == nil {
			return status(common.Note("z folds a JSON document; this tab has none"))
		}
		m.zWait = true
		return status(common.Note("fold to level: 1-9, or 0 to unfold everything"))
	case key.Matches(msg, k.Find):
		return m.startInput(findInput)
	case key.Matches(msg, k.Query):
		return m.startInput(queryInput)
	case key.Matches(msg, k.NextMatch):
		return m.nextMatch(true)
	case key.Matches(msg, k.PrevMatch):
		return m.nextMatch(false)
	case key.Matches(msg, k.Copy):
		return m.copyValue()
	case key.Matches(msg, k.CopyPath):
		return m.copyPath()
	case key.Matches(msg, k.Save):
		return m.save()
	case key.Matches(msg, k.Retry):
		return m.retryKey()
	}
	return nil
}

func (m *Model) page() int {
	if m.focus == timelinePane {
		return max(1, m.timelineHeight()-1)
	}
	return max(1, m.docHeight()-1)
}

// move moves the cursor of the focused pane by d.
func (m *Model) move(d int) tea.Cmd {
	if m.focus == timelinePane {
		if len(m.runs) == 0 {
			return nil
		}
		sel := max(0, min(len(m.runs)-1, m.sel+d))
		if sel == m.sel {
			return nil
		}
		m.sel = sel
		m.scrollTimeline()
		if m.tab == tabCode && !m.hasCode() {
			m.tab = tabParams
		}
		return m.ensureDoc()
	}
	v := m.view()
	switch {
	case v == nil:
	case v.doc != nil:
		v.cursor = max(0, min(v.doc.Lines()-1, v.cursor+d))
		v.clamp(m.docHeight())
	case v.code != nil:
		v.code.cursor = max(0, min(len(v.code.lines)-1, v.code.cursor+d))
		v.code.clamp(m.docHeight())
	}
	return nil
}

func (m *Model) toggle() tea.Cmd {
	if m.focus == timelinePane {
		if sub := m.markOf(m.sel).sub; sub != nil {
			// enter on the run that called a sub-execution opens it.
			return m.openLink(sub)
		}
		// enter on a run reads it: the inspector takes the keyboard.
		m.focus = inspectorPane
		return nil
	}
	v := m.view()
	if v == nil || v.doc == nil {
		return nil
	}
	v.cursor = v.doc.Toggle(v.cursor)
	v.clamp(m.docHeight())
	return nil
}

func (m *Model) level(k string) tea.Cmd {
	v := m.view()
	if v == nil || v.doc == nil || len(k) != 1 || k[0] < '0' || k[0] > '9' {
		return status(common.Note("z takes a digit: 1-9 folds to that level, 0 unfolds everything"))
	}
	if k == "0" {
		v.doc.ExpandAll()
	} else {
		v.doc.CollapseToLevel(int(k[0] - '0'))
	}
	v.cursor, v.top = 0, 0
	return nil
}
