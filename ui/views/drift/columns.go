package drift

import (
	"cmp"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/themes"
	"github.com/godmode-console/godmode/ui/common"
	"github.com/godmode-console/godmode/ui/components/table"
)

type F = model.Finding

// kindWords are what a person reads for each kind; "/" finds either these
// or the platform's own names.
var kindWords = map[model.DriftKind]string{
	model.DriftOrphanWorkflow:  "unmanaged",
	model.DriftOrphanDBRecord:  "wf gone",
	model.DriftStateMismatch:   "on/off",
	model.DriftWebhookMismatch: "webhook",
	model.DriftVersionMismatch: "version",
}

func kindWord(k model.DriftKind) string {
	if w, ok := kindWords[k]; ok {
		return w
	}
	return string(k)
}

// needsYou: sync could not correct it and it is still true.
func needsYou(f F) bool { return !f.Corrected && f.ResolvedAt == nil }

// State says what became of a finding, as the STATE column shows it.
func State(f F) string {
	switch {
	case f.Corrected:
		return "corrected"
	case f.ResolvedAt != nil:
		return "gone"
	}
	return "needs you"
}

func stateRank(f F) int {
	switch {
	case needsYou(f):
		return 0
	case f.Corrected:
		return 1
	}
	return 2
}

func stateStyle(th *themes.Theme, f F) *lipgloss.Style {
	switch stateRank(f) {
	case 0:
		return &th.Warn
	case 1:
		return &th.OK
	}
	return &th.Muted
}

// Subject names what a finding is about: the campaign when there is one,
// else the workflow.
func Subject(f F) string {
	switch {
	case f.CampaignName != "":
		return f.CampaignName
	case f.WorkflowName != "":
		return f.WorkflowName + " (" + f.WorkflowID + ")"
	}
	return f.WorkflowID
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func haystack(f F) string {
	return strings.Join([]string{string(f.Kind), kindWord(f.Kind), State(f), f.InstanceName, f.WorkspaceSlug,
		f.CampaignName, f.WorkflowID, f.WorkflowName, f.Detail}, " ")
}

func recentColumns(th *themes.Theme, now common.Clock) []table.Column[F] {
	return []table.Column[F]{
		{Title: "WHEN", Width: 7, Right: true, Cell: func(f F) string { return common.Ago(now(), f.FirstSeenAt) },
			Compare: func(a, b F) int { return a.FirstSeenAt.Compare(b.FirstSeenAt) }},
		{Title: "STATE", Width: 9, Cell: State, Style: func(f F) *lipgloss.Style { return stateStyle(th, f) },
			Compare: func(a, b F) int { return cmp.Compare(stateRank(a), stateRank(b)) }},
		{Title: "KIND", Width: 9, Cell: func(f F) string { return kindWord(f.Kind) },
			Compare: func(a, b F) int { return cmp.Compare(kindWord(a.Kind), kindWord(b.Kind)) }},
		{Title: "INSTANCE", Width: 12, Cell: func(f F) string { return f.InstanceName },
			Compare: func(a, b F) int { return cmp.Compare(a.InstanceName, b.InstanceName) }},
		{Title: "WORKSPACE", Width: 10, Cell: func(f F) string { return dash(f.WorkspaceSlug) },
			Compare: func(a, b F) int { return cmp.Compare(a.WorkspaceSlug, b.WorkspaceSlug) }},
		{Title: "CAMPAIGN / WORKFLOW", MinWidth: 10, Cell: Subject,
			Compare: func(a, b F) int { return cmp.Compare(Subject(a), Subject(b)) }},
		{Title: "DETAIL", MinWidth: 10, Cell: func(f F) string { return f.Detail }},
	}
}

func unmanagedColumns(th *themes.Theme, now common.Clock) []table.Column[F] {
	return []table.Column[F]{
		{Title: "INSTANCE", Width: 12, Cell: func(f F) string { return f.InstanceName },
			Compare: func(a, b F) int { return cmp.Compare(a.InstanceName, b.InstanceName) }},
		{Title: "WORKFLOW ID", Width: 16, Cell: func(f F) string { return f.WorkflowID },
			Compare: func(a, b F) int { return cmp.Compare(a.WorkflowID, b.WorkflowID) }},
		{Title: "NAME", MinWidth: 12, Cell: func(f F) string { return f.WorkflowName },
			Compare: func(a, b F) int { return cmp.Compare(a.WorkflowName, b.WorkflowName) }},
		{Title: "TAGGED WS", Width: 12, Cell: func(f F) string { return dash(f.WorkspaceSlug) },
			Style: func(f F) *lipgloss.Style {
				if f.WorkspaceSlug == "" {
					return &th.Muted
				}
				return &th.Row
			},
			Compare: func(a, b F) int { return cmp.Compare(a.WorkspaceSlug, b.WorkspaceSlug) }},
		{Title: "FIRST SEEN", Width: 10, Right: true, Cell: func(f F) string { return common.Ago(now(), f.FirstSeenAt) },
			Compare: func(a, b F) int { return a.FirstSeenAt.Compare(b.FirstSeenAt) }},
	}
}
