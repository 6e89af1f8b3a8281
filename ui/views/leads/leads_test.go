package leads

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
)

func press(m *Model, k string) {
	var msg tea.KeyPressMsg
	switch k {
	case "pgdown":
		msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		msg = tea.KeyPressMsg{Code: tea.KeyPgUp}
	default:
		msg = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
	}
	drive(m, m.Update(msg))
}

func opened(t *testing.T, n int64) (*Model, *fakeLeads) {
	t.Helper()
	f := &fakeLeads{n: n}
	m := New(f, themes.MustLoad("dark"))
	m.SetSize(120, 30)
	drive(m, m.Open(Open{Slug: "ohio"}))
	return m, f
}

func (m *Model) selected() int64 { return m.rows[m.cursor].id }

// Down one lead at a time through 2,000 leads and back: the cursor is on
// each lead in turn, the window never holds more than its pages, and
// every page is asked by keyset (after or before an id), never by
// position.
func TestLeadsScrollThroughEveryLeadByKeyset(t *testing.T) {
	m, f := opened(t, 2000)
	if m.selected() != 1 || !strings.Contains(m.View(), "Leads of ohio [2,000]") {
		t.Fatalf("opened on %d:\n%s", m.selected(), m.View())
	}
	for want := int64(2); want <= 2000; want++ {
		press(m, "j")
		if got := m.selected(); got != want {
			t.Fatalf("after %d downs the cursor is on lead %d", want-1, got)
		}
		if len(m.rows) > WindowPages*PageSize {
			t.Fatalf("the window holds %d rows", len(m.rows))
		}
	}
	press(m, "j")
	if m.selected() != 2000 || !m.atEnd {
		t.Fatalf("past the last lead: %d", m.selected())
	}
	for want := int64(1999); want >= 1; want-- {
		press(m, "k")
		if got := m.selected(); got != want {
			t.Fatalf("going up the cursor is on lead %d, want %d", got, want)
		}
	}
	for _, p := range f.pages {
		if p.Limit > PageSize {
			t.Errorf("a page of %d asked", p.Limit)
		}
	}
	if !strings.Contains(m.View(), "lead1@example.com") {
		t.Errorf("back at the top the first lead is not drawn:\n%s", m.View())
	}
}

// G reads the last page at once (not every page between), g the first;
// pgdn and pgup move a screen.
func TestLeadsJumpToEitherEndOfAMillion(t *testing.T) {
	m, f := opened(t, 1_000_000)
	asked := len(f.pages)
	press(m, "G")
	if m.selected() != 1_000_000 || len(f.pages) != asked+1 || !f.pages[asked].Last {
		t.Fatalf("G: on %d after %d page reads (%+v)", m.selected(), len(f.pages)-asked, f.pages[asked:])
	}
	if v := m.View(); !strings.Contains(v, "lead1000000@example.com") || !strings.Contains(v, "Leads of ohio [1,000,000]") {
		t.Fatalf("G's screen:\n%s", v)
	}
	press(m, "pgup")
	if want := int64(1_000_000 - m.bodyHeight()); m.selected() != want {
		t.Fatalf("pgup from the last: on %d, want %d", m.selected(), want)
	}
	press(m, "g")
	if m.selected() != 1 {
		t.Fatalf("g: on %d", m.selected())
	}
	press(m, "pgdown")
	if want := int64(1 + m.bodyHeight()); m.selected() != want {
		t.Fatalf("pgdn: on %d, want %d", m.selected(), want)
	}
}

// An answer to a query no longer in force (the filter changed since) is
// dropped, and so is a page for a window that G replaced.
func TestLeadsStaleAnswersAreDropped(t *testing.T) {
	m, f := opened(t, 5000)
	old := m.query
	m.filter, _ = model.ParseLeadFilter("industry=Solar")
	start := m.start(false) // not run yet: the old query's answer comes first
	drive(m, m.Update(headMsg{query: old, head: model.LeadsHead{Total: 99}, rows: rowsOf([]model.Lead{f.lead(4242)}, nil)}))
	if m.head.Total == 99 || m.selected() == 4242 {
		t.Fatal("an answer to the previous filter was shown")
	}
	drive(m, start)
	if m.head.Total != 5000 || m.selected() != 1 {
		t.Fatalf("the new query's answer: total %d on %d", m.head.Total, m.selected())
	}
	stale := pageMsg{query: m.query, window: m.window, place: appendAfter, anchor: m.rows[len(m.rows)-1].id, rows: rowsOf([]model.Lead{f.lead(201)}, nil)}
	press(m, "G")
	drive(m, m.Update(stale))
	if m.selected() != 5000 || len(m.rows) != PageSize {
		t.Fatalf("a page for the replaced window landed: on %d, %d rows", m.selected(), len(m.rows))
	}

	// G, then g before G's answer: the screen is on the first lead, and
	// G's late answer does not take it to the last.
	drive(m, m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"}))
	late := m.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
	drive(m, m.Update(tea.KeyPressMsg{Code: 'g', Text: "g"}))
	drive(m, late)
	if m.selected() != 1 {
		t.Fatalf("G's late answer replaced what g showed: on %d", m.selected())
	}

	// A page that does not join the window's edge (its anchor is not the
	// window's last lead) is dropped.
	drive(m, m.Update(pageMsg{query: m.query, window: m.window, place: appendAfter, anchor: 77, rows: rowsOf([]model.Lead{f.lead(78)}, nil)}))
	if len(m.rows) != PageSize || m.rows[len(m.rows)-1].id != PageSize {
		t.Fatalf("a page that does not join the window landed: %d rows, last %d", len(m.rows), m.rows[len(m.rows)-1].id)
	}
}

// A filter that does not parse keeps the input open with the error under
// it; esc keeps the filter that was in force.
func TestLeadsFilterErrorShowsUnderTheInput(t *testing.T) {
	m, _ := opened(t, 10)
	press(m, "/")
	for _, r := range "score>x" {
		press(m, string(r))
	}
	drive(m, m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}))
	v := ansi.Strip(m.View())
	if !m.Capturing() || !strings.Contains(v, `filter term "score>x" at position 1: > compares numbers: "x" is not one`) {
		t.Fatalf("a bad filter:\n%s", v)
	}
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[len(lines)-3], "/score>x") || !strings.Contains(lines[len(lines)-2], "position 1") {
		t.Errorf("the error is not under the input:\n%s", strings.Join(lines[len(lines)-4:], "\n"))
	}
	drive(m, m.Update(tea.KeyPressMsg{Code: tea.KeyEscape}))
	if m.Capturing() || len(m.filter.Terms) != 0 || strings.Contains(m.View(), "compares numbers") {
		t.Fatalf("esc: capturing %v, filter %v", m.Capturing(), m.filter)
	}
}

// Under a filter the title says how many match of all, up to the count's
// cap: past it, "10,000+".
func TestLeadsTitleCountsMatchesUpToTheCap(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{1_000_000, "Leads of ohio [10,000+ of 1,000,000]"}, {1234, "Leads of ohio [1,234 of 1,234]"}} {
		m, _ := opened(t, c.n)
		press(m, "/")
		for _, r := range "industry=Solar" {
			press(m, string(r))
		}
		drive(m, m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}))
		if v := ansi.Strip(m.View()); !strings.Contains(v, c.want) || !strings.Contains(v, "/industry=Solar") {
			t.Errorf("%d leads: want %q in\n%s", c.n, c.want, v)
		}
	}
}
