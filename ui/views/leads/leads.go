// Package leads is the ":leads" screen: one workspace's leads as a table
// whose columns are email, status, campaign and then the metadata keys its
// leads hold, filtered by the model's lead filter ("/": industry=Solar
// score>50). A million leads scroll as ten do: the screen holds a window
// of a few pages, read by keyset (the page after or before an id) as the
// cursor nears an edge, so a key press costs the same wherever it is.
package leads

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Screen is the id the console registers the screen under.
const Screen = "leads"

// Open is what the screen is opened on: a workspace's slug.
type Open struct{ Slug string }

// Window bounds: pages of PageSize, at most WindowPages of them held.
const (
	PageSize    = model.DefaultLeadPage
	WindowPages = 3
)

// KeyMap is the screen's bindings.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Left, Right key.Binding
	Filter, Apply, Cancel, Back                          key.Binding
}

func defaultKeys() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "first")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "last")),
		Left:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "columns left")),
		Right:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "columns right")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Apply:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply filter")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}
}

// Model is the screen.
type Model struct {
	backend Backend
	theme   *themes.Theme
	keys    KeyMap
	spin    spinner.Model

	slug   string
	filter model.LeadFilter
	head   model.LeadsHead
	loaded bool   // head has arrived for this query
	err    string // the last read's failure

	input     textinput.Model
	filtering bool
	filterErr string // why the typed filter does not parse
	typed     string // the text that did not parse, given back on the next /

	// The window: consecutive leads in id order; atStart/atEnd say it
	// touches the first/last lead the filter matches.
	rows           []row
	atStart, atEnd bool
	cursor, offset int            // in rows
	col            int            // first scrolled column shown (horizontal scroll)
	seen           map[string]int // widest value of each key seen in the query
	seenEmail      int

	// query numbers the (workspace, filter) asked; window numbers the
	// window's replacements (g, G). Answers to older ones are dropped.
	query, window uint64
	loadingHead   bool
	pending       bool // a page for the window is on its way

	w, h int
}

// New builds the screen (opened later on a workspace).
func New(b Backend, th *themes.Theme) *Model {
	m := &Model{backend: b, theme: th, keys: defaultKeys(), spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	m.input = common.NewInput(th, "/")
	m.input.Placeholder = `filter: industry=Solar score>50 status!=bounced email~@acme.com`
	return m
}

// Open shows the leads of the workspace named.
func (m *Model) Open(arg any) tea.Cmd {
	o, ok := arg.(Open)
	if !ok || o.Slug == "" {
		return nil
	}
	if o.Slug != m.slug {
		m.slug, m.filter, m.filterErr = o.Slug, model.LeadFilter{}, ""
		m.input.SetValue("")
	}
	return m.start(false)
}

// Slug is the workspace shown.
func (m *Model) Slug() string { return m.slug }

// Init re-reads what is shown when the screen comes back.
func (m *Model) Init() tea.Cmd { return m.Reload() }

// start asks for the head and the first (or last) page of the query in
// force; what was shown stays until it arrives.
func (m *Model) start(last bool) tea.Cmd {
	if m.slug == "" {
		return nil
	}
	if m.backend == nil {
		m.err = "this console cannot read leads"
		return nil
	}
	m.query++
	m.window++
	m.loadingHead, m.pending, m.err = true, false, ""
	m.seen, m.seenEmail = nil, 0
	return tea.Batch(loadHead(m.backend, m.query, m.slug, m.filter, &model.LeadPageRequest{Last: last, Limit: PageSize}), m.spin.Tick)
}

// Reload re-reads the head (counts, columns) and the window from its
// first lead, keeping the cursor on its lead.
func (m *Model) Reload() tea.Cmd {
	if m.slug == "" || !m.loaded || len(m.rows) == 0 {
		return m.start(false)
	}
	m.window++
	m.pending = true
	req := model.LeadPageRequest{After: m.rows[0].id - 1, Limit: len(m.rows)}
	msg := pageMsg{query: m.query, window: m.window, place: refresh, anchor: m.rows[0].id}
	return tea.Batch(loadHead(m.backend, m.query, m.slug, m.filter, nil), loadPage(m.backend, msg, m.head.WorkspaceID, m.filter, req, m.head.Campaigns))
}

// Concerns: leads change through imports the screen does not hear of;
// the poll's Reload of the screen in front re-reads them.
func (m *Model) Concerns(model.ChangeSet) bool { return false }

// Capturing: the filter input has the keyboard.
func (m *Model) Capturing() bool { return m.filtering }

// SetSize sets the screen's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.input.SetWidth(max(1, w-4))
	m.clamp()
}

// SetTheme restyles the screen.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	v, f := m.input.Value(), m.filtering
	m.input = common.NewInput(th, "/")
	m.input.SetValue(v)
	if f {
		m.input.Focus()
	}
}

// Update handles keys, loads and the spinner.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case headMsg:
		return m.gotHead(msg)
	case pageMsg:
		return m.gotPage(msg)
	case spinner.TickMsg:
		if !m.loadingHead && !m.pending {
			return nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if m.filtering {
			return m.filterKey(msg)
		}
		return m.key(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return m.move(-3)
		case tea.MouseWheelDown:
			return m.move(3)
		}
	}
	return nil
}

func (m *Model) gotHead(msg headMsg) tea.Cmd {
	if msg.query != m.query {
		return nil
	}
	m.loadingHead = false
	if msg.err != nil {
		m.err = msg.err.Error()
		return nil
	}
	m.head, m.loaded = msg.head, true
	if msg.rows == nil { // a Reload's head: the rows come in their own page
		return nil
	}
	m.rows = msg.rows
	m.measure(msg.rows)
	m.atStart, m.atEnd = true, len(msg.rows) < PageSize
	m.cursor, m.offset = 0, 0
	return nil
}

func (m *Model) gotPage(msg pageMsg) tea.Cmd {
	if msg.query != m.query || msg.window != m.window {
		return nil
	}
	m.pending = false
	if msg.err != nil {
		m.err = msg.err.Error()
		return nil
	}
	m.err = ""
	m.measure(msg.rows)
	n := len(msg.rows)
	switch msg.place {
	case replaceFirst:
		m.rows, m.atStart, m.atEnd = msg.rows, true, n < PageSize
		m.cursor, m.offset = 0, 0
	case replaceLast:
		m.rows, m.atStart, m.atEnd = msg.rows, n < PageSize, true
		m.cursor = max(0, n-1)
		m.offset = m.cursor
	case appendAfter:
		if len(m.rows) == 0 || m.rows[len(m.rows)-1].id != msg.anchor {
			return nil
		}
		m.rows = append(m.rows, msg.rows...)
		m.atEnd = n < PageSize
		if drop := len(m.rows) - WindowPages*PageSize; drop > 0 {
			m.rows = append([]row(nil), m.rows[drop:]...)
			m.cursor, m.offset, m.atStart = m.cursor-drop, m.offset-drop, false
		}
	case prependBefore:
		if len(m.rows) == 0 || m.rows[0].id != msg.anchor {
			return nil
		}
		m.rows = append(append(make([]row, 0, n+len(m.rows)), msg.rows...), m.rows...)
		m.cursor, m.offset = m.cursor+n, m.offset+n
		m.atStart = n < PageSize
		if keep := WindowPages * PageSize; len(m.rows) > keep {
			m.rows, m.atEnd = m.rows[:keep], false
		}
	case refresh:
		id := int64(0)
		if m.cursor < len(m.rows) {
			id = m.rows[m.cursor].id
		}
		line := m.cursor - m.offset
		m.rows = msg.rows
		m.cursor = 0
		for i, r := range m.rows {
			if r.id <= id {
				m.cursor = i
			}
		}
		m.offset = m.cursor - line
		if len(m.rows) < PageSize {
			m.atEnd = true
		}
	}
	m.clamp()
	return m.prefetch()
}

// bodyHeight is the number of row lines: the pane minus its border, the
// column header and the filter line.
func (m *Model) bodyHeight() int { return max(1, m.h-2-1-m.filterLines()) }

func (m *Model) filterLines() int {
	switch {
	case m.filtering && m.filterErr != "":
		return 2
	case m.filtering || len(m.filter.Terms) > 0:
		return 1
	}
	return 0
}

func (m *Model) clamp() {
	n := len(m.rows)
	m.cursor = max(0, min(m.cursor, n-1))
	bh := m.bodyHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+bh {
		m.offset = m.cursor - bh + 1
	}
	m.offset = max(0, min(m.offset, n-bh))
}

// move moves the cursor within the window, then asks for the next page
// when it nears an edge that is not the end of the leads.
func (m *Model) move(d int) tea.Cmd {
	m.cursor += d
	m.clamp()
	return m.prefetch()
}

// prefetch asks for the page past the nearer edge when the cursor is
// within a screen and a half of it: it arrives before the cursor gets
// there at any sane key rate.
func (m *Model) prefetch() tea.Cmd {
	if m.pending || m.loadingHead || len(m.rows) == 0 || !m.loaded {
		return nil
	}
	margin := m.bodyHeight()*3/2 + 1
	switch {
	case !m.atEnd && len(m.rows)-1-m.cursor < margin:
		last := m.rows[len(m.rows)-1].id
		return m.page(appendAfter, last, model.LeadPageRequest{After: last, Limit: PageSize})
	case !m.atStart && m.cursor < margin:
		first := m.rows[0].id
		return m.page(prependBefore, first, model.LeadPageRequest{Before: first, Limit: PageSize})
	}
	return nil
}

func (m *Model) page(place placement, anchor int64, req model.LeadPageRequest) tea.Cmd {
	m.pending = true
	msg := pageMsg{query: m.query, window: m.window, place: place, anchor: anchor}
	return tea.Batch(loadPage(m.backend, msg, m.head.WorkspaceID, m.filter, req, m.head.Campaigns), m.spin.Tick)
}

// jump replaces the window with the first or last page, unless the window
// already holds that end.
func (m *Model) jump(last bool) tea.Cmd {
	if !m.loaded {
		return nil
	}
	if (!last && m.atStart) || (last && m.atEnd) {
		if m.pending { // a jump (or page) asked before this key is moot now
			m.window++
			m.pending = false
		}
		if last {
			m.cursor = len(m.rows) - 1
		} else {
			m.cursor = 0
		}
		m.clamp()
		return m.prefetch()
	}
	m.window++
	place, req := replaceFirst, model.LeadPageRequest{Limit: PageSize}
	if last {
		place, req = replaceLast, model.LeadPageRequest{Last: true, Limit: PageSize}
	}
	return m.page(place, 0, req)
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Up):
		return m.move(-1)
	case key.Matches(msg, k.Down):
		return m.move(1)
	case key.Matches(msg, k.PageUp):
		return m.move(-m.bodyHeight())
	case key.Matches(msg, k.PageDown):
		return m.move(m.bodyHeight())
	case key.Matches(msg, k.Top):
		return m.jump(false)
	case key.Matches(msg, k.Bottom):
		return m.jump(true)
	case key.Matches(msg, k.Left):
		m.col = max(0, m.col-1)
	case key.Matches(msg, k.Right):
		m.col = min(m.col+1, max(0, m.scrollable()-1))
	case key.Matches(msg, k.Filter):
		m.filtering = true
		m.input.SetValue(m.filter.String())
		if m.filterErr != "" {
			m.input.SetValue(m.typed)
		}
		m.input.CursorEnd()
		m.clamp()
		return m.input.Focus()
	}
	return nil
}

func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Apply):
		f, err := model.ParseLeadFilter(m.input.Value())
		if err != nil {
			m.filterErr = err.Error()
			m.typed = m.input.Value()
			m.clamp()
			return nil
		}
		m.filtering, m.filterErr, m.typed = false, "", ""
		m.input.Blur()
		m.filter = f
		m.clamp()
		return m.start(false)
	case key.Matches(msg, m.keys.Cancel):
		m.filtering, m.filterErr, m.typed = false, "", ""
		m.input.Blur()
		m.clamp()
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	if m.filtering {
		return []key.Binding{m.keys.Apply, m.keys.Cancel}
	}
	return []key.Binding{m.keys.Filter, m.keys.Top, m.keys.Bottom, m.keys.Left, m.keys.Right}
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Left, k.Right, k.Filter, k.Apply, k.Cancel}}
}

// title is the pane's title: the workspace, how many leads, the filter.
func (m *Model) title() string {
	t := "Leads of " + m.slug
	if !m.loaded {
		return t
	}
	switch h := m.head; {
	case h.Filtered && h.Capped:
		t += fmt.Sprintf(" [%s+ of %s]", common.Count(model.LeadCountCap), common.Count(h.Total))
	case h.Filtered:
		t += fmt.Sprintf(" [%s of %s]", common.Count(h.Matching), common.Count(h.Total))
	default:
		t += fmt.Sprintf(" [%s]", common.Count(h.Total))
	}
	return t
}
