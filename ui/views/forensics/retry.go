package forensics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
)

// RetryTimeout bounds the retry call; FollowEvery and FollowFor pace and
// bound following the new execution.
var (
	RetryTimeout = 30 * time.Second
	FollowEvery  = time.Second
	FollowFor    = 10 * time.Minute
)

// retryDialog asks how to retry: with the workflow saved now, or with the
// workflow as the execution ran it.
type retryDialog struct {
	id, campaign           string
	saved, original, abort key.Binding
}

func newRetryDialog(id, campaign string) *retryDialog {
	return &retryDialog{id: id, campaign: campaign,
		saved:    key.NewBinding(key.WithKeys("w", "enter"), key.WithHelp("w", "with the workflow as saved now")),
		original: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "with the original workflow, as it ran")),
		abort:    key.NewBinding(key.WithKeys("esc", "n"), key.WithHelp("esc", "cancel")),
	}
}

func (d *retryDialog) view(th *themes.Theme) string {
	var b strings.Builder
	b.WriteString(th.DialogTitle.Render(fmt.Sprintf("Retry execution %s of %s?", d.id, d.campaign)))
	b.WriteString("\n" + th.Text.Render("n8n runs it again from the node that failed, as a new execution."))
	b.WriteString("\n" + th.Text.Render("godmode follows the new one and opens it when it ends."))
	b.WriteString("\n")
	for _, k := range []key.Binding{d.saved, d.original, d.abort} {
		h := k.Help()
		b.WriteString("\n" + th.HelpKey.Render(fmt.Sprintf("%-4s", h.Key)) + th.Text.Render(h.Desc))
	}
	return th.Dialog.Render(b.String())
}

// whyNoRetry says why R cannot retry here, or "".
func (m *Model) whyNoRetry() string {
	switch {
	case m.exec == nil:
		return "no execution is open"
	case m.backend == nil || m.src.CampaignID == 0:
		return "this execution was opened from a file (or no campaign owns its workflow): retry it from the console"
	case model.Authorize(m.actor, model.ActionRetry, m.src.WorkspaceID) != nil:
		return "you may not retry here: " + model.Authorize(m.actor, model.ActionRetry, m.src.WorkspaceID).Error()
	case m.readOnly:
		return "read-only session: retrying is switched off (restart without --read-only)"
	case m.exec.Status != "error" && m.exec.Status != "crashed" && m.exec.Status != "canceled":
		return fmt.Sprintf("execution %s is %s: n8n retries only failed executions", m.exec.ID, m.exec.Status)
	case m.follow != nil:
		return "a retry is already being followed"
	}
	return ""
}

func (m *Model) retryKey() tea.Cmd {
	if why := m.whyNoRetry(); why != "" {
		return tea.Batch(status(common.Problem("cannot retry: "+why)), m.recordRefusedRetry())
	}
	m.dialog = newRetryDialog(m.exec.ID, m.src.Campaign)
	return nil
}

// recordRefusedRetry sends a retry refused for want of the right (not for
// want of a failed execution) to the model, which records the attempt.
func (m *Model) recordRefusedRetry() tea.Cmd {
	if m.exec == nil || m.backend == nil || m.src.CampaignID == 0 {
		return nil
	}
	if !m.readOnly && model.Authorize(m.actor, model.ActionRetry, m.src.WorkspaceID) == nil {
		return nil
	}
	b, actor, camp, id := m.backend, m.actor, m.src.CampaignID, m.exec.ID
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), RetryTimeout)
		defer cancel()
		_ = b.MayRetry(ctx, actor, camp, id) // refused and recorded; the screen said so already
		return nil
	}
}

func (m *Model) dialogKey(msg tea.KeyPressMsg) tea.Cmd {
	d := m.dialog
	switch {
	case key.Matches(msg, d.abort):
		m.dialog = nil
		return status(common.Note("retry cancelled: nothing was run"))
	case key.Matches(msg, d.saved):
		m.dialog = nil
		return m.retry(true)
	case key.Matches(msg, d.original):
		m.dialog = nil
		return m.retry(false)
	}
	return nil
}

type retriedMsg struct {
	req      int
	original string
	next     model.Execution
	err      error
}

// follow is a retry being followed until its execution ends.
type follow struct {
	seq      int
	original string
	next     string // the new execution's id once known
	state    string // its status as last seen
	since    time.Time
	told     bool // the status line already says we are following it
}

func (f *follow) text(now time.Time) string {
	if f.next == "" {
		return fmt.Sprintf("retrying %s…", f.original)
	}
	return fmt.Sprintf("following retry of %s: execution %s %s (%s)", f.original, f.next, f.state, common.Dur(now.Sub(f.since)))
}

func (m *Model) retry(loadWorkflow bool) tea.Cmd {
	b, actor, camp, id, req := m.backend, m.actor, m.src.CampaignID, m.exec.ID, m.req
	m.follow = &follow{seq: req, original: id, since: m.now()}
	return tea.Batch(m.spin.Tick, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), RetryTimeout)
		defer cancel()
		next, err := b.Retry(ctx, actor, camp, id, loadWorkflow)
		return retriedMsg{req: req, original: id, next: next, err: err}
	})
}

func (m *Model) retried(msg retriedMsg) tea.Cmd {
	if msg.req != m.req || m.follow == nil {
		return nil
	}
	if msg.err != nil {
		m.follow = nil
		return status(common.Problem(fmt.Sprintf("retry of %s failed: %v", msg.original, msg.err)))
	}
	m.follow.next, m.follow.state = msg.next.ID, msg.next.Status
	// No status yet: if this one raced the find's verdict it could land
	// after it and say "following" about a retry already opened. followed
	// says it, once, when the retry is seen still running.
	return m.findRetry()
}

type followTickMsg struct{ seq int }

type followMsg struct {
	seq   int
	found *model.Execution
	err   error
}

func (m *Model) findRetry() tea.Cmd {
	b, camp, seq, orig := m.backend, m.src.CampaignID, m.follow.seq, m.follow.original
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		found, err := b.FindRetry(ctx, camp, orig)
		return followMsg{seq: seq, found: found, err: err}
	}
}

func (m *Model) followTick(msg followTickMsg) tea.Cmd {
	if m.follow == nil || msg.seq != m.follow.seq {
		return nil
	}
	return m.findRetry()
}

// followed looks at what n8n lists: a retry still running is asked again
// in a second; an ended one is opened.
func (m *Model) followed(msg followMsg) tea.Cmd {
	f := m.follow
	if f == nil || msg.seq != f.seq {
		return nil
	}
	again := tea.Tick(FollowEvery, func(time.Time) tea.Msg { return followTickMsg{seq: f.seq} })
	if m.now().Sub(f.since) > FollowFor {
		m.follow = nil
		return status(common.Problem(fmt.Sprintf("retry of %s has not ended after %s; find it in the executions list (retry of %s)", f.original, FollowFor, f.original)))
	}
	following := func() tea.Cmd {
		if f.told {
			return again
		}
		f.told = true
		return tea.Batch(status(common.Note(fmt.Sprintf("retry of %s started as execution %s; following it", f.original, f.next))), again)
	}
	switch {
	case msg.err != nil:
		return tea.Batch(status(common.Problem("following the retry: "+msg.err.Error()+"; still trying")), again)
	case msg.found == nil:
		return following()
	}
	x := *msg.found
	f.next, f.state = x.ID, x.Status
	if x.Status == "running" || x.Status == "new" {
		return following()
	}
	m.follow = nil
	verdict := common.Done(fmt.Sprintf("retry of %s ended: execution %s %s", f.original, x.ID, x.Status))
	if x.Status != "success" {
		verdict = common.Problem(fmt.Sprintf("retry of %s ended: execution %s %s too; opened it", f.original, x.ID, x.Status))
	}
	return tea.Batch(status(verdict), m.Open(m.src, x.ID))
}
