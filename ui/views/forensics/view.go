package forensics

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/ui/common"
)

// StackBelow is the width under which the timeline sits above the
// inspector instead of beside it.
const StackBelow = 100

// headerLines is the header's height: the execution, the verdict line,
// and the path through linked executions when there is one.
func (m *Model) headerLines() int {
	if m.exec != nil && (len(m.trail) > 0 || m.parent != nil) {
		return 3
	}
	return 2
}

type rect struct{ x, y, w, h int }

// SetSize gives the screen w×h cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scrollTimeline()
}

// layout places the timeline and the inspector below the header.
func (m *Model) layout() (tl, in rect) {
	hl := m.headerLines()
	w, h := m.width, m.height-hl
	if w >= StackBelow {
		tw := max(36, min(72, w*2/5))
		return rect{0, hl, tw, h}, rect{tw, hl, w - tw, h}
	}
	th := max(5, min(len(m.runs)+2, h*2/5))
	return rect{0, hl, w, th}, rect{0, hl + th, w, h - th}
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
		what := "execution " + printable(m.loadingID)
		if m.linking != nil {
			what = linkTarget(m.linking)
		}
		msg := m.spin.View() + " " + th.Text.Render("opening "+what+"…") + "\n\n" +
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
	parts := []string{th.Bold.Render("Execution " + printable(e.ID)), m.verdictWord()}
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
	out := line1 + "\n" + fitLine(m.verdict(), m.width)
	if m.headerLines() > 2 {
		out += "\n" + fitLine(m.pathLine3(), m.width)
	}
	return out
}

// verdictWord is the execution's outcome as the core words it: "failed",
// "succeeded, 2 errors swallowed" (in the soft failure's colour, not the
// success's).
func (m *Model) verdictWord() string {
	th := m.theme
	v := printable(m.exec.Verdict())
	switch s := m.exec.Status; {
	case s == "success" && len(m.soft) > 0:
		return th.Forensics.RunSoft.Render("⚠ " + v)
	case s == "success":
		return th.OK.Render("✓ " + v)
	case s == "error" || s == "crashed":
		return th.Error.Bold(true).Render("✗ " + v)
	case s == "waiting" || s == "running" || s == "new":
		return th.Warn.Render(glyph(s) + " " + v)
	}
	return th.Muted.Render(v)
}

// pathLine3 is the path through linked executions (parent › child, the
// shown one last) and where u goes up to.
func (m *Model) pathLine3() string {
	th := m.theme
	fs := &th.Forensics
	sep := fs.Crumb.Render(" › ")
	var b strings.Builder
	if len(m.trail) > 0 {
		for _, c := range m.trail {
			b.WriteString(fs.Crumb.Render(crumbName(c.exec)))
			b.WriteString(sep)
		}
		b.WriteString(fs.CrumbHere.Render(crumbName(m.exec)))
	}
	if p := m.parent; p != nil {
		if b.Len() > 0 {
			b.WriteString(th.Muted.Render("  ·  "))
		}
		what := "▲ called by " + linkTarget(p)
		if p.Node != "" && p.Kind == fx.LinkParent {
			what += " at node " + printable(p.Node)
		}
		if p.Kind == fx.LinkErrorTrigger {
			what = "▲ started by an Error Trigger for failed " + linkTarget(p)
			if p.Node != "" {
				what += ", which failed at node " + printable(p.Node)
			}
		}
		b.WriteString(th.Info.Render(what))
	}
	return b.String()
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
		if sub := f.Sub; sub != nil {
			// The node only reports that its sub-workflow failed: say
			// where the failure really is.
			head = "✗ failed in sub-" + linkTarget(sub)
			if sub.FailedNode != "" {
				head += ", at node " + printable(sub.FailedNode)
			}
			head += " (called by " + where + "): "
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
	case len(m.soft) > 0:
		sf := m.soft[0]
		where := printable(sf.Node)
		if sf.Run >= 0 && sf.Run < len(m.runs) {
			where = runLabel(m.runs[sf.Run])
		}
		head := fmt.Sprintf("⚠ %s swallowed by nodes set to continue on error; first at %s (%s): ",
			common.Plural(len(m.soft), "error", "errors"), where, common.Plural(sf.Items, "item", "items"))
		if len(m.soft) == 1 {
			head = fmt.Sprintf("⚠ error swallowed at %s, set to continue on error (%s): ", where, common.Plural(sf.Items, "item", "items"))
		}
		s = th.Forensics.RunSoft.Render(head) + th.Warn.Render(printable(sf.Message))
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
		p = append(p, common.Plural(binaries, "binary", "binaries")+" replaced")
	}
	if strs > 0 {
		p = append(p, common.Plural(strs, "long string", "long strings")+" cut")
	}
	return strings.Join(p, ", ")
}
