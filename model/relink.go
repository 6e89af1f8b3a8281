package model

import (
	"context"
	"fmt"
)

// Relink points campaign name of workspace slug, whose workflow is gone
// from n8n, at another workflow of the same instance that no campaign
// owns: its status comes from that workflow and its recent executions are
// backfilled. Super admins only; every attempt is audited.
func (c *Console) Relink(ctx context.Context, actor Actor, slug, name, workflowID string) (Campaign, error) {
	camp, cl, fail, err := c.onboardingCampaign(ctx, actor, ActionNameRelink, slug, name, map[string]any{"workflow_id": workflowID})
	if err != nil {
		return camp, err
	}
	if workflowID == "" {
		return camp, fail(fmt.Errorf("%w: say which workflow campaign %s/%s is to run", ErrInvalid, slug, name))
	}
	if err := c.requireGone(ctx, cl, camp, "re-link"); err != nil {
		return camp, fail(err)
	}
	rctx, cancel := c.readBound(ctx)
	wf, err := cl.GetWorkflow(rctx, workflowID)
	cancel()
	switch {
	case isGone(err):
		return camp, fail(fmt.Errorf("workflow %s is not in n8n on the campaign's instance: %w", workflowID, ErrNotFound))
	case err != nil:
		return camp, fail(fmt.Errorf("reading workflow %s: %w", workflowID, err))
	case wf.IsArchived:
		return camp, fail(fmt.Errorf("%w: workflow %s is archived in n8n", ErrInvalid, workflowID))
	}
	if owner, err := c.store.CampaignByWorkflow(ctx, camp.InstanceID, workflowID); err == nil {
		return camp, fail(fmt.Errorf("%w: workflow %s is already campaign %q (id %d)", ErrConflict, workflowID, owner.Name, owner.ID))
	}
	b, err := c.readBackfill(ctx, cl, workflowID, c.now())
	if err != nil {
		return camp, fail(err)
	}
	as, _ := c.adoptStore()
	before := camp
	after, err := as.RelinkCampaign(ctx, RelinkWrite{Before: camp, WorkflowID: workflowID, Status: statusOf(wf.Active), Backfill: b,
		Audit: func(after Campaign) AuditEntry {
			return onboardingAudit(actor, ActionNameRelink, before, after, map[string]any{
				"workflow_id": workflowID, "previous_workflow_id": before.N8nWorkflowID, "backfilled": len(b.Executions)})
		}})
	if err != nil {
		return camp, fail(err)
	}
	c.shared.forgetCampaign(after.WorkspaceID, after.ID)
	return after, nil
}

// Archive sets campaign name of workspace slug archived: sync leaves it
// alone from then on. A workflow still active in n8n is refused (pause it
// first), so archiving never hides a running campaign. Super admins only;
// every attempt is audited.
func (c *Console) Archive(ctx context.Context, actor Actor, slug, name string) (Campaign, error) {
	camp, cl, fail, err := c.onboardingCampaign(ctx, actor, ActionNameArchive, slug, name, nil)
	if err != nil {
		return camp, err
	}
	if camp.Status == CampaignArchived {
		return camp, fail(fmt.Errorf("%w: campaign %s/%s is archived already", ErrInvalid, slug, name))
	}
	rctx, cancel := c.readBound(ctx)
	wf, err := cl.GetWorkflow(rctx, camp.N8nWorkflowID)
	cancel()
	switch {
	case isGone(err):
	case err != nil:
		return camp, fail(fmt.Errorf("reading workflow %s: %w", camp.N8nWorkflowID, err))
	case wf.Active:
		return camp, fail(fmt.Errorf("%w: workflow %s of campaign %s/%s is active in n8n: pause it first", ErrInvalid, camp.N8nWorkflowID, slug, name))
	}
	as, _ := c.adoptStore()
	before := camp
	after, err := as.ArchiveCampaign(ctx, ArchiveWrite{Before: camp, Audit: func(after Campaign) AuditEntry {
		return onboardingAudit(actor, ActionNameArchive, before, after, map[string]any{"workflow_id": before.N8nWorkflowID})
	}})
	if err != nil {
		return camp, fail(err)
	}
	c.shared.forgetCampaign(after.WorkspaceID, after.ID)
	return after, nil
}

// requireGone refuses to re-link a campaign whose workflow n8n still has:
// the campaign would silently stop managing a workflow that runs.
func (c *Console) requireGone(ctx context.Context, cl N8n, camp Campaign, what string) error {
	rctx, cancel := c.readBound(ctx)
	_, err := cl.GetWorkflow(rctx, camp.N8nWorkflowID)
	cancel()
	switch {
	case isGone(err):
		return nil
	case err != nil:
		return fmt.Errorf("checking workflow %s of campaign %s is gone: %w", camp.N8nWorkflowID, camp.Name, err)
	}
	return fmt.Errorf("%w: workflow %s of campaign %s is still in n8n; %s is for a campaign whose workflow is gone", ErrInvalid, camp.N8nWorkflowID, camp.Name, what)
}

// onboardingCampaign authorises a re-link or archive and finds the
// campaign and its instance's client. fail audits a failed attempt.
func (c *Console) onboardingCampaign(ctx context.Context, actor Actor, action, slug, name string, detail map[string]any) (Campaign, N8n, func(error) error, error) {
	var camp Campaign
	var wsID *int64
	fail := func(err error) error {
		e := actor.auditEntry(action, OutcomeFailed, err)
		st := map[string]any{"workspace": slug, "campaign": name}
		for k, v := range detail {
			st[k] = v
		}
		e.After = jsonObject(st)
		e.WorkspaceID = wsID
		if camp.ID != 0 {
			e.CampaignID = &camp.ID
			e.Before = campaignState(camp, "")
		}
		c.appendAudit(ctx, e)
		return err
	}
	if c.readOnly {
		return camp, nil, fail, fail(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := c.authorize(ctx, actor, ActionAdopt, 0); err != nil {
		return camp, nil, fail, fail(err)
	}
	if _, err := c.adoptStore(); err != nil {
		return camp, nil, fail, fail(err)
	}
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return camp, nil, fail, fail(fmt.Errorf("workspace %s: %w", slug, err))
	}
	wsID = &ws.ID
	if ws.Status == WorkspaceArchived && action == ActionNameRelink {
		// A new workflow would be one to run: the workspace comes back first.
		return camp, nil, fail, fail(archivedError(slug))
	}
	camps, err := c.store.Campaigns(ctx, ws.ID)
	if err != nil {
		return camp, nil, fail, fail(err)
	}
	for _, cp := range camps {
		if cp.Name == name {
			camp = cp
		}
	}
	if camp.ID == 0 {
		return camp, nil, fail, fail(fmt.Errorf("workspace %s has no campaign %q: %w", slug, name, ErrNotFound))
	}
	cl, err := c.clients.get(ctx, camp.InstanceID)
	if err != nil {
		return camp, nil, fail, fail(fmt.Errorf("n8n instance of campaign %s/%s: %w", slug, name, err))
	}
	return camp, cl, fail, nil
}
