package model

import (
	"encoding/json"
	"time"
)

// DriftKind names what the sync loop found; the names are the platform's own.
type DriftKind string

const (
	DriftOrphanWorkflow  DriftKind = "orphan_workflow"  // in n8n, owned by no campaign
	DriftOrphanDBRecord  DriftKind = "orphan_db_record" // a campaign whose workflow is gone
	DriftStateMismatch   DriftKind = "state_mismatch"   // active in one, not the other
	DriftWebhookMismatch DriftKind = "webhook_mismatch" // recorded URL differs from the workflow's
	DriftVersionMismatch DriftKind = "version_mismatch" // workflow differs from its blueprint version
)

// DriftKinds lists every kind.
var DriftKinds = []DriftKind{DriftOrphanWorkflow, DriftOrphanDBRecord, DriftStateMismatch, DriftWebhookMismatch, DriftVersionMismatch}

// Finding is one thing the sync loop found, corrected or left for a person.
type Finding struct {
	ID            int64
	Kind          DriftKind
	InstanceID    int64
	InstanceName  string
	WorkspaceID   *int64
	WorkspaceSlug string // for unmanaged workflows: the workspace their tag names, if any
	CampaignID    *int64
	CampaignName  string
	WorkflowID    string
	WorkflowName  string
	Detail        string
	Before        json.RawMessage
	After         json.RawMessage
	Corrected     bool // sync fixed Postgres; false: a person must look
	FirstSeenAt   time.Time
	LastSeenAt    time.Time
	ResolvedAt    *time.Time
}

// Change is one NOTIFY: which row of which table changed. Listeners re-read
// what they show rather than trust a payload.
type Change struct {
	Table       string `json:"table"`
	Op          string `json:"op"`
	ID          int64  `json:"id"`
	WorkspaceID *int64 `json:"workspace_id"`
}
