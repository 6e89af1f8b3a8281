package ui

import (
	"context"

	"github.com/godmode-console/godmode/model"
	"github.com/godmode-console/godmode/ui/views/provision"
)

// Backend is everything the console asks of the domain. Views call it only
// from tea.Cmds, never from Update or View. model.Console implements it; tests
// use an in-memory one.
type Backend interface {
	onboardingBackend
	forensicsBackend
	// The provisioning wizard's reads and apply (p, :provision).
	provision.Backend
	Health(ctx context.Context) model.Health
	Workspaces(ctx context.Context) ([]model.WorkspaceSummary, error)
	Campaigns(ctx context.Context, workspaceID int64) ([]model.Campaign, error)
	Executions(ctx context.Context, campaignID int64, status string) ([]model.Execution, error)
	Toggle(ctx context.Context, actor model.Actor, campaignID int64, want model.CampaignStatus) model.ToggleResult
	Freeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error
	Unfreeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error
	Audit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error)
	Instances(ctx context.Context) ([]model.InstanceHealth, error)
	// ExecutionData, Retry and FindRetry serve the forensics screen.
	ExecutionData(ctx context.Context, actor model.Actor, campaignID int64, executionID string) ([]byte, error)
	Retry(ctx context.Context, actor model.Actor, campaignID int64, executionID string, loadWorkflow bool) (model.Execution, error)
	FindRetry(ctx context.Context, campaignID int64, originalID string) (*model.Execution, error)
	// MayRetry records a retry the console refused at the key press.
	MayRetry(ctx context.Context, actor model.Actor, campaignID int64, executionID string) error
	// CreateWorkspace records a new workspace, awaiting setup (the "n"
	// form); a refused n is put on the record through it too.
	CreateWorkspace(ctx context.Context, actor model.Actor, in model.NewWorkspace) (model.Workspace, error)
	// Findings lists what the sync loop found (":drift", ":unmanaged").
	Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error)
	// Adopt and AdoptTagged turn unmanaged workflows into campaigns
	// (":unmanaged", a and A).
	Adopt(ctx context.Context, actor model.Actor, slug string, workflowIDs []string) ([]model.AdoptResult, error)
	AdoptTagged(ctx context.Context, actor model.Actor, slug string) ([]model.AdoptResult, error)
	// Changes delivers what changed anywhere (Postgres NOTIFY) gathered
	// into sets. nil when nothing feeds it: the console then has only its
	// poll.
	Changes() <-chan model.ChangeSet
}
