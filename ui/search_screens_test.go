package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/n8n"
	"github.com/godmode-console/godmode/ui/views/search"
)

// "/data:TEXT" then enter in the executions pane searches the campaign's
// latest executions for the text: the list is not filtered by it, the
// search screen lists each match with its execution, node, run and path,
// and enter on one opens forensics on that node's run, on the value.
func TestDataSearchFindsTheExecutionAndForensicsLandsOnTheMatch(t *testing.T) {
	t.Parallel()
	r, id := typedSearch(t, 160, 45, "data:lead3@ohio-roofing.com")
	s := plain(r.Render())
	mustContain(t, s, "/data:lead3@ohio-roofing.com", "enter search the latest executions' data", id)
	if strings.Contains(s, "Executions of Email 1 [0/") {
		t.Errorf("data: filtered the list away:\n%s", s)
	}

	slowKey(r, "enter")
	if r.topID() != search.Screen {
		t.Fatalf("enter on /data: shows %s", r.topID())
	}
	s = plain(r.Render())
	mustContain(t, s, `Search of florida/Email 1 for "lead3@ohio-roofing.com"`, "read the latest ", ": 2 matches in 1 execution",
		"Fetch Replies", "Loop Over Items", "data.main.0.3.json.from", "data.main.1.3.json.from", "lead3@ohio-roofing.com")
	if got := searchOf(t, r).Result(); len(got.Matches) != 2 || got.Matches[0].Execution.ID != id {
		t.Fatalf("matches %+v, want two in execution %s", got.Matches, id)
	}

	keys(r, "j")
	slowKey(r, "enter")
	if r.topID() != screenForensics {
		t.Fatalf("enter on a match shows %s", r.topID())
	}
	s = plain(r.Render())
	// The second match: Loop Over Items' first run, its output, the
	// cursor on the value (the inspector's path line names it).
	mustContain(t, s, "Execution "+id, "Inspector · Loop Over Items #1", "2 Output", `"from": "lead3@ohio-roofing.com"`, "path 1.3.json.from")
	keys(r, "esc")
	if r.topID() != search.Screen {
		t.Fatalf("esc from forensics went to %s, not back to the matches", r.topID())
	}
}

// A search no execution answers says so, and the screen keeps to 80×24.
func TestDataSearchWithoutMatchesAt80x24(t *testing.T) {
	t.Parallel()
	r, _ := typedSearch(t, 80, 24, "data:nobody@nowhere.example")
	slowKey(r, "enter")
	if r.topID() != search.Screen {
		t.Fatalf("enter on /data: shows %s", r.topID())
	}
	screen := plain(r.Render())
	lines := strings.Split(screen, "\n")
	mustContain(t, screen, "0 matches in 0 executions", "no match in the executions read", "r search again", "esc")
	if len(lines) > 24 {
		t.Errorf("%d lines at 80×24:\n%s", len(lines), screen)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("a line %d cells wide at 80×24: %q", w, l)
		}
	}
}

// typedSearch is the console, w×h, on florida's Email 1, whose newest
// execution is the recorded loop (its id), with typed after "/" in the
// executions pane.
func typedSearch(t *testing.T, w, h int, typed string) (*Root, string) {
	t.Helper()
	f, id := forensicsFleet(t, "execution-success-loop.json", n8n.StatusSuccess)
	r := newRoot(f.AsSuper(), Options{})
	sized(r, w, h)
	deliver(r, r.Init())
	keys(r, "tab", "tab", "/")
	typeText(r, typed)
	return r, id
}

// searchOf is the search screen on the stack.
func searchOf(t *testing.T, r *Root) *search.Model {
	t.Helper()
	s, ok := r.screen(search.Screen)
	if !ok {
		t.Fatal("no search screen")
	}
	return s.(*search.Model)
}
