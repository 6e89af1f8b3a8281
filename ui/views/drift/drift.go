// Package drift holds two views of what the sync loop found: ":drift",
// every recent finding newest first with whether sync corrected it or it
// needs a person, and ":unmanaged", the n8n workflows no campaign owns.
package drift

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
	"github.com/godmode-console/godmode/ui/components/table"
)

// Backend is the part of ui.Backend these views call.
type Backend interface {
	Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error)
	// Adopt and AdoptTagged serve the unmanaged view's a and A.
	Adopt(ctx context.Context, actor model.Actor, slug string, workflowIDs []string) ([]model.AdoptResult, error)
	AdoptTagged(ctx context.Context, actor model.Actor, slug string) ([]model.AdoptResult, error)
}

// Mode says which of the two views a Model is.
type Mode int

const (
	Recent    Mode = iota // ":drift": every recent finding
	Unmanaged             // ":unmanaged": open orphan_workflow findings
)

func (m Mode) String() string {
	if m == Unmanaged {
		return "unmanaged"
	}
	return "drift"
}

// Limit is how many findings one load shows.
const Limit = 500

// LoadTimeout bounds one load, so a hung database cannot hold the view.
const LoadTimeout = 15 * time.Second

// LoadedMsg carries one load; Seq drops answers to older loads.
type LoadedMsg struct {
	Mode     Mode
	Seq      int
	Findings []model.Finding
	Err      error
}

type keyMap struct {
	Table                    table.KeyMap
	Kind, Clear, Back        key.Binding
	Mark, Adopt, AdoptTagged key.Binding
}

// Model is one of the two views.
type Model struct {
	backend Backend
	mode    Mode
	theme   *themes.Theme
	now     common.Clock
	keys    keyMap
	kind    model.DriftKind // Recent only: "" for every kind
	seq     int
	loaded  bool
	err     error
	table   table.Model[model.Finding]
	w, h    int

	// The unmanaged view's adoption (adopt.go).
	actor     model.Actor
	readOnly  bool
	marks     map[int64]bool // finding ids
	dialog    *prompt.Model
	onConfirm func([]string) tea.Cmd
}

// New builds a view of the given mode; it loads when first shown.
func New(b Backend, mode Mode, th *themes.Theme, now common.Clock) *Model {
	m := &Model{backend: b, mode: mode, theme: th, now: now, marks: map[int64]bool{}}
	m.keys = keyMap{
		Table:       table.DefaultKeyMap(),
		Kind:        key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "cycle kind")),
		Clear:       key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "all kinds")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to fleet")),
		Mark:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark")),
		Adopt:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "adopt")),
		AdoptTagged: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "adopt all tagged")),
	}
	if mode == Unmanaged {
		m.keys.Kind.SetEnabled(false)
		m.keys.Clear.SetEnabled(false)
	}
	m.SetActor(model.Actor{}, true)
	m.build()
	return m
}

// SetActor says who works the view and whether the session may change
// anything: the adoption keys are there for a super admin in a session
// that is not read-only, in the unmanaged view only (the model decides
// again).
func (m *Model) SetActor(a model.Actor, readOnly bool) *Model {
	m.actor, m.readOnly = a, readOnly
	on := m.mayAdopt()
	m.keys.Mark.SetEnabled(on)
	m.keys.Adopt.SetEnabled(on)
	m.keys.AdoptTagged.SetEnabled(on)
	return m
}

func (m *Model) build() {
	cols := recentColumns(m.theme, m.now)
	if m.mode == Unmanaged {
		cols = unmanagedColumns(m.theme, m.now)
	}
	old := m.table
	m.table = table.New(m.theme, cols, func(f model.Finding) string { return strconv.FormatInt(f.ID, 10) }, haystack)
	m.table.SetFocused(true)
	m.table.SetRowStyle(func(f model.Finding) (*lipgloss.Style, bool) { return &m.theme.RowMarked, m.marks[f.ID] })
	m.table.Empty = m.empty()
	m.table.Keep(old)
	m.table.SetSize(m.w-2, m.h-2-detailLines(m.w))
}

func (m *Model) empty() string {
	switch {
	case !m.loaded:
		return "loading findings…"
	case m.mode == Unmanaged:
		return "every workflow sync has seen belongs to a campaign"
	case m.kind != "":
		return "no " + string(m.kind) + " findings"
	}
	return "no drift found: n8n and Postgres agree"
}

// Mode is which view this is.
func (m *Model) Mode() Mode { return m.mode }

// Filter is what a load asks for.
func (m *Model) Filter() model.FindingFilter {
	if m.mode == Unmanaged {
		return model.FindingFilter{Kind: model.DriftOrphanWorkflow, Open: true, Limit: Limit}
	}
	return model.FindingFilter{Kind: m.kind, Limit: Limit}
}

// Load asks for the findings now; the answer is a LoadedMsg.
func (m *Model) Load() tea.Cmd {
	m.seq++
	b, f, mode, seq := m.backend, m.Filter(), m.mode, m.seq
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), LoadTimeout)
		defer cancel()
		fs, err := b.Findings(ctx, f)
		return LoadedMsg{Mode: mode, Seq: seq, Findings: fs, Err: err}
	}
}

// Update handles loads, keys and the mouse.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case LoadedMsg:
		if msg.Mode != m.mode || msg.Seq != m.seq {
			return nil
		}
		m.err = msg.Err
		if msg.Err != nil {
			// Keep what was shown; the title says it is not current.
			return nil
		}
		m.loaded = true
		m.table.Empty = m.empty()
		m.table.SetRows(msg.Findings)
		m.pruneMarks()
		return nil
	case AdoptedMsg:
		return m.adopted(msg)
	case tea.KeyPressMsg:
		if m.dialog != nil {
			return m.updateDialog(msg)
		}
		if !m.table.Filtering() {
			switch {
			case key.Matches(msg, m.keys.Mark):
				return m.markKey()
			case key.Matches(msg, m.keys.Adopt):
				return m.adoptKey()
			case key.Matches(msg, m.keys.AdoptTagged):
				return m.adoptTaggedKey()
			case key.Matches(msg, m.keys.Kind):
				m.kind = common.Cycle(m.kind, model.DriftKinds)
				m.table.Empty = m.empty()
				return m.Load()
			case key.Matches(msg, m.keys.Clear):
				m.kind = ""
				m.table.Empty = m.empty()
				return m.Load()
			}
		}
	}
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(table.Inset(msg, 1, 1))
	return cmd
}

// Selected is the finding under the cursor.
func (m *Model) Selected() (model.Finding, bool) { return m.table.Selected() }

// Len is how many findings are shown.
func (m *Model) Len() int { return m.table.Len() }

// SetSize sets the view's area.
func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	m.table.SetSize(w-2, h-2-detailLines(w))
}

// SetTheme restyles the view.
func (m *Model) SetTheme(th *themes.Theme) {
	m.theme = th
	m.build()
}

// Capturing reports whether the filter input has the keyboard.
func (m *Model) Capturing() bool { return m.dialog != nil || m.table.Filtering() }

// ShortHelp is the footer.
func (m *Model) ShortHelp() []key.Binding {
	return m.table.Help(m.keys.Adopt, m.keys.AdoptTagged, m.keys.Mark, m.keys.Kind, m.keys.Back)
}

// FullHelp is the "?" help.
func (m *Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.keys.Table.Bindings(), {m.keys.Adopt, m.keys.AdoptTagged, m.keys.Mark, m.keys.Kind, m.keys.Clear, m.keys.Back}}
}

// View draws the findings in a pane. Its title says first what is shown,
// then whether it is current, then how to narrow it.
func (m *Model) View() string {
	var title, hint string
	if m.mode == Unmanaged {
		title = fmt.Sprintf("Unmanaged workflows [%d]", m.table.Len())
		if n := len(m.marks); n > 0 {
			title += fmt.Sprintf(" · %d marked", n)
		}
		hint = "in n8n, owned by no campaign: delete them in n8n or record them as campaigns"
		if m.mayAdopt() {
			hint = "in n8n, owned by no campaign: a adopts as campaigns, A adopts all tagged for a workspace"
		}
	} else {
		needs := 0
		for _, f := range m.table.Rows() {
			if needsYou(f) {
				needs++
			}
		}
		title = fmt.Sprintf("Drift [%d] · %d need you", m.table.Len(), needs)
		hint = "newest first (t: one kind)"
		if m.kind != "" {
			hint = "kind " + string(m.kind)
		}
	}
	if m.err != nil {
		title += " · NOT CURRENT: " + m.err.Error()
	}
	title += " · " + hint
	body := m.table.View() + "\n" + m.detail()
	out := common.Box(m.theme.PaneFocused, m.theme.PaneTitleFocused, title, body, m.w, m.h)
	if m.dialog != nil {
		m.dialog.MaxWidth = m.w
		out = common.Overlay(out, m.dialog.View(), m.w, m.h)
	}
	return out
}

// detailLines is the height of the selected finding's full text under
// the table: the detail column is cut on any terminal, and sync's details
// say what to do. A narrow screen gets a third line, or at 80 columns an
// unmanaged workflow's detail lost the workspace its tag names.
func detailLines(w int) int {
	if w < 120 {
		return 3
	}
	return 2
}

func (m *Model) detail() string {
	w, n := m.w-2, detailLines(m.w)
	f, ok := m.table.Selected()
	if !ok || w < 10 {
		return strings.Repeat("\n", n-1)
	}
	text := safetext.Line(fmt.Sprintf("%s %s · %s: %s", State(f), kindWord(f.Kind), where(f), detail(f)))
	lines := strings.Split(ansi.Wordwrap(text, w, " "), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1]+" …", w, "…")
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = m.theme.Muted.Render(common.Fit(l, w))
	}
	return strings.Join(lines, "\n")
}
