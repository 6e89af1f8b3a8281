package blueprints

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// ImportedMsg answers an import; Seq drops the answer to an import the
// screen has left.
type ImportedMsg struct {
	Seq    int
	Result model.ImportResult
	Err    error
}

// Importing runs one import (the model reads the files, capped, and
// checks them) and shows its report: the version stored, or every
// warning and refusal naming file, node and field.
type Importing struct {
	backend WriteBackend
	theme   *themes.Theme
	req     ImportRequest
	seq     int
	running bool
	stored  bool
	cancel  context.CancelFunc
	lines   []string // the report, styled
	top     int
	spin    spinner.Model
	w, h    int

	back, up, down key.Binding
}

// NewImporting builds the screen; Open runs an ImportRequest.
func NewImporting(b WriteBackend, th *themes.Theme) *Importing {
	s := &Importing{backend: b, theme: th,
		back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to blueprints")),
		up:   key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		down: key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down"))}
	s.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	s.SetTheme(th)
	return s
}

// Open runs the import of an ImportRequest.
func (s *Importing) Open(arg any) tea.Cmd {
	req, ok := arg.(ImportRequest)
	if !ok {
		return nil
	}
	s.Close()
	s.req, s.running, s.stored, s.lines, s.top = req, true, false, nil, 0
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	s.cancel = cancel
	b, seq := s.backend, s.seq
	return tea.Batch(s.spin.Tick, func() tea.Msg {
		r, err := b.ImportBlueprintFiles(ctx, req.Blueprint, []string{req.Path})
		return ImportedMsg{Seq: seq, Result: r, Err: err}
	})
}

// Close forgets the import in flight when the screen leaves the stack.
func (s *Importing) Close() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.seq++
}

// Init does nothing: Open runs the import.
func (s *Importing) Init() tea.Cmd { return nil }

// Update shows the report and scrolls it.
func (s *Importing) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ImportedMsg:
		if msg.Seq != s.seq || !s.running {
			return nil
		}
		s.running = false
		if s.cancel != nil {
			s.cancel()
			s.cancel = nil
		}
		s.lines = s.report(msg.Result, msg.Err)
		if msg.Err != nil {
			return func() tea.Msg {
				return common.Problem("import refused: nothing was stored (the reasons are on screen)")
			}
		}
		s.stored = true
		r := msg.Result
		text := fmt.Sprintf("blueprint %s: version %d stored", s.req.Blueprint, r.Version.Version)
		if !r.Created {
			text = fmt.Sprintf("blueprint %s: unchanged: same as v%d", s.req.Blueprint, r.Version.Version)
		}
		return func() tea.Msg { return common.Done(text) }
	case spinner.TickMsg:
		if !s.running {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		switch {
		case s.running:
			return nil // the import is under way: its answer says what happened
		case key.Matches(msg, s.back):
			name := s.req.Blueprint
			if s.stored {
				return func() tea.Msg { return common.OpenMsg{Screen: "blueprints", Arg: Stored{Blueprint: name}} }
			}
			return func() tea.Msg { return common.BackMsg{} }
		case key.Matches(msg, s.up):
			s.top = max(0, s.top-1)
		case key.Matches(msg, s.down):
			s.top = min(max(0, len(wrapped(s.lines, max(1, s.w-2)))-s.rows()), s.top+1)
		}
	}
	return nil
}

func (s *Importing) report(r model.ImportResult, err error) []string {
	th := s.theme
	var out []string
	if err != nil {
		out = append(out, th.StatusError.Render("refused, nothing stored:"))
		for _, l := range strings.Split(err.Error(), "\n") {
			if l = safetext.Line(l); strings.TrimSpace(l) != "" {
				out = append(out, th.Error.Render(l))
			}
		}
		var re *blueprint.RefusedError
		switch {
		case errors.As(err, &re) && strings.Contains(err.Error(), "a secret"):
			out = append(out, "", th.Bold.Render("remove the secret from the file, or after review import it with the CLI:"),
				th.Text.Render("  godmode blueprint import --allow-secret NODE:FIELD "+safetext.Line(s.req.Blueprint)+" FILE…"))
		case errors.Is(err, model.ErrForbidden):
			out = append(out, th.Text.Render("imports are for a super admin's read-write session"))
		case errors.Is(err, blueprint.ErrRefused):
			out = append(out, th.Text.Render("fix the files (or the path), then import again (i)"))
		}
		return out
	}
	nodes := 0
	for _, w := range r.Prepared.Workflows {
		nodes += w.Nodes
	}
	head := fmt.Sprintf("version %d stored: %d workflow(s), %d nodes", r.Version.Version, len(r.Prepared.Workflows), nodes)
	if !r.Created {
		head = fmt.Sprintf("unchanged: same as v%d (%d workflow(s))", r.Version.Version, len(r.Prepared.Workflows))
	}
	out = append(out, th.StatusOK.Render(head))
	rep := r.Prepared.Report
	out = append(out, th.Text.Render(fmt.Sprintf("%d variable(s), %d credential slot(s), %d webhook(s), %d hardcoded candidate(s), %d lead column(s)",
		len(rep.Variables), len(rep.Credentials), len(rep.Webhooks), len(rep.Hardcoded), len(rep.LeadColumns))))
	if n := len(r.Prepared.Warnings); n > 0 {
		out = append(out, "", th.Warn.Render(fmt.Sprintf("%d warning(s):", n)))
		for _, w := range r.Prepared.Warnings {
			out = append(out, th.Warn.Render(safetext.Line(w.String())))
		}
	}
	return out
}

func (s *Importing) rows() int { return max(1, s.h-2) }

// wrapped breaks the report's lines to the pane's width: a refusal or a
// warning names file, node and field, and all of it is to be read.
func wrapped(lines []string, w int) []string {
	var out []string
	for _, l := range lines {
		out = append(out, strings.Split(ansi.Wrap(l, w, " /,"), "\n")...)
	}
	return out
}

// View draws the report in a pane.
func (s *Importing) View() string {
	inner := max(1, s.w-2)
	title := "import into blueprint " + s.req.Blueprint
	if s.running {
		body := s.spin.View() + " " + s.theme.Muted.Render("reading and checking "+safetext.Line(s.req.Path)+"…")
		return common.Box(s.theme.PaneFocused, s.theme.PaneTitleFocused, title, common.Fit(body, inner), s.w, s.h)
	}
	lines := wrapped(s.lines, inner)
	s.top = min(s.top, max(0, len(lines)-s.rows()))
	end := min(len(lines), s.top+s.rows())
	shown := make([]string, 0, end-s.top)
	for _, l := range lines[s.top:end] {
		shown = append(shown, common.Fit(l, inner))
	}
	return common.Box(s.theme.PaneFocused, s.theme.PaneTitleFocused, title, strings.Join(shown, "\n"), s.w, s.h)
}

// SetSize sets the screen's area.
func (s *Importing) SetSize(w, h int) { s.w, s.h = w, h }

// SetTheme restyles the screen (a report shown keeps its styles).
func (s *Importing) SetTheme(th *themes.Theme) { s.theme = th; s.spin.Style = th.SwitchPending }

// Capturing: esc is the screen's own (after a store it brings the list
// back on the blueprint; while the import runs it waits).
func (s *Importing) Capturing() bool { return true }

// ShortHelp is the footer.
func (s *Importing) ShortHelp() []key.Binding {
	if s.running {
		return nil
	}
	return []key.Binding{s.down, s.up, s.back}
}

// FullHelp is the "?" help.
func (s *Importing) FullHelp() [][]key.Binding { return [][]key.Binding{{s.up, s.down, s.back}} }

// Concerns: a report is what one import did.
func (s *Importing) Concerns(model.ChangeSet) bool { return false }

// Reload does nothing.
func (s *Importing) Reload() tea.Cmd { return nil }
