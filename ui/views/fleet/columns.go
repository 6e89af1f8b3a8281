package fleet

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

// statusStyle maps any status word the panes show to a theme style.
func statusStyle(th *themes.Theme, s string) *lipgloss.Style {
	switch s {
	case "active", "success", "ok":
		return &th.OK
	case "paused", "waiting", "new", "awaiting_setup", "provisioning", "running", "noop":
		return &th.Warn
	case "error", "crashed", "failed", "suspended", "rolled_back":
		return &th.Error
	}
	return &th.Muted
}

func failStyle(th *themes.Theme, n int) *lipgloss.Style {
	if n > 0 {
		return &th.Error
	}
	return &th.Muted
}

func timeCmp(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

func workspaceColumns(th *themes.Theme) []table.Column[model.WorkspaceSummary] {
	type W = model.WorkspaceSummary
	return []table.Column[W]{
		{Title: "N8N", Width: 3, Cell: func(w W) string { return reachGlyph(w.InstanceReach) },
			Style:   func(w W) *lipgloss.Style { return reachStyle(th, w.InstanceReach) },
			Compare: func(a, b W) int { return cmp.Compare(a.InstanceReach.Rank(), b.InstanceReach.Rank()) }},
		{Title: "STATUS", Width: 10, Cell: func(w W) string { return badge(w.Status) },
			Style:   func(w W) *lipgloss.Style { return statusStyle(th, string(w.Status)) },
			Compare: func(a, b W) int { return cmp.Compare(a.Status, b.Status) }},
		{Title: "WORKSPACE", MinWidth: 8, Cell: func(w W) string { return w.Slug },
			Compare: func(a, b W) int { return cmp.Compare(a.Slug, b.Slug) }},
		{Title: "ON/OFF/ERR", Width: 10, Right: true, Cell: func(w W) string {
			return fmt.Sprintf("%d/%d/%d", w.CampaignCounts[model.CampaignActive], w.CampaignCounts[model.CampaignPaused], w.CampaignCounts[model.CampaignError])
		}, Compare: func(a, b W) int { return cmp.Compare(a.Campaigns, b.Campaigns) }},
		{Title: "FAIL24H", Width: 7, Right: true, Cell: func(w W) string { return strconv.Itoa(w.Failures24h) },
			Style:   func(w W) *lipgloss.Style { return failStyle(th, w.Failures24h) },
			Compare: func(a, b W) int { return cmp.Compare(a.Failures24h, b.Failures24h) }},
		{Title: leadsTitle, Width: 6, Right: true, Cell: func(w W) string { return leadCount(w.Leads) },
			Compare: func(a, b W) int { return cmp.Compare(a.Leads, b.Leads) }},
	}
}

// leadsTitle is the lead-count column of both tables. It comes last and is
// the one left out when a pane is too narrow for every column (the
// workspaces pane beside the others), so names keep their room and a sort
// by an earlier column keeps its place.
const leadsTitle = "LEADS"

// fitColumns leaves out the lead-count column when the columns at their
// least would not fit in width cells.
func fitColumns[T any](cols []table.Column[T], width int) []table.Column[T] {
	need := len(cols) - 1 // the separators
	for _, c := range cols {
		if c.MinWidth > 0 {
			need += c.MinWidth
		} else {
			need += c.Width
		}
	}
	if need <= width || len(cols) == 0 || cols[len(cols)-1].Title != leadsTitle {
		return cols
	}
	return cols[:len(cols)-1]
}

// leadCount keeps a count to six cells: 1,234,567 shows as 1.2M.
func leadCount(n int64) string {
	switch {
	case n < 100_000:
		return strconv.FormatInt(n, 10)
	case n < 1_000_000:
		return strconv.FormatInt(n/1000, 10) + "k"
	case n < 1_000_000_000:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + "M"
	}
	return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + "G"
}

func badge(s model.WorkspaceStatus) string {
	switch s {
	case model.WorkspaceActive:
		return "● active"
	case model.WorkspaceSuspended:
		return "■ frozen"
	case model.WorkspaceAwaitingSetup:
		return "○ setup"
	case model.WorkspaceProvisioning:
		return "◌ provis."
	case model.WorkspaceError:
		return "✗ error"
	case model.WorkspaceArchived:
		return "▫ archived"
	}
	return string(s)
}

// campaignColumns reads the pending toggles and marks through st, so a
// flip shows in the very frame the key was pressed.
func campaignColumns(th *themes.Theme, st *toggles, now common.Clock) []table.Column[model.Campaign] {
	type C = model.Campaign
	return []table.Column[C]{
		{Title: " ", Width: 1, Cell: func(c C) string {
			if st.marks[c.ID] {
				return "✓"
			}
			return " "
		}},
		{Title: "SWITCH", Width: 6, Cell: st.switchCell, Styled: true, Style: func(c C) *lipgloss.Style {
			if _, ok := st.pending[c.ID]; ok {
				return &th.SwitchPending
			}
			if c.Status == model.CampaignActive {
				return &th.SwitchOn
			}
			return &th.SwitchOff
		}, Compare: func(a, b C) int { return cmp.Compare(st.shown(a), st.shown(b)) }},
		{Title: "CAMPAIGN", MinWidth: 12, Cell: func(c C) string { return c.Name },
			Compare: func(a, b C) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }},
		{Title: "STATUS", Width: 8, Cell: func(c C) string { return string(c.Status) },
			Style:   func(c C) *lipgloss.Style { return statusStyle(th, string(c.Status)) },
			Compare: func(a, b C) int { return cmp.Compare(a.Status, b.Status) }},
		{Title: "WORKFLOW", Width: 16, MinWidth: 10, Cell: func(c C) string { return c.N8nWorkflowID },
			Compare: func(a, b C) int { return cmp.Compare(a.N8nWorkflowID, b.N8nWorkflowID) }},
		{Title: "LAST RUN", Width: 11, Cell: func(c C) string {
			if c.LastExecStatus == "" {
				return "never"
			}
			return c.LastExecStatus + " " + common.AgePtr(now(), c.LastExecAt)
		}, Style: func(c C) *lipgloss.Style { return statusStyle(th, c.LastExecStatus) },
			Compare: func(a, b C) int { return timeCmp(a.LastExecAt, b.LastExecAt) }},
		{Title: "FAIL24H", Width: 7, Right: true, Cell: func(c C) string { return strconv.Itoa(c.Failures24h) },
			Style:   func(c C) *lipgloss.Style { return failStyle(th, c.Failures24h) },
			Compare: func(a, b C) int { return cmp.Compare(a.Failures24h, b.Failures24h) }},
		{Title: leadsTitle, Width: 6, Right: true, Cell: func(c C) string { return leadCount(c.Leads) },
			Compare: func(a, b C) int { return cmp.Compare(a.Leads, b.Leads) }},
	}
}

func executionColumns(th *themes.Theme, now common.Clock) []table.Column[model.Execution] {
	type E = model.Execution
	return []table.Column[E]{
		{Title: "ID", Width: 8, Cell: func(e E) string { return e.ID },
			Compare: func(a, b E) int { return cmpNumeric(a.ID, b.ID) }},
		{Title: "STATUS", Width: 8, Cell: func(e E) string { return e.Status },
			Style:   func(e E) *lipgloss.Style { return statusStyle(th, e.Status) },
			Compare: func(a, b E) int { return cmp.Compare(a.Status, b.Status) }},
		{Title: "STARTED", Width: 8, Right: true, Cell: func(e E) string { return common.Ago(now(), e.StartedAt) },
			Compare: func(a, b E) int { return a.StartedAt.Compare(b.StartedAt) }},
		{Title: "TOOK", Width: 6, Right: true, Cell: func(e E) string { return common.Dur(e.Duration(now())) },
			Compare: func(a, b E) int { return cmp.Compare(a.Duration(now()), b.Duration(now())) }},
		{Title: "MODE", Width: 8, Cell: func(e E) string { return e.Mode },
			Compare: func(a, b E) int { return cmp.Compare(a.Mode, b.Mode) }},
		{Title: "RETRY OF", MinWidth: 8, Cell: func(e E) string { return e.RetryOf },
			Compare: func(a, b E) int { return cmpNumeric(a.RetryOf, b.RetryOf) }},
	}
}

// cmpNumeric orders n8n's numeric string ids as numbers.
func cmpNumeric(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
}
