package table

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/ui/common"
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
	// Too narrow: first give back what columns can spare down to their
	// MinWidth, then shrink from the last column so the first ones (names)
	// stay readable.
	over := -m.width + (len(m.cols) - 1)
	for _, x := range w {
		over += x
	}
	for i := len(w) - 1; i >= 0 && over > 0; i-- {
		if c := m.cols[i]; c.Width > 0 && c.MinWidth > 0 && w[i] > c.MinWidth {
			cut := min(over, w[i]-c.MinWidth)
			w[i] -= cut
			over -= cut
		}
	}
	for i := len(w) - 1; i >= 0 && over > 0; i-- {
		cut := min(over, max(0, w[i]-1))
		w[i] -= cut
		over -= cut
	}
	return w
}

// width is the cell width of plain text, without grapheme segmentation
// for the common all-ASCII case.
func width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// fit pads or truncates s to exactly n cells.
func fit(s string, n int, right bool) string {
	if n <= 0 {
		return ""
	}
	sw := width(s)
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
	pad := m.width - (len(m.cols) - 1)
	for _, w := range ws {
		pad -= w
	}
	pad = max(0, pad)
	b.WriteString(th.ColumnHeader.Render(strings.Join(cells, " ") + strings.Repeat(" ", pad)))

	bh := m.bodyHeight()
	end := min(len(m.view), m.offset+bh)
	for p := m.offset; p < end; p++ {
		b.WriteByte('\n')
		m.renderRow(&b, m.rows[m.view[p]], p == m.cursor, ws, cells, pad)
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
			b.WriteString(common.Fit(m.input.View(), m.width))
		} else {
			line := "/" + m.query + "  " + strconv.Itoa(len(m.view)) + " of " + strconv.Itoa(len(m.rows))
			b.WriteString(th.Muted.Render(fit(line, m.width, false)))
		}
	}
	return b.String()
}

// renderRow writes one row of exactly m.width cells. Styles are applied
// through cached escape codes: lipgloss would re-derive them for every
// cell, which is most of a frame's cost.
func (m Model[T]) renderRow(b *strings.Builder, r T, cursor bool, ws []int, cells []string, pad int) {
	th := m.theme
	if cursor {
		for i, c := range m.cols {
			cells[i] = fit(c.text(r), ws[i], c.Right)
		}
		st := &th.RowCursor
		if m.focused {
			st = &th.RowSelected
		}
		m.paint.get(st).write(b, strings.Join(cells, " ")+strings.Repeat(" ", pad))
		return
	}
	base := &th.Row
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
		text := fit(c.text(r), ws[i], c.Right)
		st := base
		if c.Style != nil && !whole {
			st = c.Style(r)
		}
		if strings.TrimSpace(text) == "" {
			b.WriteString(text) // padding needs no escape codes
			continue
		}
		m.paint.get(st).write(b, text)
	}
	b.WriteString(strings.Repeat(" ", pad))
}

// text is the cell of r: cleaned, unless the view styled it itself.
func (c Column[T]) text(r T) string {
	if c.Styled {
		return c.Cell(r)
	}
	return safetext.Line(c.Cell(r))
}

// painter is a style reduced to the escape codes around its text; valid
// for styles without padding, borders or width, which cell styles are.
type painter struct{ prefix, suffix string }

func (p painter) write(b *strings.Builder, s string) {
	b.WriteString(p.prefix)
	b.WriteString(s)
	b.WriteString(p.suffix)
}

// painters caches painters by the theme field they come from.
type painters map[*lipgloss.Style]painter

func (ps painters) get(st *lipgloss.Style) painter {
	if p, ok := ps[st]; ok {
		return p
	}
	out := st.Render("X") // no SGR sequence contains an X
	i := strings.IndexByte(out, 'X')
	p := painter{prefix: out[:i], suffix: out[i+1:]}
	ps[st] = p
	return p
}
