package model

import (
	"context"
	"errors"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// Store is what the use cases need of Postgres; db.Store implements it.
type Store interface {
	Ping(ctx context.Context) error
	WorkspaceSummaries(ctx context.Context) ([]WorkspaceSummary, error)
	Workspace(ctx context.Context, id int64) (Workspace, error)
	WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error)
	SetWorkspaceStatus(ctx context.Context, id int64, status WorkspaceStatus, reason string) (Workspace, error)
	Campaigns(ctx context.Context, workspaceID int64) ([]Campaign, error)
	Campaign(ctx context.Context, id int64) (Campaign, error)
	CampaignByWorkflow(ctx context.Context, instanceID int64, workflowID string) (Campaign, error)
	Instances(ctx context.Context) ([]Instance, error)
	Instance(ctx context.Context, id int64) (Instance, error)
	InstanceAPIKey(ctx context.Context, id int64) (string, error)
	RecordInstanceHealth(ctx context.Context, id int64, healthy bool, latency time.Duration, lastErr string) error
	AppendAudit(ctx context.Context, e AuditEntry) (AuditEntry, error)
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	// WithCampaignLock runs fn while holding a lock on the campaign that
	// every process respects (a Postgres advisory lock), so toggles of one
	// campaign happen one after the other wherever they come from.
	WithCampaignLock(ctx context.Context, campaignID int64, fn func(ctx context.Context) error) error
	// WithWorkspaceLock runs fn while holding the workspace's lock across
	// processes: toggles take it shared, freeze and unfreeze exclusive, so
	// a freeze never interleaves with a toggle. Locks taken inside fn
	// share its connection.
	WithWorkspaceLock(ctx context.Context, workspaceID int64, mode LockMode, fn func(ctx context.Context) error) error
	// SetPending records a wished-for status, and who wished it, before n8n
	// is called, so a crash leaves a trace the sync loop settles and audits.
	SetPending(ctx context.Context, campaignID int64, w PendingWish) (Campaign, error)
	// Settle writes the final status, clears the wish and bumps the version.
	Settle(ctx context.Context, campaignID int64, status CampaignStatus, lastError string) (Campaign, error)
	// MarkForResume flags (or unflags) campaigns that a freeze paused, so
	// an unfreeze restarts exactly those.
	MarkForResume(ctx context.Context, campaignID int64, resume bool) error
	ResumeList(ctx context.Context, workspaceID int64) ([]Campaign, error)
	// BeginFreeze suspends the workspace and marks a freeze under way (by
	// whom, since when) before any n8n call; EndFreeze clears the mark.
	BeginFreeze(ctx context.Context, workspaceID int64, reason, by string) (Workspace, error)
	EndFreeze(ctx context.Context, workspaceID int64) (Workspace, error)
}

// LockMode is how WithWorkspaceLock takes the workspace's lock.
type LockMode int

const (
	LockShared       LockMode = iota // a toggle: many at once, none during a freeze
	LockExclusive                    // a freeze or an unfreeze: alone
	LockSharedOrSkip                 // sync: shared, or ErrLockBusy at once if a freeze holds it
)

// ErrLockBusy says a lock asked for without waiting is held elsewhere.
var ErrLockBusy = errors.New("held by another process")

// PendingWish is a toggle's wish as recorded before n8n is called.
type PendingWish struct {
	Status      CampaignStatus
	ActorName   string
	ActorUserID *int64
	Action      string // toggle, freeze or unfreeze
}

// N8n is what the use cases need of one n8n instance; *n8n.Client
// implements it.
type N8n interface {
	// Toggles.
	GetWorkflow(ctx context.Context, id string) (n8n.Workflow, error)
	Activate(ctx context.Context, id string) (n8n.Workflow, error)
	Deactivate(ctx context.Context, id string) (n8n.Workflow, error)
	// Sync reads every workflow, 250 a page, and new executions.
	ListWorkflows(ctx context.Context, f n8n.WorkflowFilter, cursor string) (n8n.Page[n8n.Workflow], error)
	ListExecutions(ctx context.Context, f n8n.ExecutionFilter, cursor string) (n8n.Page[n8n.Execution], error)
	// Forensics reads one execution whole, and retries it.
	GetExecutionInfo(ctx context.Context, id string) (n8n.Execution, error)
	GetExecution(ctx context.Context, id string, includeData bool) ([]byte, error)
	RetryExecution(ctx context.Context, id string, loadWorkflow bool) (n8n.Execution, error)
	// Capabilities: what the instance can do, learned by probing, and
	// waiting until a production webhook answers after an activation.
	ProbeCapabilities(ctx context.Context) (n8n.Capabilities, error)
	WaitRegistered(ctx context.Context, h n8n.WebhookNode, limit time.Duration) error
}

// Dialer builds a client for an instance from its base URL and API key.
type Dialer func(baseURL, apiKey string) N8n
