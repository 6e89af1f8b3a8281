package fleet

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
)

// The campaigns pane's answer to a campaign whose workflow is gone from
// n8n (status error): L re-links it to another workflow of its instance,
// X archives it. Offered to super admins in a writable session only; the
// model refuses and audits anyone else, and a refused key is put on the
// record through it.

// OnboardTimeout bounds a re-link (reads of n8n, a backfill, one write),
// an archive, or the read of a re-link's choices.
var OnboardTimeout = 60 * time.Second

// RelinkChoicesMsg answers the read of the workflows a campaign could be
// re-linked to. ID is the work it answers: a late answer is dropped.
type RelinkChoicesMsg struct {
	ID             int
	Slug, Campaign string
	Choices        []model.WorkflowChoice
	Err            error
}

// RelinkedMsg is the end of a re-link asked from the campaigns pane.
type RelinkedMsg struct {
	ID             int
	Slug, Campaign string
	Workflow       model.WorkflowChoice
	Result         model.Campaign
	Err            error

	refused bool // the console had refused it already and said so
}

// CampaignArchivedMsg is the end of an archive asked from the campaigns pane.
type CampaignArchivedMsg struct {
	ID             int
	Slug, Campaign string
	Result         model.Campaign
	Err            error

	refused bool
}

// onboardExpiredMsg is a re-link's or archive's watchdog going off.
type onboardExpiredMsg struct{ id int }

// work is the one re-link or archive in flight: what the pane says of it.
type work struct {
	id   int
	what string
}

func (m *Model) whyNoOnboard() string {
	if m.readOnly {
		return "read-only session: re-linking and archiving campaigns are off (restart without --read-only)"
	}
	if err := model.Authorize(m.actor, model.ActionAdopt, 0); err != nil {
		return "re-linking and archiving campaigns are for super admins only"
	}
	return ""
}

// goneCampaign is the selected campaign when its workflow is gone, with
// its workspace's slug.
func (m *Model) goneCampaign() (model.Campaign, string, bool) {
	c, ok := m.camps.Selected()
	w, wok := m.ws.Selected()
	if !ok || !wok || c.Status != model.CampaignError {
		return c, "", false
	}
	return c, w.Slug, true
}

// mayOnboard says whether L and X are shown now.
func (m *Model) mayOnboard() bool {
	_, _, gone := m.goneCampaign()
	return gone && m.work == nil && m.whyNoOnboard() == ""
}

// startWork marks a re-link or archive in flight, spinning.
func (m *Model) startWork(what string) (int, tea.Cmd) {
	m.workSeq++
	idle := len(m.st.pending) == 0 && m.work == nil
	m.work = &work{id: m.workSeq, what: what}
	id := m.workSeq
	cmds := []tea.Cmd{tea.Tick(OnboardTimeout+toggleGrace, func(time.Time) tea.Msg { return onboardExpiredMsg{id: id} })}
	if idle {
		cmds = append(cmds, m.spin.Tick)
	}
	return id, tea.Batch(cmds...)
}

// endWork clears the work id answers; false when the answer is late.
func (m *Model) endWork(id int) bool {
	if m.work == nil || m.work.id != id {
		return false
	}
	m.work = nil
	return true
}

func (m *Model) onboardKey(relink bool) tea.Cmd {
	c, slug, gone := m.goneCampaign()
	if c.ID == 0 || slug == "" {
		return nil
	}
	verb := "archive"
	if relink {
		verb = "re-link"
	}
	if !gone {
		return status(common.Note(fmt.Sprintf("%s is for a campaign whose workflow is gone from n8n (status error): %s is %s", verb, c.Name, c.Status)))
	}
	if why := m.whyNoOnboard(); why != "" {
		// Said at once; the model refuses it again and records the attempt.
		if relink {
			return tea.Batch(status(common.Problem("refused: "+why)), m.relinkCmd(0, slug, c.Name, model.WorkflowChoice{}, true))
		}
		return tea.Batch(status(common.Problem("refused: "+why)), m.archiveCmd(0, slug, c.Name, true))
	}
	if m.work != nil {
		return status(common.Note("wait: " + m.work.what))
	}
	if !relink {
		return m.confirmArchive(c, slug)
	}
	id, spin := m.startWork(fmt.Sprintf("reading the workflows %s could run…", c.Name))
	b, actor, name := m.backend, m.actor, c.Name
	return tea.Batch(spin, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), OnboardTimeout)
		defer cancel()
		choices, err := b.RelinkChoices(ctx, actor, slug, name)
		return RelinkChoicesMsg{ID: id, Slug: slug, Campaign: name, Choices: choices, Err: err}
	})
}

// choices opens the pick list of workflows to re-link to.
func (m *Model) choices(msg RelinkChoicesMsg) tea.Cmd {
	if !m.endWork(msg.ID) {
		return nil
	}
	if msg.Err != nil {
		return status(common.Problem(fmt.Sprintf("could not read the workflows to re-link %s/%s to: %s", msg.Slug, msg.Campaign, safetext.Line(msg.Err.Error()))))
	}
	if len(msg.Choices) == 0 {
		return status(common.Note(fmt.Sprintf("no workflow of %s's n8n is free to re-link %s to: create it in n8n first, or archive the campaign (X)", msg.Slug, msg.Campaign)))
	}
	opts := make([]string, len(msg.Choices))
	for i, ch := range msg.Choices {
		state := "inactive"
		if ch.Active {
			state = "active"
		}
		opts[i] = fmt.Sprintf("%s  (%s, %s)", ch.Name, ch.ID, state)
		if ch.Tagged {
			opts[i] += "  ws:" + msg.Slug
		}
	}
	m.pick = newPickList(m.theme, fmt.Sprintf("Re-link %s/%s to which workflow?", msg.Slug, msg.Campaign),
		"Its workflow is gone from n8n. The campaign takes the chosen one's status and recent runs;\nthese are the workflows of its instance no campaign owns.", opts)
	m.onPick = func(i int) tea.Cmd {
		ch := msg.Choices[i]
		id, spin := m.startWork(fmt.Sprintf("re-linking %s to %s…", msg.Campaign, ch.Name))
		return tea.Batch(spin, m.relinkCmd(id, msg.Slug, msg.Campaign, ch, false))
	}
	return nil
}

func (m *Model) relinkCmd(id int, slug, name string, ch model.WorkflowChoice, refused bool) tea.Cmd {
	b, actor := m.backend, m.actor
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), OnboardTimeout)
		defer cancel()
		c, err := b.Relink(ctx, actor, slug, name, ch.ID)
		return RelinkedMsg{ID: id, Slug: slug, Campaign: name, Workflow: ch, Result: c, Err: err, refused: refused}
	}
}

func (m *Model) relinked(msg RelinkedMsg) tea.Cmd {
	if msg.refused || !m.endWork(msg.ID) {
		return nil // a refusal is on screen already, and now on the record
	}
	if msg.Err != nil {
		return tea.Batch(status(common.Problem(fmt.Sprintf("could not re-link %s/%s: %s", msg.Slug, msg.Campaign, safetext.Line(msg.Err.Error())))), refresh)
	}
	c := msg.Result
	last := "never run"
	if c.LastExecAt != nil {
		last = fmt.Sprintf("last run %s %s", c.LastExecStatus, common.Ago(m.now(), *c.LastExecAt))
	}
	return tea.Batch(status(common.Done(safetext.Line(fmt.Sprintf("re-linked %s/%s to workflow %s (%s): now %s, %s, %d failed in 24h",
		msg.Slug, msg.Campaign, msg.Workflow.Name, msg.Workflow.ID, c.Status, last, c.Failures24h)))), refresh)
}

func (m *Model) confirmArchive(c model.Campaign, slug string) tea.Cmd {
	name := c.Name
	m.dialog = prompt.New(m.theme, fmt.Sprintf("Archive campaign %s/%s?", slug, name),
		fmt.Sprintf("Its workflow %s is gone from n8n. The campaign is kept with its audit trail,\nand sync leaves it alone from then on.", c.N8nWorkflowID),
		prompt.Field{Label: "Type the campaign's name (" + name + ") to confirm", Check: func(v string) string {
			if v != name {
				return "that is not " + name + ": type it exactly, or esc to cancel"
			}
			return ""
		}})
	m.onConfirm = func([]string) tea.Cmd {
		id, spin := m.startWork(fmt.Sprintf("archiving %s…", name))
		return tea.Batch(spin, m.archiveCmd(id, slug, name, false))
	}
	return nil
}

func (m *Model) archiveCmd(id int, slug, name string, refused bool) tea.Cmd {
	b, actor := m.backend, m.actor
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), OnboardTimeout)
		defer cancel()
		c, err := b.Archive(ctx, actor, slug, name)
		return CampaignArchivedMsg{ID: id, Slug: slug, Campaign: name, Result: c, Err: err, refused: refused}
	}
}

func (m *Model) campaignArchived(msg CampaignArchivedMsg) tea.Cmd {
	if msg.refused || !m.endWork(msg.ID) {
		return nil
	}
	if msg.Err != nil {
		return tea.Batch(status(common.Problem(fmt.Sprintf("could not archive %s/%s: %s", msg.Slug, msg.Campaign, safetext.Line(msg.Err.Error())))), refresh)
	}
	return tea.Batch(status(common.Done(fmt.Sprintf("archived %s/%s: kept with its audit trail, sync leaves it alone", msg.Slug, msg.Campaign))), refresh)
}

func (m *Model) onboardExpired(msg onboardExpiredMsg) tea.Cmd {
	if m.work == nil || m.work.id != msg.id {
		return nil
	}
	what := m.work.what
	m.work = nil
	return tea.Batch(status(common.Problem(fmt.Sprintf("no answer in %s while %s refresh to see where it stands", common.Dur(OnboardTimeout), what))), refresh)
}

func (m *Model) updatePick(msg tea.KeyPressMsg) tea.Cmd {
	i, done := m.pick.update(msg)
	if !done {
		return nil
	}
	f := m.onPick
	m.pick, m.onPick = nil, nil
	if i < 0 {
		return status(common.Note("cancelled: nothing was changed"))
	}
	return f(i)
}
