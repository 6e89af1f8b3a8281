package runs

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

// StepsMsg carries one read of a run and its steps.
type StepsMsg struct {
	Seq   int
	Run   model.ProvisioningRun
	Steps []model.ProvisioningStep
	Err   error
}

// Detail is one run: what it applied to, how it ended, what to do about
// it when it stopped, and its steps in order with their state.
type Detail struct {
	backend Backend
	opt     Options
	back    key.Binding
	tkeys   table.KeyMap
	run     model.RunSummary
	seq     int
	loaded  bool
	err     error
	table   table.Model[model.ProvisioningStep]
	rb      rollback
	w, h    int
}

// NewDetail builds the run screen; Open shows a run.
func NewDetail(b Backend, o Options) *Detail {
	d := &Detail{backend: b, opt: o, rb: newRollback(b, o), tkeys: table.DefaultKeyMap(),
		back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to runs"))}
	d.build()
	return d
}

type S = model.ProvisioningStep

// stepStyle colours a step's state.
func stepStyle(th *themes.Theme, st string) *lipgloss.Style {
	switch st {
	case genesis.StepDone:
		return &th.OK
	case genesis.StepFailed:
		return &th.Error
	case genesis.StepUndone:
		return &th.Muted
	}
	return &th.Warn // started: its outcome is unknown
}

func (d *Detail) build() {
	th := d.opt.Theme
	cols := []table.Column[S]{
		{Title: "#", Width: 3, Right: true, Cell: func(s S) string { return strconv.Itoa(s.Seq) },
			Compare: func(a, b S) int { return cmp.Compare(a.Seq, b.Seq) }},
		{Title: "KIND", Width: 18, MinWidth: 12, Cell: func(s S) string { return s.Kind },
			Compare: func(a, b S) int { return cmp.Compare(a.Kind, b.Kind) }},
		{Title: "REF", Width: 24, MinWidth: 12, Cell: func(s S) string { return s.Ref },
			Compare: func(a, b S) int { return cmp.Compare(a.Ref, b.Ref) }},
		{Title: "STATE", Width: 7, Cell: func(s S) string { return s.Status },
			Style:   func(s S) *lipgloss.Style { return stepStyle(th, s.Status) },
			Compare: func(a, b S) int { return cmp.Compare(a.Status, b.Status) }},
		{Title: "N8N ID", Width: 16, MinWidth: 8, Cell: func(s S) string { return dash(s.N8nID) }},
		{Title: "ERROR", MinWidth: 8, Cell: func(s S) string { return s.Error }},
	}
	old := d.table
	d.table = table.New(th, cols, func(s S) string { return strconv.Itoa(s.Seq) },
		func(s S) string { return s.Kind + " " + s.Ref + " " + s.Status + " " + s.N8nID + " " + s.Error })
	d.table.SetFocused(true)
	d.table.Empty = "loading steps…"
	if d.loaded {
		d.table.Empty = "no step recorded: the run stopped before its first n8n call"
	}
	d.table.Keep(old)
	d.resize()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Open shows a run (a model.RunSummary) and reads its steps.
func (d *Detail) Open(arg any) tea.Cmd {
	r, ok := arg.(model.RunSummary)
	if !ok {
		return nil
	}
	d.run, d.loaded, d.err = r, false, nil
	d.rb.result = ""
	d.table.SetRows(nil)
	d.build()
	return d.Load()
}

// Shown is the run on the screen.
func (d *Detail) Shown() model.RunSummary { return d.run }

// Load reads the run and its steps again.
func (d *Detail) Load() tea.Cmd {
	if d.backend == nil || d.run.ID == 0 {
		return nil
	}
	d.seq++
	b, seq, id := d.backend, d.seq, d.run.ID
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), LoadTimeout)
		defer cancel()
		run, steps, err := b.ProvisioningRun(ctx, id)
		return StepsMsg{Seq: seq, Run: run, Steps: steps, Err: err}
	}
}

// Update handles reads, the rollback and the table's keys.
func (d *Detail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case StepsMsg:
		if msg.Seq != d.seq {
			return nil
		}
		d.err = msg.Err
		if msg.Err != nil {
			return nil
		}
		d.run.ProvisioningRun = msg.Run
		d.run.StepsDone, d.run.StepsTotal = 0, len(msg.Steps)
		for _, s := range msg.Steps {
			if s.Status == genesis.StepDone {
				d.run.StepsDone++
			}
		}
		d.loaded = true
		d.table.Empty = "no step recorded: the run stopped before its first n8n call"
		d.table.SetRows(msg.Steps)
		d.resize()
		return nil
	case RolledBackMsg:
		cmd := d.rb.ended(msg)
		d.resize()
		return tea.Batch(cmd, d.Load())
	case spinner.TickMsg:
		return d.rb.tick(msg)
	case tea.KeyPressMsg:
		if d.rb.dialog != nil {
			return d.rb.updateDialog(msg)
		}
		if !d.table.Filtering() && key.Matches(msg, d.rb.key) {
			cmd := d.rb.ask(d.run)
			return cmd
		}
	}
	var cmd tea.Cmd
	d.table, cmd = d.table.Update(table.Inset(msg, 1, 1+len(d.header())))
	return cmd
}

// advice is what to do with a run that did not finish, in the words of
// the commands that do it.
func (d *Detail) advice() string {
	id := d.run.ID
	how := fmt.Sprintf("resume it with `godmode provision --resume %d --values FILE` (the values file it started with: secrets are never kept), or undo it with `godmode provision --rollback %d`", id, id)
	if d.rb.allowed() {
		how += " (R here)"
	}
	switch d.run.Status {
	case model.RunFailed:
		return "This run stopped: " + how + "."
	case model.RunApplying, model.RunPlanned:
		return "This run has not finished. If no process is applying it any more (it was killed), " + how + "."
	}
	return ""
}

// header is the lines above the steps, wrapped to the pane.
func (d *Detail) header() []string {
	th, r, now := d.opt.Theme, d.run, d.opt.Now
	w := max(10, d.w-2)
	label := func(s string) string { return th.Muted.Render(s) }
	fin := "not finished"
	if r.FinishedAt != nil {
		fin = "finished " + common.Ago(now(), *r.FinishedAt)
	}
	act := "no"
	if r.Activate {
		act = "yes"
	}
	lines := []string{
		label("started ") + common.Ago(now(), r.StartedAt) + " · " + fin + label(" · activates ") + act +
			label(" · steps done ") + fmt.Sprintf("%d/%d", r.StepsDone, r.StepsTotal),
	}
	if r.Error != "" {
		lines = append(lines, wrap(th.Error.Render("error: "+safetext.Line(r.Error)), w, 3)...)
	}
	if a := d.advice(); a != "" {
		lines = append(lines, wrap(th.Warn.Render(a), w, 3)...)
	}
	if l := d.rb.line(); l != "" {
		lines = append(lines, wrap(l, w, 3)...)
	}
	return lines
}

// wrap cuts s to width w, at most n lines, the last marked when cut.
func wrap(s string, w, n int) []string {
	lines := strings.Split(ansi.Wrap(s, w, " "), "\n")
	if len(lines) > n {
		lines = lines[:n]
		lines[n-1] = ansi.Truncate(lines[n-1], w-1, "") + "…"
	}
	return lines
}

func (d *Detail) resize() { d.table.SetSize(d.w-2, d.h-2-len(d.header())) }

// SetSize sets the screen's area.
func (d *Detail) SetSize(w, h int) {
	d.w, d.h = w, h
	d.resize()
}

// SetTheme restyles the screen.
func (d *Detail) SetTheme(th *themes.Theme) {
	d.opt.Theme, d.rb.theme = th, th
	d.build()
}

// Init does nothing: Open shows the run.
func (d *Detail) Init() tea.Cmd { return nil }

// Capturing reports whether the dialog or the filter has the keyboard.
func (d *Detail) Capturing() bool { return d.rb.dialog != nil || d.table.Filtering() }

// ShortHelp is the footer.
func (d *Detail) ShortHelp() []key.Binding { return d.table.Help(d.rb.key, d.back) }

// FullHelp is the "?" help.
func (d *Detail) FullHelp() [][]key.Binding {
	return [][]key.Binding{d.tkeys.Bindings(), {d.rb.key, d.back}}
}

// View draws the run in a pane.
func (d *Detail) View() string {
	th, r := d.opt.Theme, d.run
	title := fmt.Sprintf("Run %d · %s · %s · %s", r.ID, r.WorkspaceSlug, blueprintOf(r), r.Status)
	if d.err != nil {
		title += " · NOT CURRENT: " + safetext.Line(d.err.Error())
	}
	body := strings.Join(d.header(), "\n") + "\n" + d.table.View()
	return d.rb.overlay(common.Box(th.PaneFocused, th.PaneTitleFocused, title, body, d.w, d.h), d.w, d.h)
}
