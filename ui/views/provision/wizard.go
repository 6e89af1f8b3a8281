// Package provision is the console's provisioning wizard (p on a workspace
// awaiting setup, or :provision [slug]), for super admins: one huh form per
// concern — the workspace and its n8n instance, the blueprint version, its
// variables, its credentials — then the plan's preview and the apply, shown
// live step by step. On an active workspace it is a re-apply: it starts
// from what the last succeeded run applied, previews each workflow beside
// what is live in n8n, and asks before overwriting edits made there.
// Every read and the apply are the model's; secrets are typed into masked
// inputs and leave the wizard only inside the request.
package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// Screen is the wizard's id (ui registers it).
const Screen = "provision"

// Backend is what the wizard calls, always from a tea.Cmd; model.Console
// (and so every console session) has it.
type Backend interface {
	ProvisionTarget(ctx context.Context, actor model.Actor, slug string) (model.ProvisionTarget, error)
	ProvisionForm(ctx context.Context, actor model.Actor, slug, blueprint string, version int) (model.ProvisionForm, error)
	ProvisionPreview(ctx context.Context, actor model.Actor, req model.ProvisionRequest) (model.ProvisionPreview, error)
	Provision(ctx context.Context, actor model.Actor, req model.ProvisionRequest) (model.ProvisionResult, error)
}

// Request opens the wizard on a workspace.
type Request struct{ Workspace string }

// Timeouts: the reads are Postgres and one n8n call per credential type;
// the apply is every step of the run.
var (
	ReadTimeout  = 30 * time.Second
	ApplyTimeout = 5 * time.Minute
)

// The wizard's answers. Seq is the request they answer: one the wizard
// has since left (esc, opened again) is dropped.
type (
	targetMsg struct {
		seq    int
		target model.ProvisionTarget
		err    error
	}
	formMsg struct {
		seq  int
		form model.ProvisionForm
		err  error
	}
	previewMsg struct {
		seq     int
		preview model.ProvisionPreview
		err     error
	}
	// ProgressMsg is one step of the run as Postgres recorded it.
	ProgressMsg struct {
		Seq      int
		Progress model.ProvisionProgress
	}
	appliedMsg struct {
		seq int
		res model.ProvisionResult
		err error
	}
)

type step int

const (
	stepTarget step = iota
	stepBlueprint
	stepVariables
	stepCredentials
	stepPreview
	stepApply
)

type phase int

const (
	loading    phase = iota
	filling          // a step's huh form has the keyboard
	previewing       // the plan is shown; enter applies
	applying
	applied
	failed // the apply failed: what to do is shown
	// confirming: a re-apply would overwrite edits made in n8n; y sends
	// it with Overwrite, n goes back to the preview.
	confirming
	blocked // nothing can go on (a read failed, the workspace cannot be provisioned)
)

// Wizard is the screen.
type Wizard struct {
	backend Backend
	actor   model.Actor
	theme   *themes.Theme
	spin    spinner.Model
	w, h    int

	slug    string
	seq     int
	step    step
	phase   phase
	doing   string   // what loading waits for
	problem []string // the last refusal, shown above the form or preview
	cancel  context.CancelFunc

	target   model.ProvisionTarget
	choice   string // NAME@vN
	spec     model.ProvisionForm
	vars     map[string]*string
	slots    []*slotInput
	activate bool
	// last is the active workspace's last succeeded run (nil: a first
	// provisioning); overwrite is the operator's yes to replacing edits
	// made in n8n, for the one apply it was asked for; edits are the
	// campaigns that yes is about.
	last      *model.ProvisionLast
	overwrite bool
	edits     []string
	preview   model.ProvisionPreview
	top       int // the preview's first line shown

	form *huh.Form

	run      int64
	total    int
	done     int
	current  model.ProvisionProgress
	result   model.ProvisionResult
	applyErr error

	keys keyMap
}

// New builds the wizard; Open starts it on a workspace.
func New(b Backend, actor model.Actor, th *themes.Theme) *Wizard {
	w := &Wizard{backend: b, actor: actor, keys: newKeys()}
	w.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	w.SetTheme(th)
	return w
}

// Open starts the wizard afresh on the workspace of a Request.
func (w *Wizard) Open(arg any) tea.Cmd {
	req, ok := arg.(Request)
	if !ok {
		return nil
	}
	w.reset()
	w.slug = req.Workspace
	return w.loadTarget()
}

// reset forgets everything typed (secrets included) and any run shown.
func (w *Wizard) reset() {
	w.stop()
	w.seq++
	w.step, w.phase, w.problem, w.top = stepTarget, loading, nil, 0
	w.target, w.choice, w.spec = model.ProvisionTarget{}, "", model.ProvisionForm{}
	w.vars, w.slots, w.activate = map[string]*string{}, nil, true
	w.preview, w.form = model.ProvisionPreview{}, nil
	w.last, w.overwrite, w.edits = nil, false, nil
	w.run, w.total, w.done, w.current, w.result, w.applyErr = 0, 0, 0, model.ProvisionProgress{}, model.ProvisionResult{}, nil
}

func (w *Wizard) stop() {
	if w.cancel != nil {
		w.cancel()
		w.cancel = nil
	}
}

// Close forgets what was typed when the wizard leaves the stack; a run
// under way goes on (its answer is dropped, its steps are on the record).
func (w *Wizard) Close() {
	if w.phase != applying {
		w.stop()
	}
	w.seq++
	w.vars, w.slots = map[string]*string{}, nil
}

// Init does nothing: Open starts the wizard.
func (w *Wizard) Init() tea.Cmd { return nil }

func (w *Wizard) read(doing string, f func(ctx context.Context, seq int) tea.Msg) tea.Cmd {
	w.stop()
	w.seq++
	w.phase, w.doing = loading, doing
	ctx, cancel := context.WithTimeout(context.Background(), ReadTimeout)
	w.cancel = cancel
	seq := w.seq
	return tea.Batch(w.spin.Tick, func() tea.Msg { return f(ctx, seq) })
}

func (w *Wizard) loadTarget() tea.Cmd {
	b, actor, slug := w.backend, w.actor, w.slug
	return w.read("reading workspace "+slug+"…", func(ctx context.Context, seq int) tea.Msg {
		t, err := b.ProvisionTarget(ctx, actor, slug)
		return targetMsg{seq: seq, target: t, err: err}
	})
}

func (w *Wizard) loadForm() tea.Cmd {
	name, ver, _ := model.ParseBlueprintRef(w.choice)
	b, actor, slug := w.backend, w.actor, w.slug
	return w.read("reading "+w.choice+" and the credential schemas of its n8n…", func(ctx context.Context, seq int) tea.Msg {
		f, err := b.ProvisionForm(ctx, actor, slug, name, ver)
		return formMsg{seq: seq, form: f, err: err}
	})
}

func (w *Wizard) loadPreview() tea.Cmd {
	b, actor, req := w.backend, w.actor, w.request()
	return w.read("planning…", func(ctx context.Context, seq int) tea.Msg {
		p, err := b.ProvisionPreview(ctx, actor, req)
		return previewMsg{seq: seq, preview: p, err: err}
	})
}

// request is the provisioning as filled in, secrets wrapped so that they
// print as a mask wherever they might be printed by mistake.
func (w *Wizard) request() model.ProvisionRequest {
	name, ver, _ := model.ParseBlueprintRef(w.choice)
	vals := genesis.Values{File: "the wizard", Variables: map[string]genesis.Value{}, Credentials: map[string]genesis.CredentialValue{}}
	for _, v := range w.spec.Variables {
		if p := w.vars[v.Name]; p != nil {
			vals.Variables[v.Name] = genesis.Value{V: genesis.NewSecret(*p, ""), Secret: v.Secret}
		}
	}
	for _, s := range w.slots {
		if cv, ok := s.value(w.slug); ok {
			vals.Credentials[s.spec.Slot] = cv
		}
	}
	return model.ProvisionRequest{Workspace: w.slug, Blueprint: name, Version: ver, Values: vals, Activate: w.activate, Overwrite: w.overwrite}
}

// Update drives the steps.
func (w *Wizard) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case targetMsg:
		if msg.seq != w.seq || w.phase != loading {
			return nil
		}
		w.cancel = nil
		if msg.err != nil {
			return w.block("could not read the workspace: "+msg.err.Error(), msg.err)
		}
		w.target, w.last = msg.target, msg.target.Last
		if w.last != nil {
			// A re-apply starts from what the last run applied.
			w.activate = w.last.Activate
			w.choice = fmt.Sprintf("%s@v%d", w.last.Blueprint, w.last.Version)
		}
		if why := w.whyNot(); why != "" {
			w.phase, w.problem = blocked, []string{safetext.Line(why)}
			return nil
		}
		return w.openStep(stepTarget)
	case formMsg:
		if msg.seq != w.seq || w.phase != loading {
			return nil
		}
		w.cancel = nil
		if msg.err != nil {
			return w.block("could not read the blueprint version: "+msg.err.Error(), msg.err)
		}
		w.takeForm(msg.form)
		return w.openStep(stepVariables)
	case previewMsg:
		if msg.seq != w.seq || w.phase != loading {
			return nil
		}
		w.cancel = nil
		if msg.err != nil {
			// A refusal names what to change: back to the last step filled.
			w.problem = explain(msg.err)
			return w.openStep(w.lastFormStep())
		}
		w.preview, w.step, w.phase, w.top, w.problem = msg.preview, stepPreview, previewing, 0, nil
		w.overwrite, w.edits = false, nil // a yes is for the plan it was asked on
		return nil
	case listened:
		return tea.Batch(w.Update(msg.msg), msg.next)
	case ProgressMsg:
		if msg.Seq != w.seq || w.phase != applying {
			return nil
		}
		p := msg.Progress
		w.run, w.total = p.Run, p.Total
		switch p.Status {
		case genesis.StepStarted:
			w.current = p
		case genesis.StepDone:
			w.done++
		}
		return nil
	case appliedMsg:
		if msg.seq != w.seq || w.phase != applying {
			return nil
		}
		w.cancel = nil
		var le *model.LiveEditsError
		if errors.As(msg.err, &le) {
			// Edited in n8n between the preview and the apply: nothing
			// was sent; ask as the preview would have (what was typed is
			// kept for the yes).
			w.step, w.phase, w.problem = stepPreview, confirming, explain(msg.err)
			w.edits = nil
			for _, e := range le.Edits {
				w.edits = append(w.edits, e.Campaign)
			}
			return nil
		}
		w.result, w.applyErr = msg.res, msg.err
		if msg.res.Run.ID != 0 {
			w.run = msg.res.Run.ID
		}
		w.clearSecrets()
		if msg.err != nil {
			w.phase = failed
			return func() tea.Msg { return common.RefreshMsg{} }
		}
		w.phase = applied
		return func() tea.Msg { return common.RefreshMsg{} }
	case spinner.TickMsg:
		if w.phase != loading && w.phase != applying {
			return nil
		}
		var cmd tea.Cmd
		w.spin, cmd = w.spin.Update(msg)
		return cmd
	}
	if w.phase == filling && w.form != nil {
		return w.updateForm(msg)
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		return w.key(k)
	}
	return nil
}

// block stops the wizard on a problem: only esc is left.
func (w *Wizard) block(text string, err error) tea.Cmd {
	w.phase, w.problem = blocked, explain(err)
	if err == nil {
		w.problem = []string{safetext.Line(text)}
	}
	return nil
}

func (w *Wizard) key(msg tea.KeyPressMsg) tea.Cmd {
	k := w.keys
	switch w.phase {
	case previewing:
		switch {
		case key.Matches(msg, k.Apply):
			if w.nothingToDo() {
				return nil
			}
			if w.edits = w.editedInN8n(); len(w.edits) > 0 {
				w.phase = confirming
				return nil
			}
			return w.apply()
		case key.Matches(msg, k.Activate):
			w.activate = !w.activate
			return w.loadPreview()
		case key.Matches(msg, k.Down):
			w.top++
		case key.Matches(msg, k.Up):
			w.top = max(0, w.top-1)
		case key.Matches(msg, k.PageDown):
			w.top += max(1, w.h-6)
		case key.Matches(msg, k.PageUp):
			w.top = max(0, w.top-max(1, w.h-6))
		case key.Matches(msg, k.Back):
			w.problem = nil
			return w.openStep(w.lastFormStep())
		}
	case confirming:
		switch {
		case key.Matches(msg, k.Yes):
			w.overwrite = true
			return w.apply()
		case key.Matches(msg, k.No):
			w.phase, w.edits, w.problem, w.overwrite = previewing, nil, nil, false
		}
	case applied:
		if key.Matches(msg, k.Back) || key.Matches(msg, k.Finish) {
			ws := w.result.Run.WorkspaceID
			slug := w.slug
			return tea.Batch(leave, func() tea.Msg {
				return common.OpenMsg{Screen: "fleet", Arg: Provisioned{Workspace: slug, WorkspaceID: ws}}
			})
		}
	case failed, blocked, loading:
		if key.Matches(msg, k.Back) {
			w.stop()
			w.seq++
			note := "provisioning cancelled: nothing was applied"
			if w.phase == failed {
				note = fmt.Sprintf("provisioning of %s stopped: run %d can be resumed or rolled back", w.slug, w.run)
			}
			return tea.Batch(leave, func() tea.Msg { return common.Note(note) })
		}
	case applying:
		// The run is under way: its answer says what happened.
	}
	return nil
}

// nothingToDo: a re-apply whose plan calls nothing (no apply is offered).
func (w *Wizard) nothingToDo() bool {
	return w.preview.Plan == nil || len(w.preview.Plan.Steps) == 0
}

// editedInN8n are the campaigns the plan would overwrite that were edited
// in n8n since the last run (one the plan leaves alone keeps its edit).
func (w *Wizard) editedInN8n() []string {
	if w.preview.Plan == nil {
		return nil
	}
	same := map[string]bool{}
	for _, wf := range w.preview.Plan.Workflows {
		same[wf.File] = wf.Same
	}
	var out []string
	for _, l := range w.preview.Live {
		if l.Edited && !same[l.File] {
			out = append(out, l.Campaign)
		}
	}
	return out
}

// Provisioned brings the fleet back on the workspace just provisioned.
type Provisioned struct {
	Workspace   string
	WorkspaceID int64
}

func leave() tea.Msg { return common.BackMsg{} }

// apply runs the provisioning; each step comes back as a ProgressMsg as
// Postgres records it, then the result.
func (w *Wizard) apply() tea.Cmd {
	w.stop()
	w.seq++
	w.phase, w.step, w.problem = applying, stepApply, nil
	w.total, w.done, w.current = len(w.preview.Plan.Steps), 0, model.ProvisionProgress{}
	ctx, cancel := context.WithTimeout(context.Background(), ApplyTimeout)
	w.cancel = cancel
	req := w.request()
	events := make(chan model.ProvisionProgress, 2*w.total+8)
	result := make(chan appliedMsg, 1)
	req.Progress = func(p model.ProvisionProgress) {
		select {
		case events <- p:
		default: // a slow screen misses a frame, never the run
		}
	}
	b, actor, seq := w.backend, w.actor, w.seq
	go func() {
		res, err := b.Provision(ctx, actor, req)
		result <- appliedMsg{seq: seq, res: res, err: err}
	}()
	return tea.Batch(w.spin.Tick, listen(seq, events, result))
}

// listen answers the run's next event: a step, or the result (after the
// steps already heard).
func listen(seq int, events <-chan model.ProvisionProgress, result <-chan appliedMsg) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-events:
			return listened{ProgressMsg{Seq: seq, Progress: p}, listen(seq, events, result)}
		case r := <-result:
			for {
				select {
				case p := <-events:
					_ = p // steps told after the result add nothing to it
				default:
					return r
				}
			}
		}
	}
}

// listened is a step and the wait for the next one.
type listened struct {
	msg  ProgressMsg
	next tea.Cmd
}

func (w *Wizard) clearSecrets() {
	for k := range w.vars {
		delete(w.vars, k)
	}
	for _, s := range w.slots {
		s.clear()
	}
}

// explain is an error as lines, each cleaned (the model's refusals name
// workflow, node and field, one problem a line).
func explain(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = safetext.Line(l); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
