package table

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// widths shares the table width between columns: fixed ones first, the
// rest split among flexible ones. One space separates columns.
func (m Model[T]) widths() []int {
	w := make([]int, len(m.cols))
	fixed, flex := 0, 0
	for i, c := range m.cols {
		if c.Width > 0 {
			w[i] = c.Width
			fixed += c.Width
		} else {
			flex++
		}
	}
	left := m.width - fixed - (len(m.cols) - 1)
	for i, c := range m.cols {
		if c.Width == 0 {
			w[i] = max(c.MinWidth, left/max(1, flex))
		}
	}
	// Too narrow: shrink from the last column so the first ones (names)
	// stay readable.
	over := -m.width + (len(m.cols) - 1)
	for _, x := range w {
		over += x
	}
	for i := len(w) - 1; i >= 0 && over > 0; i-- {
		cut := min(over, max(0, w[i]-1))
		w[i] -= cut
		over -= cut
	}
	return w
}

// fit pads or truncates s to exactly n cells.
func fit(s string, n int, right bool) string {
	if n <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > n {
		return ansi.Truncate(s, n, "…")
	}
	pad := strings.Repeat(" ", n-sw)
	if right {
		return pad + s
	}
	return s + pad
}

// View renders the column header, the visible rows only, and the filter
// line. Work is proportional to the height, not to the number of rows.
func (m Model[T]) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.theme
	ws := m.widths()
	var b strings.Builder
	b.Grow((m.width + 16) * m.height)

	cells := make([]string, len(m.cols))
	for i, c := range m.cols {
		title := c.Title
		if i == m.sortCol {
			if m.sortDesc {
				title += "▼"
			} else {
				title += "▲"
			}
		}
		cells[i] = fit(title, ws[i], c.Right)
	}
	b.WriteString(th.ColumnHeader.Render(strings.Join(cells, " ")))

	bh := m.bodyHeight()
	end := min(len(m.view), m.offset+bh)
	for p := m.offset; p < end; p++ {
		b.WriteByte('\n')
		m.renderRow(&b, m.rows[m.view[p]], p == m.cursor, ws, cells)
	}
	drawn := end - m.offset
	if len(m.view) == 0 && bh > 0 {
		b.WriteByte('\n')
		msg := m.Empty
		if m.query != "" {
			msg = "no row matches “" + m.query + "” (esc clears the filter)"
		}
		b.WriteString(th.Muted.Render(fit(msg, m.width, false)))
		drawn = 1
	}
	for ; drawn < bh; drawn++ {
		b.WriteByte('\n')
	}
	if m.filtering || m.query != "" {
		b.WriteByte('\n')
		if m.filtering {
			b.WriteString(ansi.Truncate(m.input.View(), m.width, ""))
		} else {
			line := "/" + m.query + "  " + strconv.Itoa(len(m.view)) + " of " + strconv.Itoa(len(m.rows))
			b.WriteString(th.Muted.Render(fit(line, m.width, false)))
		}
	}
	return b.String()
}

func (m Model[T]) renderRow(b *strings.Builder, r T, cursor bool, ws []int, cells []string) {
	th := m.theme
	if cursor {
		for i, c := range m.cols {
			cells[i] = fit(c.Cell(r), ws[i], c.Right)
		}
		st := th.RowCursor
		if m.focused {
			st = th.RowSelected
		}
		b.WriteString(st.Render(strings.Join(cells, " ")))
		return
	}
	base := th.Row
	whole := false
	if m.rowStyle != nil {
		if st, ok := m.rowStyle(r); ok {
			base, whole = st, true
		}
	}
	for i, c := range m.cols {
		if i > 0 {
			b.WriteByte(' ')
		}
		text := fit(c.Cell(r), ws[i], c.Right)
		st := base
		if c.Style != nil && !whole {
			st = c.Style(r)
		}
		b.WriteString(render(st, text))
	}
}

// render skips lipgloss for blank cells: padding needs no escape codes.
func render(st lipgloss.Style, s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	return st.Render(s)
}
