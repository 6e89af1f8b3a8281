package runs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
)

// RollbackTimeout bounds one rollback: a delete in n8n per step undone,
// newest first, and the Postgres writes after each.
const RollbackTimeout = 2 * time.Minute

// RolledBackMsg is the end of a rollback asked from a runs screen.
type RolledBackMsg struct {
	Run    int64
	Result model.ProvisionResult
	Err    error
}

// rollback is the R key of both runs screens: a confirm dialog, the call
// with a spinner while it runs, and the line saying how it ended.
type rollback struct {
	backend  Backend
	actor    model.Actor
	readOnly bool
	theme    *themes.Theme
	key      key.Binding
	dialog   *prompt.Model
	target   int64 // run the dialog asks about
	running  int64 // run being rolled back (0: none)
	result   string
	failed   bool
	spin     spinner.Model
}

func newRollback(b Backend, o Options) rollback {
	r := rollback{backend: b, actor: o.Actor, readOnly: o.ReadOnly, theme: o.Theme,
		key:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "roll back run")),
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot))}
	r.key.SetEnabled(r.allowed())
	return r
}

// allowed: rollback is a super admin's, in a session that may change
// things (the model decides again, and audits a refusal).
func (r *rollback) allowed() bool {
	return r.backend != nil && !r.readOnly && model.Authorize(r.actor, model.ActionProvision, 0) == nil
}

// rollbackable says whether a run has anything a rollback could undo.
func rollbackable(s model.RunStatus) bool { return s != model.RunRolledBack }

// ask opens the confirm dialog for run.
func (r *rollback) ask(run model.RunSummary) tea.Cmd {
	if !r.allowed() {
		return nil
	}
	if r.running != 0 {
		return status(common.Note(fmt.Sprintf("run %d is being rolled back: wait for it to end", r.running)))
	}
	if !rollbackable(run.Status) {
		return status(common.Note(fmt.Sprintf("run %d is rolled back already: nothing to undo", run.ID)))
	}
	id := strconv.FormatInt(run.ID, 10)
	body := fmt.Sprintf("Deletes, newest first, what run %s made for workspace %s in n8n (workflows, credentials) and in Postgres (campaigns); the workspace goes back to awaiting setup. From here the rollback has no values file: a create step not recorded done (started or failed, so n8n may hold what it made) is refused, by name; then roll back with `godmode provision --rollback %s --values FILE`, which looks in n8n for it.",
		id, run.WorkspaceSlug, id)
	r.dialog = prompt.New(r.theme, fmt.Sprintf("Roll back run %s (%s, %s@v%d)?", id, run.WorkspaceSlug, run.Blueprint, run.Version), body,
		prompt.Field{Label: "Type the run number to confirm", Check: func(v string) string {
			if v != id {
				return "type " + id + " to roll back run " + id + ", or esc"
			}
			return ""
		}})
	r.target = run.ID
	return nil
}

func (r *rollback) updateDialog(msg tea.KeyPressMsg) tea.Cmd {
	res, cmd := r.dialog.Update(msg)
	switch res {
	case prompt.Cancelled:
		r.dialog = nil
		return status(common.Note("cancelled: nothing was rolled back"))
	case prompt.Confirmed:
		r.dialog = nil
		return r.start(r.target)
	}
	return cmd
}

func (r *rollback) start(runID int64) tea.Cmd {
	b, actor := r.backend, r.actor
	r.running, r.result, r.failed = runID, "", false
	return tea.Batch(r.spin.Tick, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), RollbackTimeout)
		defer cancel()
		// No values: a rollback deletes by the ids the steps recorded;
		// the model refuses a step of unknown outcome, naming it.
		res, err := b.RollbackRun(ctx, actor, runID, nil)
		return RolledBackMsg{Run: runID, Result: res, Err: err}
	})
}

// ended records how a rollback went and says it in the status line.
func (r *rollback) ended(msg RolledBackMsg) tea.Cmd {
	if msg.Run != r.running {
		return nil
	}
	r.running = 0
	if msg.Err != nil {
		r.failed = true
		r.result = fmt.Sprintf("rollback of run %d refused: %s", msg.Run, safetext.Line(msg.Err.Error()))
		return status(common.Problem(r.result))
	}
	r.result = fmt.Sprintf("run %d rolled back: %d steps undone", msg.Run, msg.Result.Undone)
	return status(common.Done(r.result))
}

func (r *rollback) tick(msg spinner.TickMsg) tea.Cmd {
	if r.running == 0 {
		return nil
	}
	var cmd tea.Cmd
	r.spin, cmd = r.spin.Update(msg)
	return cmd
}

// line is what the screen shows of the rollback: under way, or its end.
func (r *rollback) line() string {
	switch {
	case r.running != 0:
		return r.spin.View() + " " + r.theme.Muted.Render(fmt.Sprintf("rolling back run %d…", r.running))
	case r.result == "":
		return ""
	case r.failed:
		return r.theme.Error.Render(r.result)
	}
	return r.theme.OK.Render(r.result)
}

func (r *rollback) overlay(out string, w, h int) string {
	if r.dialog == nil {
		return out
	}
	r.dialog.MaxWidth = w
	return common.Overlay(out, r.dialog.View(), w, h)
}

func status(s common.StatusMsg) tea.Cmd { return func() tea.Msg { return s } }
