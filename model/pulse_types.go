package model

import "time"

// The fleet pulse's types are shared by the sync summariser, the pulse
// read, `godmode pulse --json` and the :pulse screen.

// PulseCounts are executions by outcome within one window.
type PulseCounts struct {
	OK      int `json:"ok"`
	Error   int `json:"error"`
	Soft    int `json:"soft_failed"` // ended success with errors swallowed (known once summarised)
	Waiting int `json:"waiting"`
	Crashed int `json:"crashed"`
}

// PulseRow is the pulse of the fleet (WorkspaceID 0) or of one workspace.
type PulseRow struct {
	WorkspaceID int64       `json:"workspace_id,omitempty"`
	Workspace   string      `json:"workspace,omitempty"` // slug
	Hour        PulseCounts `json:"last_hour"`
	Day         PulseCounts `json:"last_24h"`
	// Failures per hour over the last 24 hours, oldest first (24 values),
	// for the sparkline; Runs likewise for all executions.
	Failures []int `json:"failures_by_hour"`
	Runs     []int `json:"runs_by_hour"`
}

// FailureGroup is one kind of failure across workspaces: failed
// executions grouped by node type, error class and normalised message.
type FailureGroup struct {
	Key        string    `json:"key"`  // stable id of the group, for FailureGroupExecutions
	Kind       string    `json:"kind"` // SummaryFailed, SummarySwallowed or SummaryUnreadable
	NodeType   string    `json:"node_type"`
	Class      string    `json:"error_class"` // e.g. "HTTP 429", "NodeOperationError"
	Message    string    `json:"message"`     // normalised: ids and numbers replaced
	Executions int       `json:"executions"`
	Workspaces int       `json:"workspaces"`
	Latest     time.Time `json:"latest"`
}

// PulseBacklog says how far the failure summariser is behind.
type PulseBacklog struct {
	Budget      int       `json:"budget_per_cycle"` // n8n calls per instance and cycle
	Pending     int       `json:"pending"`          // failed executions not yet summarised
	OldestSince time.Time `json:"oldest_pending_since,omitempty"`
}

// Pulse is what :pulse and `godmode pulse --json` show: the last hour
// and 24 hours of the fleet and of each workspace the actor may see, and
// the top failures grouped across them.
type Pulse struct {
	At         time.Time      `json:"at"`
	Fleet      PulseRow       `json:"fleet"`
	Workspaces []PulseRow     `json:"workspaces"`
	Groups     []FailureGroup `json:"top_failures"`
	Backlog    PulseBacklog   `json:"summaries"`
}

// PulseExecution is one execution of a failure group.
type PulseExecution struct {
	Execution
	Workspace string `json:"workspace"`
	Campaign  string `json:"campaign"`
	Node      string `json:"node"`
	Message   string `json:"message"` // as n8n wrote it (not normalised)
}
