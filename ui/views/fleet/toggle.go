package fleet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/prompt"
)

// BulkConfirmAbove is how many marked campaigns one toggle may change
// before the user must type the count to confirm.
const BulkConfirmAbove = 5

// DefaultToggleBound is how long the model gives n8n to answer a toggle
// (its own deadline says "n8n did not answer in 5s"); ToggleMargin is what
// the console adds for the Postgres writes around that call.
const (
	DefaultToggleBound = 5 * time.Second
	ToggleMargin       = 3 * time.Second
)

// ToggleTimeout is the deadline the console gives one toggle: the model's
// bound plus the margin, so the model's own, clearer reason arrives first.
var ToggleTimeout = DefaultToggleBound + ToggleMargin

// toggleDeadline is ToggleTimeout, or the session's bound plus the margin
// when the model's bound was configured.
func (m *Model) toggleDeadline() time.Duration {
	if m.toggleBound > 0 {
		return m.toggleBound + ToggleMargin
	}
	return ToggleTimeout
}

// toggleGrace is how long after ToggleTimeout the spinner stops whatever
// the backend does, so a switch can never spin past its deadline.
var toggleGrace = time.Second

// toggles is the optimistic state the campaign cells read.
type toggles struct {
	pending map[int64]model.CampaignStatus // campaign → the status wished for
	started map[int64]int                  // campaign → which toggle is pending, for its watchdog
	seq     int
	marks   map[int64]bool
	frame   string // spinner frame
}

func (t *toggles) shown(c model.Campaign) model.CampaignStatus {
	if want, ok := t.pending[c.ID]; ok {
		return want
	}
	return c.Status
}

func (t *toggles) switchCell(c model.Campaign) string {
	s := t.shown(c)
	word := "off"
	if s == model.CampaignActive {
		word = "on"
	}
	if _, ok := t.pending[c.ID]; ok {
		return t.frame + " " + word
	}
	switch s {
	case model.CampaignActive:
		return "◉ on"
	case model.CampaignArchived:
		return "  -"
	}
	return "○ off"
}

// ToggledMsg is the end of one toggle, tagged with the campaign so the
// pending switch it belongs to can settle.
type ToggledMsg struct {
	CampaignID int64
	Want       model.CampaignStatus
	Result     model.ToggleResult
}

// canToggle says why the actor may not toggle in workspace ws, or "".
func (m *Model) whyNoToggle(ws int64) string {
	if m.readOnly {
		return "read-only session: toggling is switched off (restart without --read-only)"
	}
	if err := model.Authorize(m.actor, model.ActionToggle, ws); err != nil {
		return "you cannot toggle here: " + err.Error()
	}
	return ""
}

func (m *Model) toggleKey() tea.Cmd {
	c, ok := m.camps.Selected()
	if !ok {
		return status(common.Note("no campaign selected"))
	}
	if why := m.whyNoToggle(c.WorkspaceID); why != "" {
		// Said at once; the model decides again and records the attempt.
		return tea.Batch(status(common.Problem("refused: "+why)), m.refusedToggle(c))
	}
	if len(m.st.marks) > 0 {
		return m.toggleMarked()
	}
	if _, busy := m.st.pending[c.ID]; busy {
		return status(common.Note(c.Name + " is already switching; wait for n8n to answer"))
	}
	want, why := target(c)
	if why != "" {
		return status(common.Problem(why))
	}
	return m.startToggles([]model.Campaign{c}, want)
}

// target is the status a toggle of c asks for, or why it can't.
func target(c model.Campaign) (model.CampaignStatus, string) {
	switch c.Status {
	case model.CampaignActive:
		return model.CampaignPaused, ""
	case model.CampaignArchived:
		return "", c.Name + " is archived: archived campaigns cannot be switched on"
	}
	return model.CampaignActive, ""
}

// toggleMarked switches every marked campaign the same way: to active when
// all are paused, else to paused (the safe direction for a mixed set).
func (m *Model) toggleMarked() tea.Cmd {
	var set []model.Campaign
	want := model.CampaignActive
	for _, c := range m.camps.Rows() {
		if !m.st.marks[c.ID] {
			continue
		}
		if _, busy := m.st.pending[c.ID]; busy || c.Status == model.CampaignArchived {
			continue
		}
		if c.Status == model.CampaignActive {
			want = model.CampaignPaused
		}
		set = append(set, c)
	}
	if len(set) == 0 {
		return status(common.Note("no marked campaign can be switched (archived or already switching)"))
	}
	verb := "pause"
	if want == model.CampaignActive {
		verb = "activate"
	}
	if len(set) <= BulkConfirmAbove {
		return m.startToggles(set, want)
	}
	n := strconv.Itoa(len(set))
	m.dialog = prompt.New(m.theme, fmt.Sprintf("%s %d campaigns?", title(verb), len(set)),
		fmt.Sprintf("This will %s %d marked campaigns in n8n.", verb, len(set)),
		prompt.Field{Label: "Type " + n + " to confirm", Check: func(v string) string {
			if v != n {
				return "type the number " + n + " exactly, or esc to cancel"
			}
			return ""
		}})
	m.onConfirm = func([]string) tea.Cmd { return m.startToggles(set, want) }
	return nil
}

func title(s string) string { return string(s[0]-32) + s[1:] }

// startToggles flips the switches now, in this Update, and returns the
// commands that ask the backend; nothing is sent for a pending campaign.
func (m *Model) startToggles(cs []model.Campaign, want model.CampaignStatus) tea.Cmd {
	var cmds []tea.Cmd
	wasIdle := len(m.st.pending) == 0 && m.work == nil
	for _, c := range cs {
		if _, busy := m.st.pending[c.ID]; busy {
			continue
		}
		m.st.pending[c.ID] = want
		m.st.seq++
		m.st.started[c.ID] = m.st.seq
		delete(m.st.marks, c.ID)
		cmds = append(cmds, m.toggleCmd(c.ID, want), m.watchdog(c.ID, m.st.seq))
	}
	if wasIdle && len(m.st.pending) > 0 {
		m.st.frame = m.spin.View()
		cmds = append(cmds, m.spin.Tick)
	}
	return tea.Batch(cmds...)
}

func (m *Model) toggleCmd(id int64, want model.CampaignStatus) tea.Cmd {
	b, actor, bound := m.backend, m.actor, m.toggleDeadline()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), bound)
		defer cancel()
		res := b.Toggle(ctx, actor, id, want)
		if res.Err != nil && errors.Is(res.Err, context.DeadlineExceeded) && !strings.Contains(res.Err.Error(), "did not answer in") {
			res.Err = fmt.Errorf("n8n did not answer in %s: %w", common.Dur(bound), res.Err)
		}
		return ToggledMsg{CampaignID: id, Want: want, Result: res}
	}
}

// toggleExpiredMsg is a pending toggle's watchdog going off.
type toggleExpiredMsg struct {
	campaignID int64
	seq        int
}

// watchdog ends the spinner of toggle seq if the backend has not answered
// by its deadline and the grace after it: a backend that ignores its
// context must not leave a switch spinning.
func (m *Model) watchdog(id int64, seq int) tea.Cmd {
	return tea.Tick(m.toggleDeadline()+toggleGrace, func(time.Time) tea.Msg { return toggleExpiredMsg{campaignID: id, seq: seq} })
}

func (m *Model) expired(msg toggleExpiredMsg) tea.Cmd {
	if m.st.started[msg.campaignID] != msg.seq {
		return nil
	}
	if _, ok := m.st.pending[msg.campaignID]; !ok {
		return nil
	}
	delete(m.st.pending, msg.campaignID)
	delete(m.st.started, msg.campaignID)
	m.gen++
	return tea.Batch(status(common.Problem(fmt.Sprintf("%s: n8n did not answer in %s — the switch shows what Postgres last recorded; the next refresh shows what n8n did",
		m.campaignName(msg.campaignID), common.Dur(m.toggleDeadline())))), refresh)
}

func (m *Model) campaignName(id int64) string {
	if c, ok := m.camps.Row(strconv.FormatInt(id, 10)); ok {
		return c.Name
	}
	return fmt.Sprint("campaign ", id)
}

// refusedMsg is the model's answer to an attempt the console had already
// refused: normally a refusal it has recorded in the audit trail.
type refusedMsg struct {
	name   string
	result model.ToggleResult
}

// refusedToggle sends a refused attempt to the backend anyway: the model
// authorises every action and records every attempt, refused ones
// included, so the audit trail shows who tried what.
func (m *Model) refusedToggle(c model.Campaign) tea.Cmd {
	want, why := target(c)
	if why != "" {
		want = model.CampaignPaused // archived: the safe direction, refused before n8n anyway
	}
	b, actor, bound := m.backend, m.actor, m.toggleDeadline()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), bound)
		defer cancel()
		return refusedMsg{name: c.Name, result: b.Toggle(ctx, actor, c.ID, want)}
	}
}

// overruled handles the model's answer to a refused attempt: when the
// model allowed what the console's pre-check did not, the model is the
// authority and the screen says what happened.
func (m *Model) overruled(msg refusedMsg) tea.Cmd {
	switch msg.result.Outcome {
	case model.OutcomeOK, model.OutcomeNoop:
		m.gen++
		return tea.Batch(status(common.Note(fmt.Sprintf("%s: the server allowed what this console refused; it is now %s", msg.name, msg.result.Campaign.Status))), refresh)
	}
	return nil
}

// settle ends a pending toggle: the switch keeps the new state or rolls
// back, and the status line says which and why.
func (m *Model) settle(msg ToggledMsg) tea.Cmd {
	if _, ok := m.st.pending[msg.CampaignID]; !ok {
		return nil
	}
	delete(m.st.pending, msg.CampaignID)
	delete(m.st.started, msg.CampaignID)
	m.gen++
	res := msg.Result
	name := fmt.Sprint("campaign ", msg.CampaignID)
	if old, ok := m.camps.Row(strconv.FormatInt(msg.CampaignID, 10)); ok {
		name = old.Name
		if res.Campaign.ID == msg.CampaignID {
			m.camps.Replace(res.Campaign)
		}
	}
	switch res.Outcome {
	case model.OutcomeOK:
		return tea.Batch(status(common.Done(fmt.Sprintf("%s is %s", name, res.Campaign.Status))), refresh)
	case model.OutcomeNoop:
		return status(common.Note(fmt.Sprintf("%s was already %s in n8n", name, msg.Want)))
	}
	reason := "no reason given"
	if res.Err != nil {
		reason = safetext.Line(res.Err.Error())
	}
	return tea.Batch(status(common.Problem(fmt.Sprintf("%s rolled back to %s: %s — press space to retry", name, m.shownStatus(msg.CampaignID), reason))), refresh)
}

func (m *Model) shownStatus(id int64) model.CampaignStatus {
	if c, ok := m.camps.Row(strconv.FormatInt(id, 10)); ok {
		return c.Status
	}
	return "its previous state"
}

// Pending reports the status a campaign's switch is waiting for.
func (m *Model) Pending(id int64) (model.CampaignStatus, bool) {
	w, ok := m.st.pending[id]
	return w, ok
}

// Marked returns the marked campaign ids, sorted.
func (m *Model) Marked() []int64 {
	var out []int64
	for id := range m.st.marks {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (m *Model) markKey() tea.Cmd {
	c, ok := m.camps.Selected()
	if !ok {
		return nil
	}
	if why := m.whyNoToggle(c.WorkspaceID); why != "" {
		return status(common.Problem(why))
	}
	if m.st.marks[c.ID] {
		delete(m.st.marks, c.ID)
	} else {
		m.st.marks[c.ID] = true
	}
	m.camps, _ = m.camps.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	return nil
}

func status(s common.StatusMsg) tea.Cmd { return func() tea.Msg { return s } }

func refresh() tea.Msg { return common.RefreshMsg{} }
