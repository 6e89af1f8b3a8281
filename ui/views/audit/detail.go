package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// EntryScreen is the id of the screen that shows one audit entry; enter
// on a row of the trail opens it.
const EntryScreen = "audit-entry"

// Entry is what the entry screen is opened on: the row, and its
// workspace's slug as the trail knew it.
type Entry struct {
	Entry     model.AuditEntry
	Workspace string
}

type detailKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Back key.Binding
}

// Detail is the whole of one audit entry: who did what where, how it
// ended, and the state before and after, every field cleaned of control
// characters, scrollable when taller than the screen.
type Detail struct {
	theme *themes.Theme
	now   common.Clock
	keys  detailKeys
	entry Entry
	lines []string // unwrapped, cleaned
	top   int
	w, h  int
}

// NewDetail builds the entry screen; it shows nothing until Open.
func NewDetail(th *themes.Theme, now common.Clock) *Detail {
	return &Detail{theme: th, now: now, keys: detailKeys{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	}}
}

// Open shows e (an Entry) from its top.
func (d *Detail) Open(e any) tea.Cmd {
	if en, ok := e.(Entry); ok {
		d.entry, d.top = en, 0
		d.build()
	}
	return nil
}

// Shown is the entry on the screen.
func (d *Detail) Shown() model.AuditEntry { return d.entry.Entry }

func (d *Detail) build() {
	th, e := d.theme, d.entry.Entry
	label := func(s string) string { return th.Muted.Render(fmt.Sprintf("%-11s", s)) }
	field := func(name, value string) string { return label(name) + safetext.Line(value) }
	actor := e.ActorName
	if e.ActorUserID != nil {
		actor += fmt.Sprintf(" (user %d)", *e.ActorUserID)
	}
	ws := d.entry.Workspace
	if ws == "" {
		ws = e.WorkspaceSlug
	}
	if ws == "" && e.WorkspaceID != nil {
		ws = fmt.Sprintf("#%d", *e.WorkspaceID)
	}
	if ws == "" {
		ws = "-"
	}
	lines := []string{
		field("when", e.At.UTC().Format("2006-01-02 15:04:05 UTC")+" ("+common.Ago(d.now(), e.At)+")"),
		field("actor", actor),
	}
	if e.KeyFingerprint != "" {
		lines = append(lines, field("key", e.KeyFingerprint))
	}
	lines = append(lines,
		field("action", e.Action),
		field("workspace", ws),
		field("campaign", campaignText(e)),
		label("outcome")+outcomeStyle(th, e.Outcome).Render(safetext.Line(string(e.Outcome))),
	)
	if e.Error != "" {
		lines = append(lines, label("error")+th.Error.Render(safetext.Line(e.Error)))
	}
	if ch := e.Change(); ch != "" && e.Error == "" {
		lines = append(lines, field("change", ch))
	}
	lines = append(lines, "")
	lines = append(lines, pretty(th, "before", e.Before)...)
	lines = append(lines, "")
	lines = append(lines, pretty(th, "after", e.After)...)
	d.lines = lines
}

// pretty is a JSON document indented, or said to be absent; what is not
// JSON is shown as text. Either way cleaned: it is data.
func pretty(th *themes.Theme, name string, raw json.RawMessage) []string {
	head := th.DialogTitle.Render(name)
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return []string{head + th.Muted.Render(" (none)")}
	}
	var buf bytes.Buffer
	text := string(raw)
	if json.Indent(&buf, raw, "  ", "  ") == nil {
		text = "  " + buf.String()
	}
	out := []string{head}
	for _, l := range strings.Split(safetext.Text(text), "\n") {
		out = append(out, strings.ReplaceAll(l, "\t", "  "))
	}
	return out
}

// wrapped is the content cut to the pane's inner width, long lines
// continued on the next.
func (d *Detail) wrapped() []string {
	w := max(1, d.w-2)
	var out []string
	for _, l := range d.lines {
		out = append(out, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
	}
	return out
}

func (d *Detail) rows() int { return max(1, d.h-2) }

func (d *Detail) scroll(n int) {
	maxTop := max(0, len(d.wrapped())-d.rows())
	d.top = min(max(d.top+n, 0), maxTop)
}

// Update scrolls.
func (d *Detail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		k := d.keys
		switch {
		case key.Matches(msg, k.Up):
			d.scroll(-1)
		case key.Matches(msg, k.Down):
			d.scroll(1)
		case key.Matches(msg, k.PageUp):
			d.scroll(-d.rows())
		case key.Matches(msg, k.PageDown):
			d.scroll(d.rows())
		case key.Matches(msg, k.Top):
			d.top = 0
		case key.Matches(msg, k.Bottom):
			d.scroll(len(d.lines) * 4)
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			d.scroll(-3)
		case tea.MouseWheelDown:
			d.scroll(3)
		}
	}
	return nil
}

// View draws the entry in a pane.
func (d *Detail) View() string {
	all := d.wrapped()
	rows := d.rows()
	top := min(d.top, max(0, len(all)-rows))
	shown := all[top:min(len(all), top+rows)]
	title := fmt.Sprintf("Audit entry #%d", d.entry.Entry.ID)
	if len(all) > rows {
		title += fmt.Sprintf(" · lines %d–%d of %d", top+1, top+len(shown), len(all))
	}
	return common.Box(d.theme.PaneFocused, d.theme.PaneTitleFocused, title, strings.Join(shown, "\n"), d.w, d.h)
}

// SetSize sets the screen's area.
func (d *Detail) SetSize(w, h int) {
	d.w, d.h = w, h
	d.scroll(0)
}

// SetTheme restyles the screen.
func (d *Detail) SetTheme(th *themes.Theme) {
	d.theme = th
	d.build()
}

// Init does nothing: Open shows the entry.
func (d *Detail) Init() tea.Cmd { return nil }

// Capturing: the entry screen has no input of its own.
func (d *Detail) Capturing() bool { return false }

// ShortHelp is the footer.
func (d *Detail) ShortHelp() []key.Binding {
	return []key.Binding{d.keys.Down, d.keys.Up, d.keys.PageDown, d.keys.Top, d.keys.Bottom, d.keys.Back}
}

// FullHelp is the "?" help.
func (d *Detail) FullHelp() [][]key.Binding {
	k := d.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.Top, k.Bottom, k.Back}}
}
