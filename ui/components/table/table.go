package table

import (
	"cmp"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Model is a table of T. Rows are addressed by the id the id func gives, so
// a refresh that reorders or inserts rows leaves the cursor on the same row.
type Model[T any] struct {
	Keys  KeyMap
	Empty string // shown when there are no rows at all
	// Command, when set, marks what typed after "/" is a command for the
	// view rather than a filter (the executions pane's "data:" search):
	// such text filters nothing.
	Command func(typed string) bool

	cols     []Column[T]
	id       func(T) string
	haystack func(T) string // text the filter searches
	rowStyle func(T) (*lipgloss.Style, bool)
	paint    painters
	theme    *themes.Theme

	rows  []T
	hay   []string // lowercased haystacks, parallel to rows
	index map[string]int
	view  []int // rows shown, in order: filtered then sorted

	cursor, offset int
	width, height  int
	focused        bool

	sortCol  int // -1: the order rows came in
	sortDesc bool

	filtering bool
	query     string
	input     textinput.Model
}

// New makes a table. haystack gives the text "/" searches in a row.
func New[T any](th *themes.Theme, cols []Column[T], id, haystack func(T) string) Model[T] {
	in := common.NewInput(th, "/")
	in.Placeholder = "filter"
	return Model[T]{
		Keys: DefaultKeyMap(), Empty: "nothing here",
		cols: cols, id: id, haystack: haystack, theme: th, paint: painters{},
		sortCol: -1, index: map[string]int{}, input: in,
	}
}

// SetRowStyle lets a view style whole rows (marked campaigns); the style
// applies when the func's second result is true.
func (m *Model[T]) SetRowStyle(f func(T) (*lipgloss.Style, bool)) { m.rowStyle = f }

// SetTheme swaps the styles (":theme").
func (m *Model[T]) SetTheme(th *themes.Theme) {
	m.theme = th
	m.paint = painters{}
	q, f := m.input.Value(), m.input.Focused()
	m.input = common.NewInput(th, "/")
	m.input.Placeholder = "filter"
	m.input.SetValue(q)
	if f {
		m.input.Focus()
	}
}

// SetRows replaces the rows, keeping the cursor on the row with the same
// id and that row at the same height on screen when it still exists.
func (m *Model[T]) SetRows(rows []T) {
	selID, hadSel := m.SelectedID()
	screenLine := m.cursor - m.offset
	m.rows = rows
	m.hay = make([]string, len(rows))
	clear(m.index)
	for i, r := range rows {
		m.hay[i] = strings.ToLower(m.haystack(r))
		m.index[m.id(r)] = i
	}
	m.rebuild()
	if hadSel {
		if pos := m.viewPos(selID); pos >= 0 {
			m.cursor = pos
			m.offset = m.cursor - screenLine
		}
	}
	m.clamp()
}

// Keep takes the rows of old, the table this one replaces, and its
// selected row: a view rebuilds its table on a theme change and must not
// lose either.
func (m *Model[T]) Keep(old Model[T]) {
	rows := old.Rows()
	if rows == nil {
		return
	}
	m.SetRows(rows)
	if id, ok := old.SelectedID(); ok {
		m.Select(id)
	}
}

// Rows returns every row (unfiltered, in the order given).
func (m Model[T]) Rows() []T { return m.rows }

// Len is the number of rows shown after filtering.
func (m Model[T]) Len() int { return len(m.view) }

// Total is the number of rows before filtering.
func (m Model[T]) Total() int { return len(m.rows) }

// Selected returns the row under the cursor.
func (m Model[T]) Selected() (T, bool) {
	if len(m.view) == 0 {
		var zero T
		return zero, false
	}
	return m.rows[m.view[m.cursor]], true
}

// SelectedID returns the id of the row under the cursor.
func (m Model[T]) SelectedID() (string, bool) {
	r, ok := m.Selected()
	if !ok {
		return "", false
	}
	return m.id(r), true
}

// Select moves the cursor to the row with the given id, if shown.
func (m *Model[T]) Select(id string) bool {
	pos := m.viewPos(id)
	if pos < 0 {
		return false
	}
	m.cursor = pos
	m.clamp()
	return true
}

// Row returns the row with the given id.
func (m Model[T]) Row(id string) (T, bool) {
	i, ok := m.index[id]
	if !ok {
		var zero T
		return zero, false
	}
	return m.rows[i], true
}

// Replace swaps in a new version of one row (same id) without a full
// refresh, e.g. when a toggle settles.
func (m *Model[T]) Replace(r T) bool {
	i, ok := m.index[m.id(r)]
	if !ok {
		return false
	}
	m.rows[i] = r
	m.hay[i] = strings.ToLower(m.haystack(r))
	return true
}

// Cursor and Offset expose the scroll state (tests check it survives
// refreshes).
func (m Model[T]) Cursor() int { return m.cursor }
func (m Model[T]) Offset() int { return m.offset }

// SetSize sets the area the table draws in, header and filter line
// included.
func (m *Model[T]) SetSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(max(1, w-3))
	m.clamp()
}

// SetFocused says whether the table has the keyboard.
func (m *Model[T]) SetFocused(f bool) { m.focused = f }

// Filtering reports whether the filter input has the keyboard, so the
// parent sends it every key.
func (m Model[T]) Filtering() bool { return m.filtering }

// Query is the filter text in force.
func (m Model[T]) Query() string { return m.query }

// SortedBy names the sort column and direction ("" when unsorted).
func (m Model[T]) SortedBy() (string, bool) {
	if m.sortCol < 0 {
		return "", false
	}
	return m.cols[m.sortCol].Title, m.sortDesc
}

func (m Model[T]) viewPos(id string) int {
	i, ok := m.index[id]
	if !ok {
		return -1
	}
	return slices.Index(m.view, i)
}

// rebuild recomputes which rows show and in what order.
func (m *Model[T]) rebuild() {
	m.view = m.view[:0]
	q := strings.ToLower(m.query)
	for i := range m.rows {
		if q == "" || strings.Contains(m.hay[i], q) {
			m.view = append(m.view, i)
		}
	}
	if m.sortCol >= 0 {
		by := m.cols[m.sortCol].Compare
		slices.SortStableFunc(m.view, func(a, b int) int {
			c := by(m.rows[a], m.rows[b])
			if m.sortDesc {
				c = -c
			}
			return cmp.Or(c, cmp.Compare(a, b))
		})
	}
}

// bodyHeight is the number of row lines: minus the column header and the
// filter line when one shows.
func (m Model[T]) bodyHeight() int {
	h := m.height - 1
	if m.filtering || m.query != "" {
		h--
	}
	return max(0, h)
}

func (m *Model[T]) clamp() {
	n := len(m.view)
	m.cursor = max(0, min(m.cursor, n-1))
	bh := m.bodyHeight()
	if bh <= 0 {
		m.offset = m.cursor
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+bh {
		m.offset = m.cursor - bh + 1
	}
	m.offset = max(0, min(m.offset, n-bh))
}

func (m *Model[T]) move(d int) {
	m.cursor += d
	m.clamp()
}

// Update handles navigation, sorting, filtering and the mouse. Mouse
// coordinates must be relative to the table's top-left corner.
func (m Model[T]) Update(msg tea.Msg) (Model[T], tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if m.filtering {
			return m.updateFilter(msg)
		}
		switch {
		case key.Matches(msg, m.Keys.Up):
			m.move(-1)
		case key.Matches(msg, m.Keys.Down):
			m.move(1)
		case key.Matches(msg, m.Keys.PageUp):
			m.move(-max(1, m.bodyHeight()))
		case key.Matches(msg, m.Keys.PageDown):
			m.move(max(1, m.bodyHeight()))
		case key.Matches(msg, m.Keys.Top):
			m.move(-len(m.view))
		case key.Matches(msg, m.Keys.Bottom):
			m.move(len(m.view))
		case key.Matches(msg, m.Keys.Filter):
			m.filtering = true
			m.input.SetValue(m.query)
			m.input.CursorEnd()
			m.clamp()
			return m, m.input.Focus()
		case key.Matches(msg, m.Keys.Sort):
			m.cycleSort()
		case key.Matches(msg, m.Keys.Reverse):
			if m.sortCol < 0 {
				m.cycleSort()
			}
			m.sortDesc = !m.sortDesc
			m.resort()
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-3)
		case tea.MouseWheelDown:
			m.move(3)
		}
	case tea.MouseClickMsg:
		if msg.Button == tea.MouseLeft {
			m.Click(msg.Y)
		}
	}
	return m, nil
}

// Click moves the cursor to the row drawn at line y (0 is the column
// header) or, on the header, sorts by the column under x.
func (m *Model[T]) Click(y int) {
	if y < 1 || y > m.bodyHeight() {
		return
	}
	pos := m.offset + y - 1
	if pos < len(m.view) {
		m.cursor = pos
		m.clamp()
	}
}

func (m Model[T]) updateFilter(msg tea.KeyPressMsg) (Model[T], tea.Cmd) {
	switch {
	case key.Matches(msg, m.Keys.Apply):
		m.filtering = false
		m.input.Blur()
		m.clamp()
		return m, nil
	case key.Matches(msg, m.Keys.Clear):
		m.filtering = false
		m.input.Blur()
		m.setQuery("")
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	q := m.input.Value()
	if m.Command != nil && m.Command(q) {
		q = ""
	}
	m.setQuery(q)
	return m, cmd
}

// Typed is the text after "/", whether or not it filters.
func (m Model[T]) Typed() string { return m.input.Value() }

// SetQuery filters the rows as if typed after "/".
func (m *Model[T]) SetQuery(q string) {
	m.input.SetValue(q)
	m.setQuery(q)
}

func (m *Model[T]) setQuery(q string) {
	if q == m.query {
		return
	}
	selID, had := m.SelectedID()
	m.query = q
	m.rebuild()
	m.cursor, m.offset = 0, 0
	if had {
		if pos := m.viewPos(selID); pos >= 0 {
			m.cursor = pos
		}
	}
	m.clamp()
}

// cycleSort moves the sort to the next sortable column, then back to the
// natural order after the last one.
func (m *Model[T]) cycleSort() {
	for i := m.sortCol + 1; i < len(m.cols); i++ {
		if m.cols[i].Compare != nil {
			m.sortCol, m.sortDesc = i, false
			m.resort()
			return
		}
	}
	m.sortCol, m.sortDesc = -1, false
	m.resort()
}

// SortBy sorts by the column with the given title.
func (m *Model[T]) SortBy(title string, desc bool) bool {
	for i, c := range m.cols {
		if c.Title == title && c.Compare != nil {
			m.sortCol, m.sortDesc = i, desc
			m.resort()
			return true
		}
	}
	return false
}

func (m *Model[T]) resort() {
	selID, had := m.SelectedID()
	m.rebuild()
	if had {
		if pos := m.viewPos(selID); pos >= 0 {
			m.cursor = pos
		}
	}
	m.clamp()
}

// ShortHelp is what the footer shows for a table.
func (m Model[T]) ShortHelp() []key.Binding {
	if m.filtering {
		return []key.Binding{m.Keys.Apply, m.Keys.Clear}
	}
	return []key.Binding{m.Keys.Filter, m.Keys.Sort}
}

// Columns returns the column definitions.
func (m Model[T]) Columns() []Column[T] { return m.cols }

// SetColumns swaps the column definitions (same titles, new styles, or
// the last ones left out for a narrow pane). A sort by a column left out
// returns to the rows' own order.
func (m *Model[T]) SetColumns(cols []Column[T]) {
	m.cols = cols
	if m.sortCol >= len(cols) {
		m.sortCol, m.sortDesc = -1, false
		m.resort()
	}
}
