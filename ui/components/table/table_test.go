package table

import (
	"cmp"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/themes"
)

type row struct {
	id   int
	name string
}

func newTable(n int) Model[row] {
	cols := []Column[row]{
		{Title: "ID", Width: 5, Cell: func(r row) string { return fmt.Sprint(r.id) }, Compare: func(a, b row) int { return cmp.Compare(a.id, b.id) }},
		{Title: "NAME", Cell: func(r row) string { return r.name }, Compare: func(a, b row) int { return cmp.Compare(a.name, b.name) }},
	}
	m := New(themes.MustLoad("dark"), cols, func(r row) string { return fmt.Sprint(r.id) }, func(r row) string { return r.name })
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{i, fmt.Sprintf("name-%04d", (i*7919)%n)}
	}
	m.SetRows(rows)
	m.SetSize(40, 12)
	m.SetFocused(true)
	return m
}

func press(s string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: []rune(s)[0], Text: s} }

func TestViewDrawsOnlyVisibleRows(t *testing.T) {
	m := newTable(10000)
	lines := strings.Split(m.View(), "\n")
	if len(lines) != 12 {
		t.Fatalf("view has %d lines, want the 12 it was given", len(lines))
	}
}

func TestFilterAndClear(t *testing.T) {
	m := newTable(100)
	m, _ = m.Update(press("/"))
	for _, c := range "name-000" {
		m, _ = m.Update(press(string(c)))
	}
	if m.Len() != 10 {
		t.Errorf("filter kept %d rows, want 10", m.Len())
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.Len() != 100 || m.Filtering() {
		t.Errorf("esc should clear the filter: %d rows, filtering %v", m.Len(), m.Filtering())
	}
}

func TestSortKeepsSelectionByID(t *testing.T) {
	m := newTable(100)
	for range 5 {
		m, _ = m.Update(press("j"))
	}
	id, _ := m.SelectedID()
	m, _ = m.Update(press("s")) // by ID
	m, _ = m.Update(press("s")) // by NAME
	if got, _ := m.SelectedID(); got != id {
		t.Errorf("sorting moved the cursor from row %s to %s", id, got)
	}
	if col, desc := m.SortedBy(); col != "NAME" || desc {
		t.Errorf("sorted by %s desc=%v", col, desc)
	}
	m, _ = m.Update(press("S"))
	if _, desc := m.SortedBy(); !desc {
		t.Error("S did not reverse")
	}
	if !strings.Contains(m.View(), "NAME▼") {
		t.Error("header does not show the sort")
	}
}

func TestRefreshKeepsRowAndScreenLine(t *testing.T) {
	m := newTable(100)
	for range 30 {
		m, _ = m.Update(press("j"))
	}
	id, _ := m.SelectedID()
	line := m.Cursor() - m.Offset()
	rows := append([]row{{1000, "fresh"}, {1001, "fresher"}}, m.Rows()...)
	m.SetRows(rows)
	if got, _ := m.SelectedID(); got != id {
		t.Errorf("cursor moved to %s", got)
	}
	if m.Cursor()-m.Offset() != line {
		t.Errorf("selected row jumped from screen line %d to %d", line, m.Cursor()-m.Offset())
	}
}

func TestNarrowTableShrinksColumnsToTheirMinimumBeforeCuttingTheLast(t *testing.T) {
	cell := func(row) string { return "" }
	cols := []Column[row]{
		{Title: "NAME", Width: 10, MinWidth: 4, Cell: cell},
		{Title: "ACTOR", Width: 10, Cell: cell},
		{Title: "OUTCOME", Width: 6, Cell: cell},
	}
	m := New(themes.MustLoad("dark"), cols, func(r row) string { return fmt.Sprint(r.id) }, func(r row) string { return r.name })
	m.SetSize(24, 10) // 26 cells of columns and 2 of gaps: 4 too many
	if got := m.widths(); fmt.Sprint(got) != "[6 10 6]" {
		t.Fatalf("widths at 24 = %v, want NAME to give up its spare cells first: [6 10 6]", got)
	}
	m.SetSize(16, 10) // 12 too many: NAME down to 4, then cut from the last, one cell kept each
	if got := m.widths(); fmt.Sprint(got) != "[4 9 1]" {
		t.Fatalf("widths at 16 = %v, want [4 9 1]", got)
	}
}

// A pane that narrows leaves its last column out (the fleet's lead
// counts): a sort by that column gives way to the rows' own order instead
// of indexing a column that is gone.
func TestLeavingOutTheSortedColumnReturnsToTheRowsOrder(t *testing.T) {
	m := newTable(50)
	if !m.SortBy("NAME", true) {
		t.Fatal("cannot sort by NAME")
	}
	m.SetColumns(m.Columns()[:1])
	if title, _ := m.SortedBy(); title != "" {
		t.Errorf("still sorted by %q, a column left out", title)
	}
	if first := strings.Fields(ansi.Strip(strings.Split(m.View(), "\n")[1]))[0]; first != "0" {
		t.Errorf("first row %q after leaving the sorted column out, want the rows' own first, 0", first)
	}
}

// Text the view marks as a command (the executions pane's "data:") is
// typed after "/" like a filter but filters nothing; the view reads it.
func TestACommandTypedAfterTheSlashFiltersNothing(t *testing.T) {
	m := newTable(100)
	m.Command = func(typed string) bool { return strings.HasPrefix(typed, "data:") }
	m, _ = m.Update(press("/"))
	for _, c := range "data:name-000" {
		m, _ = m.Update(press(string(c)))
	}
	if m.Len() != 100 || m.Typed() != "data:name-000" || m.Query() != "" {
		t.Errorf("a command filtered the rows: %d shown, typed %q, query %q", m.Len(), m.Typed(), m.Query())
	}
	m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if m.Len() != 100 || m.Filtering() {
		t.Errorf("after enter: %d rows, filtering %v", m.Len(), m.Filtering())
	}
}

// A table rebuilt (a theme change) keeps the rows and the selected row of
// the one it replaces.
func TestKeepTakesTheRowsAndTheSelection(t *testing.T) {
	old := newTable(100)
	old, _ = old.Update(press("j"))
	old, _ = old.Update(press("j"))
	want, _ := old.SelectedID()
	m := newTable(0)
	m.Keep(old)
	if got, _ := m.SelectedID(); m.Total() != 100 || got != want {
		t.Errorf("kept %d rows, selection %q; want 100 and %q", m.Total(), got, want)
	}
}
