package model

import (
	"context"
	"time"
)

// AdoptStore is what adoption, re-linking and archiving need of Postgres;
// db.Store implements it. It is apart from Store so stores made before
// onboarding existed (and fakes) still satisfy Store.
type AdoptStore interface {
	// AdoptCampaign records a workflow as a campaign of a workspace in one
	// transaction: the campaign, its backfilled executions and summary,
	// the workflow's execution watermark, its orphan_workflow finding
	// resolved, and the audit row; a workspace awaiting setup turns active
	// in the same transaction, with its own audit row (SetUp). ErrConflict
	// when a campaign owns the workflow already or has the name in the
	// workspace; ErrNotFound when the workspace is archived meanwhile.
	AdoptCampaign(ctx context.Context, w AdoptWrite) (Campaign, error)
	// RelinkCampaign points a campaign at another workflow if it is still
	// at Before's version: the old workflow's executions go, the new one's
	// are backfilled, and the orphan findings of both are resolved.
	RelinkCampaign(ctx context.Context, w RelinkWrite) (Campaign, error)
	// ArchiveCampaign sets a campaign archived if it is still at Before's
	// version, resolving its orphan_db_record finding.
	ArchiveCampaign(ctx context.Context, w ArchiveWrite) (Campaign, error)
}

// Backfill is a workflow's recent executions read from n8n by workflow id,
// stored with a campaign at once so it does not start at "never".
type Backfill struct {
	Executions    []SyncExecution // CampaignID is set by the store
	Watermark     string          // newest execution id read ("" when none)
	FailuresSince time.Time       // 24 h back: the summary's failure window
	At            time.Time
}

// AdoptWrite is one workflow becoming a campaign.
type AdoptWrite struct {
	WorkspaceID int64
	InstanceID  int64
	Name        string
	WorkflowID  string
	Status      CampaignStatus
	Backfill    Backfill
	// Audit is the ok row for the campaign as written.
	Audit func(Campaign) AuditEntry
	// SetUp is the row of the workspace's move from awaiting_setup to
	// active, written when this adoption is its first campaign: adopting a
	// client's running workflows is its setup.
	SetUp func(Workspace) AuditEntry
}

// RelinkWrite is a campaign moved to another workflow.
type RelinkWrite struct {
	Before     Campaign
	WorkflowID string
	Status     CampaignStatus
	Backfill   Backfill
	Audit      func(Campaign) AuditEntry
}

// ArchiveWrite is a campaign archived.
type ArchiveWrite struct {
	Before Campaign
	Audit  func(Campaign) AuditEntry
}
