package fleet

import (
	"context"

	"github.com/godmode-console/godmode/model"
)

// Backend is the part of ui.Backend this view calls, always from a tea.Cmd.
type Backend interface {
	Workspaces(ctx context.Context) ([]model.WorkspaceSummary, error)
	Campaigns(ctx context.Context, workspaceID int64) ([]model.Campaign, error)
	Executions(ctx context.Context, campaignID int64, status string) ([]model.Execution, error)
	Toggle(ctx context.Context, actor model.Actor, campaignID int64, want model.CampaignStatus) model.ToggleResult
	Freeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error
	Unfreeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error
	// CreateWorkspace is called here only to put a refused n on the record.
	CreateWorkspace(ctx context.Context, actor model.Actor, in model.NewWorkspace) (model.Workspace, error)
	// RelinkChoices, Relink and Archive answer a campaign whose workflow
	// is gone (L and X on the campaigns pane).
	RelinkChoices(ctx context.Context, actor model.Actor, slug, name string) ([]model.WorkflowChoice, error)
	Relink(ctx context.Context, actor model.Actor, slug, name, workflowID string) (model.Campaign, error)
	Archive(ctx context.Context, actor model.Actor, slug, name string) (model.Campaign, error)
}
