package forensics

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	fx "github.com/godmode-console/godmode/forensics"
	"github.com/godmode-console/godmode/ui/common"
)

// tab is one of the inspector's views of a run.
type tab int

const (
	tabInput tab = iota
	tabOutput
	tabError
	tabParams
	tabCode
	tabCount
)

func (t tab) String() string {
	return [...]string{"Input", "Output", "Error", "Parameters", "Code"}[t]
}

// docKey names one document: a tab of a run (run -1: the execution itself,
// when n8n kept no runs).
type docKey struct {
	run int
	tab tab
}

// docView is one tab's content and where the reader is in it.
type docView struct {
	doc     *fx.Document
	code    *codeView
	note    string // shown instead of a document: why there is none
	cursor  int
	top     int
	pending bool // being indexed in a tea.Cmd
	buf     []fx.Line
}

// AsyncAbove is the size from which a document is indexed in a tea.Cmd
// rather than in Update, so switching to a 40 MB input never freezes keys.
const AsyncAbove = 1 << 20

// docMsg brings a document indexed off the UI goroutine.
type docMsg struct {
	req int
	key docKey
	doc *fx.Document
	err error
}

// content returns the bytes or code of a tab, or a note saying why there
// is nothing to show.
func content(e *fx.Execution, runs []fx.Run, f *fx.Failure, marks []runMarks, k docKey) ([]byte, *fx.Code, string) {
	if k.run < 0 || k.run >= len(runs) {
		if k.tab == tabError && f != nil {
			return e.FailureJSON(f), nil, ""
		}
		return nil, nil, "n8n kept no node runs for this execution (it was saved without data, or is still queued), so there is nothing to inspect here."
	}
	r := runs[k.run]
	var (
		b   []byte
		err error
	)
	switch k.tab {
	case tabInput:
		b, err = e.Input(r)
	case tabOutput:
		b, err = e.Output(r)
	case tabError:
		switch {
		case r.Error != nil:
			b, err = e.ErrorJSON(r)
		case f != nil && !f.Ran && f.Node == r.Node:
			b = e.FailureJSON(f)
		case k.run < len(marks) && marks[k.run].soft != nil:
			b, err = swallowedJSON(e, r)
		default:
			return nil, nil, fmt.Sprintf("%s did not fail in this run.", runLabel(r))
		}
	case tabParams:
		b, err = e.Parameters(r.Node)
	case tabCode:
		c, err := e.CodeSource(r.Node)
		if err != nil {
			return nil, nil, noData(err)
		}
		return nil, &c, ""
	}
	if err != nil {
		return nil, nil, noData(err)
	}
	return b, nil, ""
}

func noData(err error) string {
	if errors.Is(err, fx.ErrNoData) {
		return "Nothing to show: " + err.Error() + "."
	}
	return "Could not read this: " + err.Error()
}

// buildDoc makes a tab's view at once, whatever its size (Prepare runs it
// off the UI goroutine).
func buildDoc(e *fx.Execution, runs []fx.Run, f *fx.Failure, marks []runMarks, k docKey) *docView {
	b, code, note := content(e, runs, f, marks, k)
	switch {
	case note != "":
		return &docView{note: note}
	case code != nil:
		return &docView{code: newCodeView(*code)}
	}
	d, err := fx.NewDocument(b)
	if err != nil {
		return &docView{note: "Could not read this: " + err.Error()}
	}
	return &docView{doc: d}
}

// ensureDoc makes sure the shown tab has its view, indexing big documents
// in a tea.Cmd.
func (m *Model) ensureDoc() tea.Cmd {
	if m.exec == nil {
		return nil
	}
	k := m.key()
	if _, ok := m.docs[k]; ok {
		return nil
	}
	b, code, note := content(m.exec, m.runs, m.failure, m.marks, k)
	switch {
	case note != "":
		m.docs[k] = &docView{note: note}
		return nil
	case code != nil:
		m.docs[k] = &docView{code: newCodeView(*code)}
		return nil
	case len(b) < AsyncAbove:
		d, err := fx.NewDocument(b)
		if err != nil {
			m.docs[k] = &docView{note: "Could not read this: " + err.Error()}
			return nil
		}
		m.docs[k] = &docView{doc: d}
		return nil
	}
	m.docs[k] = &docView{pending: true}
	req := m.req
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		d, err := fx.NewDocument(b)
		return docMsg{req: req, key: k, doc: d, err: err}
	})
}

func (m *Model) docArrived(msg docMsg) tea.Cmd {
	if msg.req != m.req {
		return nil
	}
	if msg.err != nil {
		m.docs[msg.key] = &docView{note: "Could not read this: " + msg.err.Error()}
		return nil
	}
	m.docs[msg.key] = &docView{doc: msg.doc}
	if at := m.pendingAt; at != nil && msg.key == m.key() {
		m.pendingAt = nil
		return m.findAt(*at)
	}
	return nil
}

func (m *Model) key() docKey {
	run := m.sel
	if len(m.runs) == 0 {
		run = -1
	}
	return docKey{run: run, tab: m.tab}
}

// view is the shown tab's view, or nil while none is made.
func (m *Model) view() *docView { return m.docs[m.key()] }

// hasCode says whether the selected node has source to show.
func (m *Model) hasCode() bool {
	r, ok := m.Selected()
	if !ok || m.exec == nil {
		return false
	}
	_, err := m.exec.CodeSource(r.Node)
	return err == nil
}

func (m *Model) tabs() []tab {
	ts := []tab{tabInput, tabOutput, tabError, tabParams}
	if m.hasCode() {
		ts = append(ts, tabCode)
	}
	return ts
}

func (m *Model) setTab(t tab) tea.Cmd {
	if t == tabCode && !m.hasCode() {
		return status(common.Note("this node has no code to show (it is not a Code node)"))
	}
	m.tab = t
	return m.ensureDoc()
}

func (m *Model) cycleTab(d int) tea.Cmd {
	ts := m.tabs()
	i := 0
	for j, t := range ts {
		if t == m.tab {
			i = j
		}
	}
	return m.setTab(ts[(i+d+len(ts))%len(ts)])
}

// tabBar is the row of tab names, the shown one highlighted.
func (m *Model) tabBar(w int) string {
	fs := m.theme.Forensics
	var b strings.Builder
	for i, t := range m.tabs() {
		st := fs.TabInactive
		if t == m.tab {
			st = fs.TabActive
		}
		b.WriteString(st.Render(fmt.Sprintf("%d %s", i+1, t)))
	}
	return fitLine(b.String(), w)
}

// lines draws h lines of the shown tab, w cells wide: only the lines on
// screen are made and coloured.
func (m *Model) lines(w, h int) []string {
	v := m.view()
	th := m.theme
	out := make([]string, 0, h)
	switch {
	case v == nil || v.pending:
		out = append(out, m.spin.View()+" "+th.Muted.Render("indexing "+m.tab.String()+"…"))
	case v.note != "":
		for _, l := range wrap(printable(v.note), w) {
			out = append(out, th.Muted.Render(l))
		}
	case v.code != nil:
		out = v.code.render(th, w, h)
	default:
		v.clamp(h)
		v.buf = v.doc.AppendWindow(v.buf[:0], v.top, h)
		for _, l := range v.buf {
			out = append(out, m.jsonLine(l, w, l.Number == v.cursor))
		}
	}
	return out
}

// clamp keeps the cursor on a line and on screen.
func (v *docView) clamp(h int) {
	var n int
	switch {
	case v.doc != nil:
		n = v.doc.Lines()
	case v.code != nil:
		n = len(v.code.lines)
	}
	v.cursor = max(0, min(v.cursor, n-1))
	if v.cursor < v.top {
		v.top = v.cursor
	}
	if h > 0 && v.cursor >= v.top+h {
		v.top = v.cursor - h + 1
	}
	v.top = max(0, min(v.top, n-h))
}

// maxIndent is the deepest indentation drawn; deeper lines say their depth
// instead, so 10,000 levels of nesting still leave room for the value.
func maxIndent(w int) int { return max(2, w/3/2) }

// jsonLine colours one document line token by token from its structure,
// cutting long values to the width before styling them.
func (m *Model) jsonLine(l fx.Line, w int, cursor bool) string {
	fs := &m.theme.Forensics
	if cursor && m.focus == inspectorPane {
		return m.theme.RowSelected.Render(fitLine(plainLine(l, w), w))
	}
	var b strings.Builder
	used := 0
	depth := l.Depth
	if mi := maxIndent(w); depth > mi {
		mark := fmt.Sprintf("‹%d› ", depth)
		b.WriteString(fs.JSONPunct.Render(mark))
		used += ansi.StringWidth(mark)
		depth = mi
	}
	b.WriteString(strings.Repeat("  ", depth))
	used += 2 * depth
	if l.Key != nil {
		k := cut(string(l.Key), max(4, w-used-4))
		b.WriteString(fs.JSONKey.Render(k))
		b.WriteString(fs.JSONPunct.Render(": "))
		used += ansi.StringWidth(k) + 2
	}
	room := max(1, w-used-1)
	switch {
	case l.Kind == fx.KindObject || l.Kind == fx.KindArray:
		if l.Value != nil {
			b.WriteString(fs.JSONPunct.Render(string(l.Value)))
		} else {
			b.WriteString(fs.JSONSummary.Render(cut(l.Summary(), room)))
		}
	default:
		st := fs.JSONString
		switch l.Kind {
		case fx.KindNumber:
			st = fs.JSONNumber
		case fx.KindTrue, fx.KindFalse, fx.KindNull:
			st = fs.JSONLiteral
		}
		b.WriteString(st.Render(cutBytes(l.Value, room)))
	}
	if l.Comma {
		b.WriteString(fs.JSONPunct.Render(","))
	}
	s := b.String()
	if cursor {
		s = m.theme.RowCursor.Render(ansi.Strip(s))
	}
	return fitLine(s, w)
}

func plainLine(l fx.Line, w int) string {
	if mi := maxIndent(w); l.Depth > mi {
		l2 := l
		l2.Depth = mi
		return fmt.Sprintf("‹%d› ", l.Depth) + string(l2.AppendText(nil, w))
	}
	return string(l.AppendText(nil, w))
}

// cutBytes cuts a raw token to n cells without reading past what can show:
// a value may be 64 KiB.
func cutBytes(v []byte, n int) string {
	if len(v) > 4*n+4 {
		v = v[:4*n+4]
	}
	return cut(string(v), n)
}

func cut(s string, n int) string {
	if ansi.StringWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

func fitLine(s string, w int) string {
	if ansi.StringWidth(s) > w {
		return ansi.Truncate(s, w, "…")
	}
	return s
}

// wrap breaks text into lines of at most w cells at spaces.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return strings.Split(lipgloss.NewStyle().Width(w).Render(s), "\n")
}
