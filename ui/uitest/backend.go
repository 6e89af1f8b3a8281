package uitest

import (
	"context"
	"sync"

	"github.com/godmode-console/godmode/model"
)

// Backend is console.As(actor) with the calls the screens make counted,
// so a test can check that a key reached the model (or did not). It adds
// no rule: every method is the model's.
type Backend struct {
	*model.ActorConsole
	calls *calls
	fleet *Fleet
}

type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func newCalls() *calls { return &calls{n: map[string]int{}} }

func (c *calls) add(method string) {
	c.mu.Lock()
	c.n[method]++
	c.mu.Unlock()
}

// Calls returns how many times the named method ran, over every backend
// of the fleet.
func (b *Backend) Calls(method string) int {
	b.calls.mu.Lock()
	defer b.calls.mu.Unlock()
	return b.calls.n[method]
}

// Health is the model's, counted.
func (b *Backend) Health(ctx context.Context) model.Health {
	b.calls.add("Health")
	return b.ActorConsole.Health(ctx)
}

// Workspaces is the model's, counted.
func (b *Backend) Workspaces(ctx context.Context) ([]model.WorkspaceSummary, error) {
	b.calls.add("Workspaces")
	return b.ActorConsole.Workspaces(ctx)
}

// Campaigns is the model's, counted.
func (b *Backend) Campaigns(ctx context.Context, workspaceID int64) ([]model.Campaign, error) {
	b.calls.add("Campaigns")
	return b.ActorConsole.Campaigns(ctx, workspaceID)
}

// Executions is the model's, counted.
func (b *Backend) Executions(ctx context.Context, campaignID int64, status string) ([]model.Execution, error) {
	b.calls.add("Executions")
	return b.ActorConsole.Executions(ctx, campaignID, status)
}

// Toggle is the model's, counted.
func (b *Backend) Toggle(ctx context.Context, actor model.Actor, campaignID int64, want model.CampaignStatus) model.ToggleResult {
	b.calls.add("Toggle")
	return b.ActorConsole.Toggle(ctx, actor, campaignID, want)
}

// Freeze is the model's, counted.
func (b *Backend) Freeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error {
	b.calls.add("Freeze")
	return b.ActorConsole.Freeze(ctx, actor, workspaceID, reason)
}

// Unfreeze is the model's, counted.
func (b *Backend) Unfreeze(ctx context.Context, actor model.Actor, workspaceID int64, reason string) error {
	b.calls.add("Unfreeze")
	return b.ActorConsole.Unfreeze(ctx, actor, workspaceID, reason)
}

// Retry is the model's, counted.
func (b *Backend) Retry(ctx context.Context, actor model.Actor, campaignID int64, executionID string, loadWorkflow bool) (model.Execution, error) {
	b.calls.add("Retry")
	return b.ActorConsole.Retry(ctx, actor, campaignID, executionID, loadWorkflow)
}

// Fleet is the fixture this backend reads.
func (b *Backend) Fleet() *Fleet { return b.fleet }

// Audit is the model's, counted.
func (b *Backend) Audit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	b.calls.add("Audit")
	return b.ActorConsole.Audit(ctx, f)
}

// Instances is the model's, counted.
func (b *Backend) Instances(ctx context.Context) ([]model.InstanceHealth, error) {
	b.calls.add("Instances")
	return b.ActorConsole.Instances(ctx)
}

// Findings is the model's, counted.
func (b *Backend) Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error) {
	b.calls.add("Findings")
	return b.ActorConsole.Findings(ctx, f)
}

// Adopt is the model's, counted.
func (b *Backend) Adopt(ctx context.Context, actor model.Actor, slug string, workflowIDs []string) ([]model.AdoptResult, error) {
	b.calls.add("Adopt")
	return b.ActorConsole.Adopt(ctx, actor, slug, workflowIDs)
}

// AdoptTagged is the model's, counted.
func (b *Backend) AdoptTagged(ctx context.Context, actor model.Actor, slug string) ([]model.AdoptResult, error) {
	b.calls.add("AdoptTagged")
	return b.ActorConsole.AdoptTagged(ctx, actor, slug)
}

// CreateWorkspace is the model's, counted.
func (b *Backend) CreateWorkspace(ctx context.Context, actor model.Actor, in model.NewWorkspace) (model.Workspace, error) {
	b.calls.add("CreateWorkspace")
	return b.ActorConsole.CreateWorkspace(ctx, actor, in)
}
