package pulse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

// Widths of the pulse's columns. Three layouts, by the pane's inner
// width: both windows in full with both sparklines; without the runs'
// sparkline; and at 80 columns the last hour's ok and errors only.
const (
	nameMax, nameMin = 24, 6
	sparkWidth       = 24 // one cell per hour
	// A wider layout is taken when it leaves the names 12 cells: the
	// counts (hour, day), the sparklines and a space between columns.
	fullWidth   = 12 + 5*5 + (7 + 4*6) + 2*sparkWidth + 12
	mediumWidth = 12 + 5*5 + (7 + 4*6) + sparkWidth + 11
)

// span is a run of columns under one label of the window line.
type span struct {
	label string
	cols  int // how many columns it covers
}

// rowColumns are the pulse's columns for the pane's width, and the spans
// of the window line above them.
func (m *Model) rowColumns() ([]table.Column[row], []span) {
	th := m.theme
	p := &th.Pulse
	inner := max(0, m.w-2)
	count := func(title string, w int, get func(row) int, st *lipgloss.Style) table.Column[row] {
		return table.Column[row]{Title: title, Width: w, Right: true,
			Cell: func(r row) string {
				if n := get(r); n != 0 {
					return strconv.Itoa(n)
				}
				return "·" // zeros recede, so the counts that matter stand out without colour
			},
			Style: func(r row) *lipgloss.Style {
				if get(r) == 0 {
					return &th.Muted
				}
				return st
			}}
	}
	window := func(c func(row) model.PulseCounts, widths [5]int, all bool) []table.Column[row] {
		cols := []table.Column[row]{
			count("OK", widths[0], func(r row) int { return c(r).OK }, &p.OK),
			count("ERR", widths[1], func(r row) int { return c(r).Error }, &p.Error),
		}
		if all {
			cols = append(cols,
				count("SOFT", widths[2], func(r row) int { return c(r).Soft }, &p.Soft),
				count("WAIT", widths[3], func(r row) int { return c(r).Waiting }, &p.Waiting),
				count("CRASH", widths[4], func(r row) int { return c(r).Crashed }, &p.Crashed))
		}
		return cols
	}
	hour := func(r row) model.PulseCounts { return r.p.Hour }
	day := func(r row) model.PulseCounts { return r.p.Day }
	var hourCols, dayCols, sparks []table.Column[row]
	failures := table.Column[row]{Title: "FAILURES PER HOUR", Width: sparkWidth, Cell: func(r row) string { return r.failures },
		Style: func(row) *lipgloss.Style { return &p.SparkFailures }}
	runs := table.Column[row]{Title: "RUNS PER HOUR", Width: sparkWidth, Cell: func(r row) string { return r.runs },
		Style: func(row) *lipgloss.Style { return &p.SparkRuns }}
	switch {
	case inner >= fullWidth:
		hourCols, dayCols, sparks = window(hour, [5]int{5, 5, 5, 5, 5}, true), window(day, [5]int{7, 6, 6, 6, 6}, true), []table.Column[row]{failures, runs}
	case inner >= mediumWidth:
		hourCols, dayCols, sparks = window(hour, [5]int{5, 5, 5, 5, 5}, true), window(day, [5]int{7, 6, 6, 6, 6}, true), []table.Column[row]{failures}
	default:
		hourCols, dayCols, sparks = window(hour, [5]int{5, 4}, false), window(day, [5]int{6, 5, 4, 4, 5}, true), []table.Column[row]{failures}
	}
	fixed := 0
	n := 1 + len(hourCols) + len(dayCols) + len(sparks)
	for _, cs := range [][]table.Column[row]{hourCols, dayCols, sparks} {
		for _, c := range cs {
			fixed += c.Width
		}
	}
	name := table.Column[row]{Title: "WORKSPACE", Width: max(nameMin, min(nameMax, inner-fixed-(n-1))),
		Cell: func(r row) string { return r.name },
		Style: func(r row) *lipgloss.Style {
			if r.fleet {
				return &p.FleetRow
			}
			return &th.Row
		}}
	cols := append([]table.Column[row]{name}, hourCols...)
	cols = append(append(cols, dayCols...), sparks...)
	return cols, []span{{"", 1}, {"last hour", len(hourCols)}, {"last 24 hours", len(dayCols)}, {"24 h ago → now", len(sparks)}}
}

// windowLine labels the runs of columns: which counts are of the last
// hour, which of the last 24 hours, and which way the sparklines run.
func (m *Model) windowLine(inner int) string {
	cols, spans := m.rowColumns()
	var b strings.Builder
	i := 0
	for k, s := range spans {
		w := 0
		for _, c := range cols[i : i+s.cols] {
			w += c.Width
		}
		w += s.cols - 1
		i += s.cols
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(rule(s.label, w))
	}
	return m.theme.Pulse.Window.Render(common.Fit(b.String(), inner))
}

// rule centres label in a line of w cells drawn with ─.
func rule(label string, w int) string {
	if label == "" {
		return strings.Repeat(" ", max(0, w))
	}
	lw := ansi.StringWidth(label)
	if lw+2 > w {
		return common.Fit(label, w)
	}
	left := (w - lw - 2) / 2
	return strings.Repeat("─", left) + " " + label + " " + strings.Repeat("─", w-lw-2-left)
}

// Widths of the failure groups' columns other than the headline.
const latestWidth, messageMin = 6, 10

// groupColumns are the failure groups' columns: the headline, how long
// ago the latest failed, and the normalised message. The headline is what
// the admin reads and asks about, so it is given its whole width first
// ("… in 17 workspaces" says how widely it fails); the message, which the
// group's screen shows in full, takes what is left, down to messageMin.
func (m *Model) groupColumns() []table.Column[model.FailureGroup] {
	th := m.theme
	type G = model.FailureGroup
	head := 0
	for _, g := range m.groups.Rows() {
		head = max(head, ansi.StringWidth(m.headline(g)))
	}
	inner := max(0, m.w-2)
	room := inner - latestWidth - messageMin - 2 // two spaces between the three columns
	return []table.Column[G]{
		{Title: "FAILURE", Width: max(12, min(head, room)), MinWidth: 12, Cell: m.headline,
			Style: func(g G) *lipgloss.Style {
				if g.Kind == model.SummarySwallowed {
					return &th.Pulse.Soft
				}
				return &th.Pulse.Error
			}},
		{Title: "LATEST", Width: latestWidth, Right: true, Cell: func(g G) string { return common.Age(m.now(), g.Latest) }},
		{Title: "MESSAGE", MinWidth: messageMin, Cell: func(g G) string { return g.Message }},
	}
}

// heights splits the screen: the workspaces' pane, the failures' pane
// and the backlog line. Each pane is as tall as its rows when they fit;
// when they do not, the failures get up to two fifths, and whatever the
// workspaces leave goes to the failures.
func (m *Model) heights() (ws, groups int) {
	body := max(0, m.h-1)
	wsNeed := max(len(m.ws.Rows()), 1) + 4 // border, window line, column header
	groups = min(max(len(m.groups.Rows()), 1)+3, max(4, body*2/5))
	ws = max(0, body-groups)
	if ws > wsNeed {
		groups += ws - wsNeed
		ws = wsNeed
	}
	return ws, groups
}

func (m *Model) layout() {
	cols, _ := m.rowColumns()
	m.ws.SetColumns(cols)
	m.groups.SetColumns(m.groupColumns())
	// Drawn here, not per frame: it changes with the width and theme only.
	m.window = m.windowLine(max(0, m.w-2))
	wsH, gH := m.heights()
	m.ws.SetSize(max(0, m.w-2), max(0, wsH-3))
	m.groups.SetSize(max(0, m.w-2), max(0, gH-2))
}

// View draws the two panes and the backlog line. Work is proportional to
// the screen, not to the workspaces: the tables draw the rows in view.
func (m *Model) View() string {
	th := m.theme
	if !m.loaded {
		text := m.spin.View() + " reading the pulse of the fleet…"
		if m.err != nil {
			text = th.Error.Render(m.problem())
		}
		return common.Box(th.PaneFocused, th.PaneTitleFocused, "Pulse", text, m.w, m.h-1) + "\n" + m.backlog()
	}
	wsH, gH := m.heights()
	pane := func(p Pane) (lipgloss.Style, lipgloss.Style) {
		if m.focus == p {
			return th.PaneFocused, th.PaneTitleFocused
		}
		return th.Pane, th.PaneTitle
	}
	var b strings.Builder
	b.Grow((m.w + 32) * m.h)
	st, tt := pane(Workspaces)
	title := "Pulse of the fleet [" + plural(len(m.pulse.Workspaces), "workspace") + "]"
	if q := m.ws.Query(); q != "" {
		title += " · " + strconv.Itoa(max(0, m.ws.Len())) + " shown"
	}
	b.WriteString(common.ExactBox(st, tt, title, m.window+"\n"+m.ws.View(), m.w, wsH))
	b.WriteByte('\n')
	st, tt = pane(Failures)
	b.WriteString(common.ExactBox(st, tt, fmt.Sprintf("Top failures, last 24 hours [%d]", m.groups.Total()), m.groups.View(), m.w, gH))
	b.WriteByte('\n')
	b.WriteString(m.backlog())
	return b.String()
}

// problem says why the pulse could not be read and what to do.
func (m *Model) problem() string {
	e := safetext.Line(m.err.Error())
	switch {
	case errors.Is(m.err, model.ErrForbidden):
		return "you may not read the pulse: " + e + " (a super admin grants workspaces with :users)"
	case m.backend == nil:
		return e
	case m.loaded:
		return "the pulse was not refreshed: " + e + " (showing the last read; r tries again)"
	}
	return "could not read the pulse: " + e + " (r tries again)"
}

// backlog is the bottom line: how far the failure summariser is behind
// its per-cycle budget of n8n calls, or why the pulse is not fresh.
func (m *Model) backlog() string {
	th := m.theme
	if m.err != nil {
		return th.Error.Render(common.Fit(m.problem(), m.w))
	}
	if !m.loaded {
		return common.Fit("", m.w)
	}
	text, behind := BacklogText(m.pulse.Backlog, m.now())
	st := th.Pulse.Backlog
	if behind {
		st = th.Pulse.BacklogBehind
	}
	return st.Render(common.Fit(text, m.w))
}

// BacklogText says how far behind the summariser is and its budget;
// behind is true while failed executions wait for their summary (the soft
// failures and the groups count them once summarised).
func BacklogText(b model.PulseBacklog, now time.Time) (text string, behind bool) {
	budget := "budget " + plural(b.Budget, "n8n call") + " per instance per cycle"
	if b.Pending == 0 {
		return "summaries up to date · " + budget, false
	}
	text = "summaries " + common.Count(b.Pending) + " behind"
	if !b.OldestSince.IsZero() {
		text += " (oldest " + common.Age(now, b.OldestSince) + ")"
	}
	return text + " · " + budget, true
}
