package model

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model/genesis"
)

// Audit action of a refused read of provisioning (plans and runs are a
// super admin's; a refusal is the attempt worth a row).
const ActionNameProvisionRead = "workspace.provision_read"

// ProvisionPlan makes the plan of a provisioning without applying it:
// what would be created, in which order, secrets masked in its previews.
func (c *Console) ProvisionPlan(ctx context.Context, actor Actor, req ProvisionRequest) (*genesis.Plan, error) {
	p, err := c.planProvisioning(ctx, actor, req)
	if err != nil {
		return nil, err
	}
	return p.plan(ctx, req.Values, req.Activate, 0, false)
}

// planProvisioning is where a plan without a run starts: the session
// allowed, the workspace and version read; a refusal is audited.
func (c *Console) planProvisioning(ctx context.Context, actor Actor, req ProvisionRequest) (*provisioning, error) {
	fail := func(ws *Workspace, err error) (*provisioning, error) {
		c.auditProvision(ctx, actor, ActionNameProvisionRead, ws, req.Workspace, OutcomeFailed, err, map[string]any{"plan": fmt.Sprintf("%s@v%d", req.Blueprint, req.Version)})
		return nil, err
	}
	if err := c.authorize(ctx, actor, ActionProvision, 0); err != nil {
		return fail(nil, err)
	}
	ps, ok := c.store.(ProvisionStore)
	if !ok {
		return fail(nil, errNoProvisioning)
	}
	ws, err := c.store.WorkspaceBySlug(ctx, req.Workspace)
	if err != nil {
		return fail(nil, fmt.Errorf("workspace %s: %w", req.Workspace, err))
	}
	p, err := c.provisioningOfVersion(ctx, ps, ws, req.Blueprint, req.Version)
	if err != nil {
		return fail(&ws, err)
	}
	return p, nil
}

// ProvisionRuns lists the provisioning runs, of one workspace or ("") all.
func (c *Console) ProvisionRuns(ctx context.Context, actor Actor, slug string) ([]ProvisioningRun, error) {
	ps, ws, err := c.provisionRead(ctx, actor, slug, 0)
	if err != nil {
		return nil, err
	}
	return ps.Runs(ctx, ws.ID)
}

// ProvisionRun is one run with its steps, as recorded.
func (c *Console) ProvisionRun(ctx context.Context, actor Actor, runID int64) (ProvisioningRun, []ProvisioningStep, error) {
	ps, _, err := c.provisionRead(ctx, actor, "", runID)
	if err != nil {
		return ProvisioningRun{}, nil, err
	}
	run, err := ps.Run(ctx, runID)
	if err != nil {
		return run, nil, fmt.Errorf("run %d: %w", runID, err)
	}
	steps, err := ps.RunSteps(ctx, runID)
	return run, steps, err
}

func (c *Console) provisionRead(ctx context.Context, actor Actor, slug string, runID int64) (ProvisionStore, Workspace, error) {
	detail := map[string]any{}
	if runID != 0 {
		detail["run"] = runID
	}
	fail := func(err error) (ProvisionStore, Workspace, error) {
		c.auditProvision(ctx, actor, ActionNameProvisionRead, nil, slug, OutcomeFailed, err, detail)
		return nil, Workspace{}, err
	}
	if err := c.authorize(ctx, actor, ActionProvision, 0); err != nil {
		return fail(err)
	}
	ps, ok := c.store.(ProvisionStore)
	if !ok {
		return fail(errNoProvisioning)
	}
	var ws Workspace
	if slug != "" {
		var err error
		if ws, err = c.store.WorkspaceBySlug(ctx, slug); err != nil {
			return fail(fmt.Errorf("workspace %s: %w", slug, err))
		}
	}
	return ps, ws, nil
}
