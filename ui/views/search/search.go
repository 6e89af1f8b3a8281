package search

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
	"github.com/godmode-console/godmode/ui/views/fleet"
)

// Screen is the id the console registers the screen under.
const Screen = "execution-search"

// Options are what the screen needs from the session.
type Options struct {
	Actor model.Actor
	Theme *themes.Theme
	Now   common.Clock
}

// KeyMap is the screen's own keys; the table's come with it.
type KeyMap struct {
	Table  table.KeyMap
	Open   key.Binding // enter: forensics on the match
	Stop   key.Binding // esc or ctrl+c while the search runs
	Search key.Binding // r: the same search again
}

func defaultKeys() KeyMap {
	return KeyMap{
		Table:  table.DefaultKeyMap(),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "forensics")),
		Stop:   key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "stop")),
		Search: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "search again")),
	}
}

// Model is the search screen.
type Model struct {
	backend Backend
	actor   model.Actor
	theme   *themes.Theme
	now     common.Clock
	keys    KeyMap
	spin    spinner.Model

	req      fleet.SearchExecutionsMsg
	seq      int
	running  bool
	cancel   context.CancelFunc
	progress model.SearchProgress
	res      model.ExecutionSearch
	err      error // why the search ended early, or failed
	table    table.Model[model.ExecutionMatch]

	w, h int
}

// New builds the screen; Open starts a search.
func New(b Backend, o Options) *Model {
	m := &Model{backend: b, actor: o.Actor, theme: o.Theme, now: o.Now, keys: defaultKeys(),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	m.build()
	return m
}

func (m *Model) build() {
	th := m.theme
	m.spin.Style = th.SwitchPending
	type X = model.ExecutionMatch
	cols := []table.Column[X]{
		{Title: "STARTED", Width: 7, Right: true, Cell: func(x X) string { return common.Age(m.now(), x.Execution.StartedAt) }},
		{Title: "EXECUTION", Width: 10, Cell: func(x X) string { return x.Execution.ID }},
		{Title: "NODE", Width: 16, MinWidth: 8, Cell: func(x X) string { return x.Node }},
		{Title: "RUN", Width: 4, Right: true, Cell: func(x X) string { return "#" + strconv.Itoa(x.Run+1) }},
		{Title: "PATH", Width: 30, MinWidth: 12, Cell: func(x X) string { return x.Path }},
		{Title: "VALUE", MinWidth: 16, Cell: func(x X) string { return x.Text }, Style: func(X) *lipgloss.Style { return &th.Accent }},
	}
	old := m.table
	m.table = table.New(th, cols, matchID, func(x X) string { return x.Execution.ID + " " + x.Node + " " + x.Path + " " + x.Text })
	m.table.Keys = m.keys.Table
	m.table.Empty = "nothing yet"
	m.table.SetFocused(true)
	m.table.Keep(old)
	m.table.SetSize(max(0, m.w-2), max(0, m.h-2-headLines))
}

func matchID(x model.ExecutionMatch) string {
	return x.Execution.ID + "/" + x.Node + "/" + strconv.Itoa(x.Run) + "/" + x.Path
}

// Open starts the search a SearchExecutionsMsg asks for, stopping one
// still running.
func (m *Model) Open(arg any) tea.Cmd {
	req, ok := arg.(fleet.SearchExecutionsMsg)
	if !ok {
		return nil
	}
	m.req = req
	return m.begin()
}

// Init searches again when the screen is brought back empty-handed.
func (m *Model) Init() tea.Cmd { return nil }

func (m *Model) begin() tea.Cmd {
	m.Close()
	m.seq++
	q := model.SearchQuery{Needle: m.req.Needle, Status: m.req.Status}
	m.res, m.err, m.progress = model.ExecutionSearch{SearchQuery: q}, nil, model.SearchProgress{}
	m.table.SetRows(nil)
	m.table.Empty = "no match yet"
	if m.backend == nil {
		m.err = errors.New("this console cannot search executions")
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	m.cancel, m.running = cancel, true
	return tea.Batch(m.spin.Tick, start(ctx, m.backend, m.actor, m.req.Campaign.ID, q, m.seq))
}

// Close stops a search under way (the screen left the stack).
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

// Busy: while the search runs, ctrl+c stops it rather than the console.
func (m *Model) Busy() bool { return m.running }

// OwnsEsc: while the search runs, esc stops it; then esc goes back.
func (m *Model) OwnsEsc() bool { return m.running }

// Capturing: the filter input has the keyboard.
func (m *Model) Capturing() bool { return m.table.Filtering() }

// Concerns: a search is of what n8n held when it ran; r runs it again.
func (m *Model) Concerns(model.ChangeSet) bool { return false }

// Reload does nothing: the poll must not start a search of its own.
func (m *Model) Reload() tea.Cmd { return nil }

// Result is what the search has found so far (tests read it).
func (m *Model) Result() model.ExecutionSearch { return m.res }

// Running reports whether the search is under way.
func (m *Model) Running() bool { return m.running }

// Update handles the search's reports, keys, the mouse and the spinner.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case listened:
		if msg.msg.seq == m.seq {
			m.progress = msg.msg.p
		}
		return msg.next
	case doneMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.finish(msg)
		return nil
	case spinner.TickMsg:
		if !m.running {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if m.table.Filtering() {
			break
		}
		switch {
		case m.running && key.Matches(msg, m.keys.Stop):
			m.Close()
			return func() tea.Msg { return common.Note("stopping the search…") }
		case key.Matches(msg, m.keys.Open):
			return m.openMatch()
		case !m.running && key.Matches(msg, m.keys.Search):
			return m.begin()
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(table.Inset(msg, 1, 1+headLines))
	return cmd
}

func (m *Model) finish(d doneMsg) {
	m.running = false
	m.Close()
	m.res, m.err = d.res, d.err
	m.progress.Searched = d.res.Searched
	m.table.SetRows(d.res.Matches)
	m.table.Empty = "no match in the executions read"
}

// openMatch asks the console to open forensics on the match under the
// cursor, landing on its node's run with the text found; the model
// checks the right again when forensics reads the execution.
func (m *Model) openMatch() tea.Cmd {
	x, ok := m.table.Selected()
	if !ok {
		return func() tea.Msg { return common.Note("no match selected") }
	}
	msg := fleet.OpenExecutionMsg{Campaign: m.req.Campaign, Workspace: m.req.Workspace, Execution: x.Execution,
		At: &fleet.Match{Node: x.Node, Run: x.Run, Path: x.Path, Find: m.req.Needle}}
	return func() tea.Msg { return msg }
}

// SetSize sets the screen's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.table.SetSize(max(0, w-2), max(0, h-2-headLines))
}

// SetTheme restyles the screen, keeping rows and cursor.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	m.build()
}

// ShortHelp is the footer: stop while the search runs, then what the
// matches allow.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.running:
		return m.table.Help(m.keys.Stop, m.keys.Open)
	case m.table.Total() == 0:
		return m.table.Help(m.keys.Search)
	}
	return m.table.Help(m.keys.Open, m.keys.Search)
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.Table.Bindings(), {m.keys.Open, m.keys.Stop, m.keys.Search}}
}

// title names what is searched, for what.
func (m *Model) title() string {
	t := fmt.Sprintf("Search of %s/%s for %q", safetext.Line(m.req.Workspace), safetext.Line(m.req.Campaign.Name), safetext.Line(m.req.Needle))
	if m.req.Status != "" {
		t += " (" + m.req.Status + " only)"
	}
	return t
}

// state is the line under the title: how far the search is, or how it
// ended and what it found.
func (m *Model) state() (string, *lipgloss.Style) {
	th := m.theme
	p, r := m.progress, m.res
	found := fmt.Sprintf("%s in %s", common.Plural(r.Found, "match", "matches"), common.Plural(r.Matching, "execution", "executions"))
	if r.Found > len(r.Matches) {
		found += fmt.Sprintf(" (the first %d listed)", len(r.Matches))
	}
	switch {
	case m.running:
		total := "the latest"
		if p.Total > 0 {
			total = strconv.Itoa(p.Total)
		}
		return fmt.Sprintf("%s reading executions %d/%s · %d matching so far · esc stops", m.spin.View(), p.Searched, total, p.Matching), &th.Muted
	case errors.Is(m.err, context.Canceled):
		return fmt.Sprintf("stopped after %d of %d executions: %s · r searches again", r.Searched, max(p.Total, r.Searched), found), &th.Warn
	case errors.Is(m.err, context.DeadlineExceeded):
		return fmt.Sprintf("gave up after %s, %d executions read: %s · r searches again", Timeout, r.Searched, found), &th.Warn
	case errors.Is(m.err, model.ErrForbidden):
		return "you may not search these executions: " + safetext.Line(m.err.Error()), &th.Error
	case m.err != nil:
		return "the search failed: " + safetext.Line(m.err.Error()) + " · r tries again", &th.Error
	}
	what := "execution"
	if r.Status != "" {
		what = r.Status + " execution"
	}
	return fmt.Sprintf("read the latest %s: %s", common.Plural(r.Searched, what, what+"s"), found), &th.Muted
}

// headLines are the lines above the matches: the state, the match under
// the cursor in full (its columns are cut on a narrow terminal), and what
// was not read.
const headLines = 3

// View draws the state line, the match under the cursor, what was not
// read, and the matches.
func (m *Model) View() string {
	th := m.theme
	inner := max(0, m.w-2)
	line, st := m.state()
	head := st.Render(common.Fit(line, inner))
	detail := ""
	if x, ok := m.table.Selected(); ok {
		detail = fmt.Sprintf("execution %s · %s #%d · %s: %s", x.Execution.ID, x.Node, x.Run+1, x.Path, x.Text)
	}
	head += "\n" + th.Text.Render(common.Fit(detail, inner))
	skipped := ""
	if n := len(m.res.Skipped); n > 0 {
		skipped = fmt.Sprintf("%d not read: %s", n, strings.Join(m.res.Skipped, "; "))
	}
	head += "\n" + th.Warn.Render(common.Fit(skipped, inner))
	return common.Box(th.PaneFocused, th.PaneTitleFocused, m.title(), head+"\n"+m.table.View(), m.w, m.h)
}
