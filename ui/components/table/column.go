package table

import "charm.land/lipgloss/v2"

// Column describes one column of a Table of T.
type Column[T any] struct {
	Title string
	// Width is the column's width in cells; 0 makes the column share the
	// width left over by fixed columns (at least MinWidth). A fixed column
	// with a MinWidth gives up cells down to it when the table is too
	// narrow, before any column is cut.
	Width    int
	MinWidth int
	Right    bool // right-align (numbers, ages)
	Cell     func(T) string
	// Style, when set, colours the cell (statuses, failures): a pointer to
	// a theme field, so the table can cache its escape codes. The cursor
	// row ignores it so the selection reads as one bar.
	Style func(T) *lipgloss.Style
	// Styled marks a cell the view draws itself with escape codes (a
	// spinner): it is not cleaned. Every other cell is data (a name, an
	// n8n error) and is cleaned of control characters before it is drawn.
	Styled bool
	// Compare orders two rows by this column; nil makes it unsortable.
	Compare func(a, b T) int
}
