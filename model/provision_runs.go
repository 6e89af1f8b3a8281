package model

import (
	"context"
	"fmt"
)

// Tables of provisioning whose changes are announced on the godmode
// channel (migration 00017), so the :runs screen follows a run applied
// anywhere.
const (
	TableProvisioningRuns  = "provisioning_runs"
	TableProvisioningSteps = "provisioning_steps"
)

// RunListLimit is how many runs one read of the list returns, newest first.
const RunListLimit = 500

// RunSummary is a provisioning run as the :runs screen lists it: the run,
// the names of what it applied to, and how far its recorded steps got.
type RunSummary struct {
	ProvisioningRun
	WorkspaceSlug string
	Blueprint     string
	Version       int
	StepsDone     int // steps recorded done
	StepsTotal    int // steps recorded (started, done, failed or undone)
}

// RunSummaryStore is the read of the runs list; db.Store has it.
type RunSummaryStore interface {
	RunSummaries(ctx context.Context, limit int) ([]RunSummary, error)
}

// RunSummaries lists every workspace's provisioning runs, newest first.
// Runs are a super admin's, as the runs themselves are (ActionProvision):
// anyone else is refused, and the refusal is audited.
func (c *Console) RunSummaries(ctx context.Context, actor Actor) ([]RunSummary, error) {
	ps, _, err := c.provisionRead(ctx, actor, "", 0)
	if err != nil {
		return nil, err
	}
	rs, ok := ps.(RunSummaryStore)
	if !ok {
		return nil, fmt.Errorf("%w: this store does not list runs", errNoProvisioning)
	}
	return rs.RunSummaries(ctx, RunListLimit)
}

// ProvisioningRuns lists the runs for this session's actor.
func (c *ActorConsole) ProvisioningRuns(ctx context.Context) ([]RunSummary, error) {
	return c.RunSummaries(ctx, c.actor)
}

// ProvisioningRun is one run with its steps, for this session's actor.
func (c *ActorConsole) ProvisioningRun(ctx context.Context, runID int64) (ProvisioningRun, []ProvisioningStep, error) {
	return c.ProvisionRun(ctx, c.actor, runID)
}
