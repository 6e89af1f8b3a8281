package fleet

import (
	"context"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"github.com/godmode-console/godmode/model"
)

// SnapshotMsg is one poll of the fleet: the workspaces, the campaigns of
// the workspace selected when the poll began and the executions of the
// campaign selected then. Gen is the local-change generation at the start,
// so a poll that began before a toggle settled cannot undo what it shows.
type SnapshotMsg struct {
	Gen         int
	Workspaces  []model.WorkspaceSummary
	WorkspaceID int64
	Campaigns   []model.Campaign
	CampaignID  int64
	Executions  []model.Execution
	// Err is a failed read of Postgres: the whole snapshot is stale.
	Err error
	// ExecErr is a failed read of the campaign's n8n: only the executions
	// pane of that workspace keeps its last data and says why.
	ExecErr error
}

// campaignsMsg and executionsMsg answer a selection change; seq drops all
// but the answer to the latest one.
type campaignsMsg struct {
	seq, gen    int
	workspaceID int64
	rows        []model.Campaign
	err         error
}

type executionsMsg struct {
	seq        int
	campaignID int64
	rows       []model.Execution
	err        error
}

// Fetch returns the poll for the current selection; the root runs it in a
// tea.Cmd. The ids are captured now, not read later from another goroutine.
func (m *Model) Fetch() func(ctx context.Context) SnapshotMsg { return m.fetch(m.shownCamp) }

// FetchKeepingExecutions is Fetch without asking n8n: for a change set
// that concerns another campaign than the one shown, whose executions
// pane keeps its rows (the poll still refreshes them on its interval).
func (m *Model) FetchKeepingExecutions() func(ctx context.Context) SnapshotMsg { return m.fetch(0) }

// ShownCampaign is the campaign whose executions are shown (0: none).
func (m *Model) ShownCampaign() int64 { return m.shownCamp }

func (m *Model) fetch(campID int64) func(ctx context.Context) SnapshotMsg {
	b, gen := m.backend, m.gen
	wsID, status := m.shownWS, m.execFilter
	return func(ctx context.Context) SnapshotMsg {
		s := SnapshotMsg{Gen: gen, WorkspaceID: wsID, CampaignID: campID}
		s.Workspaces, s.Err = b.Workspaces(ctx)
		if s.Err != nil {
			return s
		}
		if wsID != 0 {
			if s.Campaigns, s.Err = b.Campaigns(ctx, wsID); s.Err != nil {
				return s
			}
		}
		if campID != 0 {
			s.Executions, s.ExecErr = b.Executions(ctx, campID, status)
		}
		return s
	}
}

// apply takes a snapshot in. A failed poll changes nothing: the panes keep
// the data they had, and the header shows it as stale.
func (m *Model) apply(s SnapshotMsg) tea.Cmd {
	if s.Workspaces == nil && s.Err != nil {
		return nil
	}
	m.ws.SetRows(s.Workspaces)
	m.loaded = true
	if m.wantWS != 0 {
		return tea.Batch(m.selectWanted(), m.applyPanes(s))
	}
	return m.applyPanes(s)
}

func (m *Model) applyPanes(s SnapshotMsg) tea.Cmd {
	if s.WorkspaceID == m.shownWS && s.Gen == m.gen && s.Err == nil {
		m.camps.SetRows(s.Campaigns)
		m.pruneMarks()
	}
	if s.CampaignID == m.shownCamp && s.Err == nil {
		m.setExecutions(s.Executions, s.ExecErr)
	}
	return m.follow()
}

// follow loads the panes to the right when the selection moved to another
// workspace or campaign than the one they show.
func (m *Model) follow() tea.Cmd {
	m.setCampaignsEmpty()
	var cmds []tea.Cmd
	wsID := int64(0)
	if w, ok := m.ws.Selected(); ok {
		wsID = w.ID
	}
	if wsID != m.shownWS {
		m.shownWS = wsID
		m.camps.SetRows(nil)
		m.execs.SetRows(nil)
		m.shownCamp = 0
		if wsID != 0 {
			m.seqCamps++
			cmds = append(cmds, m.loadCampaigns(wsID, m.seqCamps))
		}
	}
	campID := int64(0)
	if c, ok := m.camps.Selected(); ok {
		campID = c.ID
	}
	if campID != m.shownCamp {
		m.shownCamp = campID
		m.execs.SetRows(nil)
		m.execErr = nil
		if campID != 0 {
			m.seqExecs++
			cmds = append(cmds, m.loadExecutions(campID, m.seqExecs))
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) reloadExecutions() tea.Cmd {
	if m.shownCamp == 0 {
		return nil
	}
	m.seqExecs++
	return m.loadExecutions(m.shownCamp, m.seqExecs)
}

func (m *Model) loadCampaigns(wsID int64, seq int) tea.Cmd {
	b, gen := m.backend, m.gen
	return func() tea.Msg {
		rows, err := b.Campaigns(context.Background(), wsID)
		return campaignsMsg{seq: seq, gen: gen, workspaceID: wsID, rows: rows, err: err}
	}
}

func (m *Model) loadExecutions(campID int64, seq int) tea.Cmd {
	b, st := m.backend, m.execFilter
	return func() tea.Msg {
		rows, err := b.Executions(context.Background(), campID, st)
		return executionsMsg{seq: seq, campaignID: campID, rows: rows, err: err}
	}
}

// setExecutions shows what n8n answered, or keeps the last rows and
// remembers why they are old.
func (m *Model) setExecutions(rows []model.Execution, err error) {
	m.execErr = err
	if err != nil {
		m.execs.Empty = m.instanceWord() + " did not answer: no executions to show"
		return
	}
	m.execs.Empty = "no executions recorded"
	m.execs.SetRows(rows)
}

// pruneMarks forgets marks on campaigns no longer listed.
func (m *Model) pruneMarks() {
	for id := range m.st.marks {
		if _, ok := m.camps.Row(strconv.FormatInt(id, 10)); !ok {
			delete(m.st.marks, id)
		}
	}
}
