package forensics

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/ui/common"
)

// StackBelow is the width under which the timeline sits above the
// inspector instead of beside it.
const StackBelow = 100

const headerLines = 2

type rect struct{ x, y, w, h int }

// SetSize gives the screen w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scrollTimeline()
}

// layout places the timeline and the inspector below the header.
func (m *Model) layout() (tl, in rect) {
	w, h := m.width, m.height-headerLines
	if w >= StackBelow {
		tw := max(36, min(72, w*2/5))
		return rect{0, headerLines, tw, h}, rect{tw, headerLines, w - tw, h}
	}
	th := max(5, min(len(m.runs)+2, h*2/5))
	return rect{0, headerLines, w, th}, rect{0, headerLines + th, w, h - th}
}

func (m *Model) timelineHeight() int {
	if m.width <= 0 || m.height <= 0 {
		return 0
	}
	tl, _ := m.layout()
	return tl.h - 2
}

// docHeight is how many document lines the inspector shows: its box less
// the borders, the tab bar and the path line.
func (m *Model) docHeight() int {
	_, in := m.layout()
	return max(1, in.h-4)
}

// View draws the screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.theme
	switch {
	case m.loading:
		msg := m.spin.View() + " " + th.Text.Render("opening execution "+m.loadingID+"…") + "\n\n" +
			th.Muted.Render("fetching it from n8n, sanitizing and indexing it; esc goes back")
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, msg)
	case m.problem != nil:
		return m.problemView()
	case m.exec == nil:
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center,
			th.Muted.Render("no execution open: enter on an execution opens it here"))
	}
	tl, in := m.layout()
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteByte('\n')
	tlBox := m.box(timelinePane, m.timelineTitle(), strings.Join(m.timelineRows(tl.w-2, tl.h-2), "\n"), tl)
	inBox := m.box(inspectorPane, m.inspectorTitle(), m.inspectorBody(in.w-2, in.h-2), in)
	if m.width >= StackBelow {
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, tlBox, inBox))
	} else {
		b.WriteString(tlBox + "\n" + inBox)
	}
	out := b.String()
	if m.dialog != nil {
		out = common.Overlay(out, m.dialog.view(m.theme), m.width, m.height)
	}
	return out
}

func (m *Model) box(p pane, title, content string, r rect) string {
	st, ts := m.theme.Pane, m.theme.PaneTitle
	if m.focus == p {
		st, ts = m.theme.PaneFocused, m.theme.PaneTitleFocused
	}
	return common.Box(st, ts, title, content, r.w, r.h)
}

func (m *Model) timelineTitle() string {
	t := fmt.Sprintf("Timeline [%d runs]", len(m.runs))
	if len(m.runs) > 0 {
		t = fmt.Sprintf("Timeline [%d/%d]", m.sel+1, len(m.runs))
	}
	return t
}

func (m *Model) inspectorTitle() string {
	r, ok := m.Selected()
	if !ok {
		return "Inspector · execution " + m.exec.ID
	}
	t := "Inspector · " + runLabel(r)
	if typ := r.NodeType; typ != "" {
		t += " (" + strings.TrimPrefix(typ, "n8n-nodes-base.") + ")"
	}
	if v := m.view(); v != nil {
		switch {
		case v.doc != nil:
			t += fmt.Sprintf(" · line %d/%d", v.cursor+1, v.doc.Lines())
		case v.code != nil:
			t += fmt.Sprintf(" · %s line %d/%d", v.code.lang, v.code.cursor+1, len(v.code.lines))
		}
	}
	return t
}

// inspectorBody is the tab bar, the document and the path (or the find
// or query line) under it.
func (m *Model) inspectorBody(w, h int) string {
	lines := []string{m.tabBar(w)}
	dh := max(1, h-2)
	body := m.lines(w, dh)
	lines = append(lines, body...)
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	lines = append(lines, m.pathLine(w))
	return strings.Join(lines, "\n")
}

func (m *Model) pathLine(w int) string {
	th := m.theme
	if m.inputMode != noInput {
		return fitLine(m.input.View(), w)
	}
	v := m.view()
	switch {
	case v == nil:
		return ""
	case v.doc != nil:
		return fitLine(th.Muted.Render("path "+v.doc.PathAt(v.cursor)), w)
	case v.code != nil && v.code.failing > 0:
		return fitLine(th.Forensics.FailingLine.Render(fmt.Sprintf("▶ line %d is where it failed", v.code.failing)), w)
	}
	return ""
}

// header is two lines: the execution, then what went wrong (or where it
// waits, or that it succeeded) and the retry being followed.
func (m *Model) header() string {
	th := m.theme
	e := m.exec
	sep := th.Muted.Render(" · ")
	parts := []string{th.Bold.Render("Execution " + e.ID), statusWord(m, e.Status)}
	// Said early: what is shown is not byte for byte what n8n stored.
	if cut := sanitizedNote(e.Sanitized.Binaries, e.Sanitized.StringsCut); cut != "" {
		parts = append(parts, th.Warn.Render(cut))
	}
	if m.src.Campaign != "" {
		where := printable(m.src.Campaign)
		if m.src.Workspace != "" {
			where += " (" + printable(m.src.Workspace) + ")"
		}
		parts = append(parts, th.Text.Render(where))
	} else if m.src.File != "" {
		parts = append(parts, th.Text.Render(printable(m.src.File)))
	}
	if e.WorkflowName != "" {
		parts = append(parts, th.Muted.Render("workflow "+printable(e.WorkflowName)))
	}
	if e.Mode != "" {
		parts = append(parts, th.Muted.Render(e.Mode))
	}
	if !e.StartedAt.IsZero() {
		parts = append(parts, th.Muted.Render("started "+e.StartedAt.UTC().Format("2006-01-02 15:04:05")+" UTC"))
	}
	if d := e.Duration(); d > 0 {
		parts = append(parts, th.Muted.Render("ran "+durText(d)))
	}
	if e.RetryOf != "" {
		parts = append(parts, th.Warn.Render("retry of "+e.RetryOf))
	}
	line1 := fitLine(strings.Join(parts, sep), m.width)
	return line1 + "\n" + fitLine(m.verdict(), m.width)
}

func statusWord(m *Model, s string) string {
	th := m.theme
	switch s {
	case "success":
		return th.OK.Render("✓ success")
	case "error", "crashed":
		return th.Error.Bold(true).Render("✗ " + s)
	case "waiting", "running", "new":
		return th.Warn.Render(glyph(s) + " " + s)
	}
	return th.Muted.Render(s)
}

// verdict is the line a person reads first.
func (m *Model) verdict() string {
	th := m.theme
	var s string
	switch f := m.failure; {
	case f != nil:
		where := printable(f.Node)
		if f.Ran && f.Run < len(m.runs) {
			where = runLabel(m.runs[f.Run])
		}
		msg := printable(f.Error.Message)
		if f.Error.HTTPCode != "" && !strings.Contains(msg, f.Error.HTTPCode) {
			msg = f.Error.HTTPCode + " " + msg
		}
		head := "✗ failed at " + where + ": "
		if where == "" { // a crash before any node, or n8n named none
			head = "✗ failed (n8n did not record at which node): "
		}
		s = th.Error.Bold(true).Render(head) + th.Error.Render(msg)
		if f.Error.Description != "" {
			s += th.Muted.Render(" — " + printable(f.Error.Description))
		}
	case m.wait != nil:
		until := "a webhook call (no time limit)"
		if !m.wait.Until.IsZero() {
			until = m.wait.Until.UTC().Format("2006-01-02 15:04 UTC")
		}
		s = th.Warn.Render(fmt.Sprintf("◷ waiting at %s until %s", printable(m.wait.Node), until))
	case !m.exec.HasRunData():
		s = th.Warn.Render("n8n kept no run data for this execution (saved without data): only its own fields are known")
	default:
		s = th.OK.Render(fmt.Sprintf("✓ no node failed (%d runs)", len(m.runs)))
	}
	if f := m.follow; f != nil {
		s += th.Muted.Render("  │  ") + m.spin.View() + " " + th.Info.Render(f.text(m.now()))
	}
	return s
}

func (m *Model) problemView() string {
	th := m.theme
	p := m.problem
	w := min(m.width-4, 90)
	body := th.DialogTitle.Render(printable(p.title)) + "\n\n" + th.Text.Render(strings.Join(wrap(printable(p.body), w-4), "\n")) +
		"\n\n" + th.Muted.Render(strings.Join(wrap(p.todo, w-4), "\n"))
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, th.Dialog.Width(w).Render(body))
}

func sanitizedNote(binaries, strs int) string {
	var p []string
	if binaries > 0 {
		p = append(p, plural(binaries, "binary", "binaries")+" replaced")
	}
	if strs > 0 {
		p = append(p, plural(strs, "long string", "long strings")+" cut")
	}
	return strings.Join(p, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
