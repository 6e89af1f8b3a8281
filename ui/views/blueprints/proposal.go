package blueprints

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// ProposedMsg answers the proposal's read of n8n; StoredMsg answers the
// store. Seq is the request they answer: an answer to a request the
// screen has since left (esc, another capture) is dropped.
type (
	ProposedMsg struct {
		Seq      int
		Proposal model.CaptureProposal
		Err      error
	}
	StoredMsg struct {
		Seq    int
		Result model.CaptureResult
		Err    error
	}
)

type proposalPhase int

const (
	reading proposalPhase = iota
	deciding
	storing
	readFailed
)

// choice is the operator's decision on one proposed variable.
type choice struct {
	take bool
	name string
}

// Proposal is the capture's confirm step: each proposed variable with a
// checkbox (space), a name the operator may change (e), enter stores the
// version as decided, esc leaves and stores nothing.
type Proposal struct {
	backend WriteBackend
	theme   *themes.Theme
	req     CaptureRequest
	phase   proposalPhase
	seq     int
	cancel  context.CancelFunc
	p       model.CaptureProposal
	choices []choice
	cursor  int
	top     int
	editing bool
	adding  bool // the input names a new value (VALUE=NAME), not a new name
	input   textinput.Model
	problem []string // the last refusal, line by line, with what to do
	spin    spinner.Model
	w, h    int

	toggle, rename, add, store, esc, up, down, again key.Binding
}

// NewProposal builds the screen; Open starts a capture's read.
func NewProposal(b WriteBackend, th *themes.Theme) *Proposal {
	s := &Proposal{backend: b, theme: th,
		toggle: key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "take/keep")),
		rename: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "rename")),
		add:    key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "add a value")),
		store:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "store")),
		esc:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		up:     key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		down:   key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		again:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "read n8n again"))}
	s.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	s.SetTheme(th)
	return s
}

// Open reads the workspace of a CaptureRequest from n8n.
func (s *Proposal) Open(arg any) tea.Cmd {
	req, ok := arg.(CaptureRequest)
	if !ok {
		return nil
	}
	s.req = req
	return s.read()
}

func (s *Proposal) read() tea.Cmd {
	s.stop()
	s.seq++
	s.phase, s.problem, s.editing, s.cursor, s.top = reading, nil, false, 0, 0
	s.p, s.choices = model.CaptureProposal{}, nil
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	s.cancel = cancel
	b, req, seq := s.backend, s.req, s.seq
	return tea.Batch(s.spin.Tick, func() tea.Msg {
		p, err := b.ProposeCapture(ctx, req.Blueprint, req.Workspace)
		return ProposedMsg{Seq: seq, Proposal: p, Err: err}
	})
}

// stop cancels the work in flight, if any.
func (s *Proposal) stop() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// Close stops a read still running when the screen leaves the stack.
func (s *Proposal) Close() { s.stop(); s.seq++ }

// Init does nothing: Open starts the read.
func (s *Proposal) Init() tea.Cmd { return nil }

// Update drives the read, the decisions and the store.
func (s *Proposal) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ProposedMsg:
		if msg.Seq != s.seq || s.phase != reading {
			return nil
		}
		s.stop()
		if msg.Err != nil {
			s.phase, s.problem = readFailed, explain(msg.Err, true)
			return nil
		}
		s.phase, s.p = deciding, msg.Proposal
		s.choices = make([]choice, len(s.p.Variables))
		for i, pv := range s.p.Variables {
			s.choices[i] = choice{take: pv.On, name: pv.Name}
		}
		return nil
	case StoredMsg:
		if msg.Seq != s.seq || s.phase != storing {
			return nil
		}
		s.stop()
		if msg.Err != nil {
			s.phase, s.problem = deciding, explain(msg.Err, false)
			return nil
		}
		r := msg.Result
		text := fmt.Sprintf("blueprint %s: version %d stored, captured from %s (%d substitutions)", s.req.Blueprint, r.Version.Version, s.req.Workspace, len(r.Prepared.Substitutions))
		if !r.Created {
			text = fmt.Sprintf("blueprint %s: unchanged: same as v%d (%d substitutions)", s.req.Blueprint, r.Version.Version, len(r.Prepared.Substitutions))
		}
		done, name := common.Done(text), s.req.Blueprint
		return tea.Batch(func() tea.Msg { return done }, func() tea.Msg { return common.OpenMsg{Screen: "blueprints", Arg: Stored{Blueprint: name}} })
	case spinner.TickMsg:
		if s.phase != reading && s.phase != storing {
			return nil
		}
		var cmd tea.Cmd
		s.spin, cmd = s.spin.Update(msg)
		return cmd
	case tea.KeyPressMsg:
		if s.editing {
			return s.editKey(msg)
		}
		return s.key(msg)
	}
	return nil
}

func (s *Proposal) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, s.esc):
		if s.phase == storing {
			return nil // the store is under way: its answer says what happened
		}
		s.stop()
		s.seq++
		return tea.Batch(func() tea.Msg { return common.BackMsg{} },
			func() tea.Msg { return common.Note("capture cancelled: nothing was stored") })
	case s.phase == readFailed && key.Matches(msg, s.again):
		return s.read()
	case s.phase != deciding:
		return nil
	case key.Matches(msg, s.up):
		s.cursor = max(0, s.cursor-1)
	case key.Matches(msg, s.down):
		s.cursor = min(len(s.choices)-1, s.cursor+1)
	case key.Matches(msg, s.toggle) && len(s.choices) > 0:
		s.choices[s.cursor].take = !s.choices[s.cursor].take
	case key.Matches(msg, s.rename) && len(s.choices) > 0:
		s.editing, s.adding, s.problem = true, false, nil
		s.setPrompt("name: ")
		s.input.SetValue(s.choices[s.cursor].name)
		s.input.CursorEnd()
		return s.input.Focus()
	case key.Matches(msg, s.add):
		s.editing, s.adding, s.problem = true, true, nil
		s.setPrompt("VALUE=YOUR_NAME: ")
		s.input.SetValue("")
		return s.input.Focus()
	case key.Matches(msg, s.store):
		return s.storeCmd()
	}
	return nil
}

// editKey is the rename's input: enter takes a name the model would take
// (a YOUR_ variable), esc leaves the name as it was.
func (s *Proposal) editKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		s.editing, s.adding, s.problem = false, false, nil
		s.input.Blur()
		return nil
	case "enter":
		if s.adding {
			return s.addValue()
		}
		name := strings.TrimSpace(s.input.Value())
		if err := blueprint.CheckTokenName(name); err != nil {
			s.problem = []string{safetext.Line(err.Error())}
			return nil
		}
		s.choices[s.cursor].name, s.choices[s.cursor].take = name, true
		s.editing, s.problem = false, nil
		s.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return cmd
}

// addValue takes the input's VALUE=NAME as one more variable, taken, with
// the cursor on it; what the model refuses stays in the input, said.
func (s *Proposal) addValue() tea.Cmd {
	t, err := blueprint.ParseTokenize(strings.TrimSpace(s.input.Value()))
	if err == nil {
		t.Why = "added by you"
		var p model.CaptureProposal
		if p, err = s.p.WithValue(t); err == nil {
			s.p = p
			s.choices = append(s.choices, choice{take: true, name: t.Name})
			s.cursor = len(s.choices) - 1
			s.editing, s.adding, s.problem = false, false, nil
			s.input.Blur()
			return nil
		}
	}
	s.problem = []string{safetext.Line(strings.TrimPrefix(err.Error(), "--tokenize "))}
	return nil
}

// Tokens are the decisions as the model takes them: each value taken,
// under the name chosen.
func (s *Proposal) Tokens() []blueprint.Token {
	var out []blueprint.Token
	for i, c := range s.choices {
		if c.take {
			t := s.p.Variables[i].Token
			t.Name = c.name
			out = append(out, t)
		}
	}
	return out
}

func (s *Proposal) storeCmd() tea.Cmd {
	s.seq++
	s.phase, s.problem = storing, nil
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	s.cancel = cancel
	b, p, tokens, seq := s.backend, s.p, s.Tokens(), s.seq
	return tea.Batch(s.spin.Tick, func() tea.Msg {
		r, err := b.StoreCapture(ctx, p, tokens)
		return StoredMsg{Seq: seq, Result: r, Err: err}
	})
}

// explain is a refusal as lines: the model's message (a secret or a bad
// workflow named by file, node and field, one per line) and what to do.
func explain(err error, reading bool) []string {
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = safetext.Line(l); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	var re *blueprint.RefusedError
	switch {
	case errors.Is(err, model.ErrForbidden):
		out = append(out, "captures are for a super admin's read-write session")
	case errors.As(err, &re) && strings.Contains(err.Error(), "a secret"):
		out = append(out, "remove the secret from the workflow in n8n (use a credential), then read again (r); a reviewed exception is for imports only: godmode blueprint import --allow-secret NODE:FIELD")
	case errors.As(err, &re):
		out = append(out, "fix the workflow in n8n, then read again (r)")
	case errors.Is(err, model.ErrInvalid):
		if !reading {
			out = append(out, "change the decision (space, e), then enter")
		}
	case reading:
		out = append(out, "n8n did not give the workflows: check the instance on :instances, then read again (r)")
	}
	return out
}

// setPrompt names what the input takes, and keeps prompt and text inside
// the pane (the longer VALUE=YOUR_NAME prompt ran past its border).
func (s *Proposal) setPrompt(p string) {
	s.input.Prompt = p
	s.fitInput()
}

// fitInput sizes the input's text to the pane less its border and prompt.
func (s *Proposal) fitInput() {
	s.input.SetWidth(max(10, s.w-4-ansi.StringWidth(s.input.Prompt)))
}

// SetSize sets the screen's area.
func (s *Proposal) SetSize(w, h int) {
	s.w, s.h = w, h
	s.fitInput()
}

// SetTheme restyles the screen.
func (s *Proposal) SetTheme(th *themes.Theme) {
	s.theme = th
	s.spin.Style = th.SwitchPending
	v := s.input.Value()
	s.input = common.NewInput(th, "name: ")
	s.input.SetValue(v)
	s.fitInput()
}

// Capturing: the screen is a decision to confirm or cancel, so esc is its
// own (it says nothing was stored) and typed names reach the input.
func (s *Proposal) Capturing() bool { return true }

// ShortHelp is the footer: the keys of the phase.
func (s *Proposal) ShortHelp() []key.Binding {
	switch {
	case s.editing:
		set := "set name"
		if s.adding {
			set = "add it"
		}
		return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", set)),
			// Two keys (ctrl+[ is esc on a terminal), so the root does not
			// name this esc "back": here it only leaves the name as it was.
			key.NewBinding(key.WithKeys("esc", "ctrl+["), key.WithHelp("esc", "leave it"))}
	case s.phase == deciding:
		return []key.Binding{s.toggle, s.rename, s.store, s.esc, s.add, s.down, s.up}
	case s.phase == readFailed:
		return []key.Binding{s.again, s.esc}
	case s.phase == storing:
		return nil
	}
	return []key.Binding{s.esc}
}

// FullHelp is the "?" help.
func (s *Proposal) FullHelp() [][]key.Binding {
	return [][]key.Binding{{s.toggle, s.rename, s.add, s.store, s.up, s.down, s.again, s.esc}}
}

// Concerns: the proposal is what n8n held when read; nothing else moves it.
func (s *Proposal) Concerns(model.ChangeSet) bool { return false }

// Reload does nothing: r reads again after a failure.
func (s *Proposal) Reload() tea.Cmd { return nil }

// View draws the proposal in a pane.
func (s *Proposal) View() string {
	th := s.theme
	inner := max(1, s.w-2)
	title := fmt.Sprintf("capture %s into blueprint %s", s.req.Workspace, s.req.Blueprint)
	var lines []string
	add := func(st func(...string) string, l string) { lines = append(lines, common.Fit(st(l), inner)) }
	addPlain := func(l string) { lines = append(lines, common.Fit(l, inner)) }
	switch s.phase {
	case reading:
		addPlain(s.spin.View() + " " + th.Muted.Render("reading the workflows of "+s.req.Workspace+" from n8n…"))
	case storing:
		addPlain(s.spin.View() + " " + th.Muted.Render("storing the version…"))
	case readFailed:
		add(th.StatusError.Render, "nothing was read, nothing stored:")
		for _, l := range wrapped(s.problem, inner) {
			add(th.Error.Render, l)
		}
	case deciding:
		lines = s.decisionLines(inner)
	}
	rows := max(1, s.h-2)
	if len(lines) > rows {
		lines = lines[:rows]
	}
	return common.Box(th.PaneFocused, th.PaneTitleFocused, safetext.Line(title), strings.Join(lines, "\n"), s.w, s.h)
}

// decisionLines are the variables, one row each (scrolled to keep the
// cursor on screen), then the selected one's places and what was left out.
func (s *Proposal) decisionLines(inner int) []string {
	th := s.theme
	taken := 0
	for _, c := range s.choices {
		if c.take {
			taken++
		}
	}
	head := fmt.Sprintf("%d workflow(s) read; %d of %d proposed value(s) become variables", len(s.p.Workflows), taken, len(s.choices))
	out := []string{common.Fit(th.Muted.Render(head), inner)}
	var tail []string
	if len(s.choices) > 0 {
		pv := s.p.Variables[s.cursor]
		at := wrapped([]string{safetext.Line(pv.Why + ": " + where(pv))}, inner)
		for _, l := range at[:min(2, len(at))] {
			tail = append(tail, common.Fit(th.Muted.Render(l), inner))
		}
	} else {
		tail = append(tail, common.Fit(th.Muted.Render("no value of the workspace was found to propose: enter stores the workflows as they are"), inner))
	}
	for _, g := range s.p.Gone {
		tail = append(tail, common.Fit(th.Warn.Render(safetext.Line("left out: campaign "+g+", whose workflow is gone from n8n")), inner))
	}
	if s.editing {
		tail = append(tail, common.Fit(s.input.View(), inner))
	}
	for _, l := range wrapped(s.problem, inner) {
		tail = append(tail, common.Fit(th.Error.Render(l), inner))
	}
	room := max(1, s.h-2-len(out)-len(tail))
	if s.cursor < s.top {
		s.top = s.cursor
	}
	if s.cursor >= s.top+room {
		s.top = s.cursor - room + 1
	}
	nameW := 8
	for _, c := range s.choices {
		nameW = max(nameW, len(c.name))
	}
	nameW = min(nameW, max(8, inner-46)) // the places and some of the value stay on the row
	for i := s.top; i < len(s.choices) && i < s.top+room; i++ {
		c, pv := s.choices[i], s.p.Variables[i]
		box := "[ ]"
		if c.take {
			box = "[x]"
		}
		n := len(pv.Where)
		places := fmt.Sprintf("%d place(s) in %d workflow(s)", n, len(pv.Workflows()))
		row := fmt.Sprintf("%s %-*s  %s  %s", box, nameW, common.Fit(safetext.Line(c.name), nameW), places, safetext.Line(pv.Value))
		st := th.Row
		if i == s.cursor {
			st = th.RowSelected
		}
		out = append(out, st.Render(common.Fit(row, inner)))
	}
	return append(out, tail...)
}

// where names a variable's places as workflow / node: path, the first few.
func where(pv model.ProposedVariable) string {
	var at []string
	for i, w := range pv.Where {
		if i == 3 {
			at = append(at, fmt.Sprintf("… %d more", len(pv.Where)-3))
			break
		}
		at = append(at, w.Place()+": "+w.Path)
	}
	return strings.Join(at, ", ")
}
