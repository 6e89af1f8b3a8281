package model

import "time"

// WorkspaceSummary is a workspace as the fleet pane lists it.
type WorkspaceSummary struct {
	Workspace
	InstanceName   string
	InstanceReach  Reach // whether its n8n answers; a down one marks only its workspaces
	CampaignCounts map[CampaignStatus]int
	Campaigns      int
	Failures24h    int
	// Leads is how many leads the workspace holds (lead_counts, kept by
	// triggers), read with the summary and shown to whoever may view it.
	Leads int64
}

// Execution is one n8n execution as lists show it (no run data).
type Execution struct {
	ID         string
	WorkflowID string
	CampaignID int64
	Status     string // canceled, crashed, error, new, running, success, unknown, waiting
	Mode       string // webhook, trigger, manual, retry, …
	StartedAt  time.Time
	StoppedAt  *time.Time
	RetryOf    string
	RetryID    string
}

// Duration is how long the execution ran, or has run so far.
func (e Execution) Duration(now time.Time) time.Duration {
	if e.StoppedAt != nil {
		return e.StoppedAt.Sub(e.StartedAt)
	}
	return now.Sub(e.StartedAt)
}

// ToggleResult is what a toggle ended with.
type ToggleResult struct {
	Campaign Campaign // the campaign as it is after the attempt
	Outcome  Outcome
	Err      error // set when Outcome is failed or rolled_back: the reason to show
}

// AuditFilter narrows the audit trail; zero values mean "any".
type AuditFilter struct {
	WorkspaceID *int64
	Actor       string
	Outcome     Outcome
	Before      *time.Time // for paging back in time
	Limit       int
}

// InstanceHealth is an n8n instance with what the console knows of it.
type InstanceHealth struct {
	Instance
	Workspaces []string // slugs
}
