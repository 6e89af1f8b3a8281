package search

import (
	"context"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

var epoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// slow is a search that reads one execution of five, then waits for the
// screen to stop it (or for release).
type slow struct {
	release chan struct{}
	match   model.ExecutionMatch
	asked   chan model.SearchQuery
}

func (s *slow) SearchExecutions(ctx context.Context, _ model.Actor, _ int64, q model.SearchQuery, progress func(model.SearchProgress)) (model.ExecutionSearch, error) {
	if s.asked != nil {
		s.asked <- q
	}
	res := model.ExecutionSearch{SearchQuery: q, Searched: 1, Found: 1, Matching: 1, Matches: []model.ExecutionMatch{s.match}}
	progress(model.SearchProgress{Searched: 1, Total: 5, Matching: 1})
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-s.release:
		res.Searched = 5
		return res, nil
	}
}

func newScreen(b Backend) *Model {
	m := New(b, Options{Actor: model.Actor{Name: "alice@platform.io", SuperAdmin: true}, Theme: themes.MustLoad("dark"),
		Now: func() time.Time { return epoch }})
	m.SetSize(120, 20)
	return m
}

// step runs cmd and hands its first message that is not a spinner frame
// to the screen, returning what the screen asks next.
func step(t *testing.T, m *Model, cmd tea.Cmd) tea.Cmd {
	t.Helper()
	msgs := make(chan tea.Msg, 8)
	var launch func(tea.Cmd)
	launch = func(c tea.Cmd) {
		if c == nil {
			return
		}
		go func() {
			msg := c()
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					launch(c)
				}
				return
			}
			msgs <- msg
		}()
	}
	launch(cmd)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case msg := <-msgs:
			if _, ok := msg.(spinner.TickMsg); ok || msg == nil {
				continue
			}
			return m.Update(msg)
		case <-deadline:
			t.Fatal("the search sent nothing within 5s")
			return nil
		}
	}
}

func plain(s string) string {
	var b strings.Builder
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.NoTTY}
	_, _ = w.WriteString(s)
	return b.String()
}

func helpText(bs []key.Binding) string {
	var out []string
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(out, " • ")
}

// While the search runs the screen counts what it has read and esc stops
// it; what was found by then stays listed, and the line says how far it
// got and how to search again.
func TestEscStopsTheSearchAndKeepsWhatItFound(t *testing.T) {
	b := &slow{release: make(chan struct{}), match: model.ExecutionMatch{Execution: model.Execution{ID: "812", StartedAt: epoch.Add(-time.Hour)},
		Node: "Fetch Replies", Path: "data.main.0.3.json.from", Text: "lead3@ohio-roofing.com"}}
	m := newScreen(b)
	cmd := m.Open(fleet.SearchExecutionsMsg{Campaign: model.Campaign{ID: 7, Name: "Email 1"}, Workspace: "ohio", Needle: "lead3@"})
	if !m.Running() || !m.OwnsEsc() || !m.Busy() {
		t.Fatal("an open search does not own esc and ctrl+c")
	}
	next := step(t, m, cmd)
	s := plain(m.View())
	for _, want := range []string{`Search of ohio/Email 1 for "lead3@"`, "reading executions 1/5 · 1 matching so far · esc stops"} {
		if !strings.Contains(s, want) {
			t.Errorf("running screen lacks %q:\n%s", want, s)
		}
	}
	if h := helpText(m.ShortHelp()); !strings.HasPrefix(h, "esc stop") {
		t.Errorf("footer while running: %q", h)
	}

	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	step(t, m, next)
	if m.Running() || m.OwnsEsc() {
		t.Fatal("the search still runs after esc")
	}
	s = plain(m.View())
	for _, want := range []string{"stopped after 1 of 5 executions: 1 match in 1 execution · r searches again", "812", "Fetch Replies", "#1",
		"execution 812 · Fetch Replies #1 · data.main.0.3.json.from: lead3@ohio-roofing.com"} {
		if !strings.Contains(s, want) {
			t.Errorf("stopped screen lacks %q:\n%s", want, s)
		}
	}
}

// An answer of an older search (r started a new one) is dropped.
func TestAnOlderSearchsAnswerIsDropped(t *testing.T) {
	b := &slow{release: make(chan struct{})}
	m := newScreen(b)
	m.Open(fleet.SearchExecutionsMsg{Campaign: model.Campaign{ID: 7, Name: "Email 1"}, Workspace: "ohio", Needle: "x"})
	stale := doneMsg{seq: m.seq - 1, res: model.ExecutionSearch{Searched: 50, Found: 3}}
	m.Update(stale)
	if !m.Running() || m.Result().Found != 0 {
		t.Fatalf("an older search's answer was taken: running %v, %+v", m.Running(), m.Result())
	}
	m.Close()
}

// What was not read is named under the state line, and a count over what
// is listed says so.
func TestTheScreenNamesWhatItCouldNotRead(t *testing.T) {
	m := newScreen(nil)
	m.req = fleet.SearchExecutionsMsg{Campaign: model.Campaign{Name: "Email 1"}, Workspace: "ohio", Needle: "x"}
	m.running = true
	m.finish(doneMsg{seq: m.seq, res: model.ExecutionSearch{Searched: 49, Found: 230, Matching: 12,
		Matches: make([]model.ExecutionMatch, 200),
		Skipped: []string{"execution 812: its data is over the 64 MB a search reads"}}})
	s := plain(m.View())
	for _, want := range []string{"read the latest 49 executions: 230 matches in 12 executions (the first 200 listed)",
		"1 not read: execution 812: its data is over the 64 MB a search reads"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

// The executions pane's status filter goes with the search: only those
// executions are read, and the title says so.
func TestASearchFromAFilteredPaneReadsThatStatusOnly(t *testing.T) {
	b := &slow{release: make(chan struct{}), asked: make(chan model.SearchQuery, 1)}
	close(b.release)
	m := newScreen(b)
	cmd := m.Open(fleet.SearchExecutionsMsg{Campaign: model.Campaign{ID: 7, Name: "Email 1"}, Workspace: "ohio", Needle: "jane", Status: "error"})
	step(t, m, cmd)
	if q := <-b.asked; q.Status != "error" || q.Needle != "jane" {
		t.Errorf("asked %+v", q)
	}
	if s := plain(m.View()); !strings.Contains(s, `Search of ohio/Email 1 for "jane" (error only)`) {
		t.Errorf("title:\n%s", s)
	}
}
