package leads

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/ui/common"
)

// A column after the pinned email: status, campaign, then each metadata
// key.
type column struct {
	title string
	width int
	cell  func(r *row) string
}

// Widths of the columns: email is pinned at the left, the rest scroll.
const (
	maxEmailWidth = 40
	minEmailWidth = 16
	keyMinWidth   = 10
	keyMaxWidth   = 24
	statusWidth   = 14
	campaignWidth = 16
	columnGap     = 1
)

// scrolled is every column after email.
func (m *Model) scrolled() []column {
	cols := make([]column, 0, 2+len(m.head.Keys))
	cols = append(cols,
		column{"STATUS", statusWidth, func(r *row) string { return r.status }},
		column{"CAMPAIGN", campaignWidth, func(r *row) string { return r.campaign }})
	for _, k := range m.head.Keys {
		k := k
		w := min(max(ansi.StringWidth(k), keyMinWidth, m.seen[k]), keyMaxWidth)
		cols = append(cols, column{strings.ToUpper(k), w, func(r *row) string { return r.cells[k] }})
	}
	return cols
}

// measure widens the columns to the widest value seen in the query so far
// (never narrowing them, so they do not jump as the window moves). It
// runs when a page arrives, not on each frame.
func (m *Model) measure(rows []row) {
	if m.seen == nil {
		m.seen = map[string]int{}
	}
	for i := range rows {
		r := &rows[i]
		m.seenEmail = max(m.seenEmail, min(ansi.StringWidth(r.email), maxEmailWidth))
		for k, v := range r.cells {
			if w := min(ansi.StringWidth(v), keyMaxWidth); w > m.seen[k] {
				m.seen[k] = w
			}
		}
	}
}

func (m *Model) scrollable() int { return 2 + len(m.head.Keys) }

// fit pads or cuts plain text to exactly n cells.
func fit(s string, n int) string {
	if n <= 0 {
		return ""
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	w := len(s)
	if !ascii {
		w = ansi.StringWidth(s)
	}
	switch {
	case w > n:
		return ansi.Truncate(s, n, "…")
	case w < n:
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// layout is the email's width and the scrolled columns that fit from
// m.col on.
func (m *Model) layout(inner int) (ew int, shown []column, start int, cut bool) {
	ew = min(max(m.seenEmail, len("EMAIL"), minEmailWidth), maxEmailWidth, max(minEmailWidth, inner/3))
	all := m.scrolled()
	start = min(m.col, len(all)-1)
	left := inner - ew
	for _, c := range all[start:] {
		if left < columnGap+c.width {
			// The next column, cut to what is left: it shows there is
			// more to the right (and is the only one on a narrow screen).
			if left > columnGap+3 || (len(shown) == 0 && left > columnGap) {
				c.width, cut = left-columnGap, true
				shown = append(shown, c)
			}
			break
		}
		shown = append(shown, c)
		left -= columnGap + c.width
	}
	return ew, shown, start, cut
}

// View draws the pane: title, column header, the rows in view, the filter
// line. Work is proportional to the screen, not to the leads.
func (m *Model) View() string {
	th := m.theme
	inner := max(0, m.w-2)
	var b strings.Builder
	b.Grow((inner + 32) * m.h)
	ew, cols, start, cut := m.layout(inner)
	all := m.scrollable()

	title := m.title()
	if len(cols) < all || cut || start > 0 {
		title += fmt.Sprintf(" · columns %d–%d of %d ←→", start+1, start+len(cols), all)
	}
	if m.loadingHead || m.pending {
		title += " " + m.spin.View()
	}

	line := func(email string, cells func(c column) string) string {
		var l strings.Builder
		l.Grow(inner + 8)
		l.WriteString(fit(email, ew))
		used := ew
		for _, c := range cols {
			l.WriteByte(' ')
			l.WriteString(fit(cells(c), c.width))
			used += columnGap + c.width
		}
		if used < inner {
			l.WriteString(strings.Repeat(" ", inner-used))
		}
		return l.String()
	}
	b.WriteString(th.ColumnHeader.Render(line("EMAIL", func(c column) string { return c.title })))

	bh := m.bodyHeight()
	drawn := 0
	switch {
	case m.err != "" && len(m.rows) == 0:
		b.WriteString("\n" + th.Error.Render(fit(m.err, inner)))
		drawn = 1
	case !m.loaded && len(m.rows) == 0:
		b.WriteString("\n" + th.Muted.Render(fit("reading the leads of "+m.slug+"…", inner)))
		drawn = 1
	case len(m.rows) == 0:
		msg := "no leads in " + m.slug + " yet (godmode leads import --workspace " + m.slug + " FILE.csv)"
		if len(m.filter.Terms) > 0 {
			msg = "no lead matches the filter (/ to change it)"
		}
		b.WriteString("\n" + th.Muted.Render(fit(msg, inner)))
		drawn = 1
	}
	if drawn == 0 {
		end := min(len(m.rows), m.offset+bh)
		for i := m.offset; i < end; i++ {
			r := &m.rows[i]
			text := line(r.email, func(c column) string { return c.cell(r) })
			b.WriteByte('\n')
			if i == m.cursor {
				b.WriteString(th.RowSelected.Render(text))
			} else {
				b.WriteString(text)
			}
		}
		drawn = end - m.offset
	}
	for ; drawn < bh; drawn++ {
		b.WriteByte('\n')
	}
	switch {
	case m.filtering:
		b.WriteString("\n" + common.Fit(m.input.View(), inner))
		if m.filterErr != "" {
			b.WriteString("\n" + th.Error.Render(fit(m.filterErr, inner)))
		}
	case len(m.filter.Terms) > 0:
		b.WriteString("\n" + th.Muted.Render(fit("/"+m.filter.String(), inner)))
	}
	if m.err != "" && len(m.rows) > 0 {
		title += " · " + m.err
	}
	return common.ExactBox(th.PaneFocused, th.PaneTitleFocused, title, b.String(), m.w, m.h)
}
