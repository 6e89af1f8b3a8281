package model

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// Audit actions of onboarding.
const (
	ActionNameAdopt   = "campaign.adopt"
	ActionNameRelink  = "campaign.relink"
	ActionNameArchive = "campaign.archive"
)

// BackfillWindow is how far back adoption reads a workflow's executions:
// the campaigns pane's failure count covers 24 h. The newest execution is
// kept even when older, so "last run" is never "never" for a workflow that ran.
const BackfillWindow = 24 * time.Hour

// backfillPages bounds a backfill's reads (250 executions a page).
const backfillPages = 4

// AdoptResult is what became of one workflow asked to be adopted.
type AdoptResult struct {
	WorkflowID string
	Workflow   string   // its name in n8n, once read
	Campaign   Campaign // as written, when Err is nil
	Backfilled int      // executions stored at once
	Err        error
}

// errNoAdoption is what a console over a store without adoption answers.
var errNoAdoption = errors.New("this store does not record adoptions")

func (c *Console) adoptStore() (AdoptStore, error) {
	as, ok := c.store.(AdoptStore)
	if !ok {
		return nil, errNoAdoption
	}
	return as, nil
}

// Adopt turns n8n workflows of the workspace's instance into campaigns of
// the workspace, each audited (refusals too) and backfilled with its
// recent executions. The error is set when nothing could be tried (the
// actor may not, the workspace is unknown); each result says how its
// workflow went.
func (c *Console) Adopt(ctx context.Context, actor Actor, slug string, workflowIDs []string) ([]AdoptResult, error) {
	ids := slices.Compact(slices.Clone(workflowIDs))
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: say which workflows to adopt into %s", ErrInvalid, slug)
	}
	ws, cl, err := c.adoptAllowed(ctx, actor, slug, ids, false)
	if err != nil {
		return nil, err
	}
	out := make([]AdoptResult, 0, len(ids))
	for _, id := range ids {
		out = append(out, c.adoptOne(ctx, actor, ws, cl, id))
	}
	return out, nil
}

// AdoptTagged adopts every workflow of the workspace's instance that no
// campaign owns and whose tag names the workspace (ws:SLUG, or the bare slug).
func (c *Console) AdoptTagged(ctx context.Context, actor Actor, slug string) ([]AdoptResult, error) {
	ws, cl, err := c.adoptAllowed(ctx, actor, slug, nil, true)
	if err != nil {
		return nil, err
	}
	var ids []string
	cursor := ""
	for page := 1; ; page++ {
		if page > maxWorkflowPages {
			return nil, c.adoptRefused(ctx, actor, &ws, "", true, fmt.Errorf("listing workflows: more than %d pages; the cursor may loop", maxWorkflowPages))
		}
		rctx, cancel := c.readBound(ctx)
		p, err := cl.ListWorkflows(rctx, n8n.WorkflowFilter{Limit: n8n.MaxPageSize}, cursor)
		cancel()
		if err != nil {
			return nil, c.adoptRefused(ctx, actor, &ws, "", true, fmt.Errorf("listing the workflows of workspace %s's instance, page %d: %w", slug, page, err))
		}
		for _, wf := range p.Data {
			if !wf.IsArchived && TaggedFor(wf, slug) {
				if _, err := c.store.CampaignByWorkflow(ctx, *ws.InstanceID, wf.ID); errors.Is(err, ErrNotFound) {
					ids = append(ids, wf.ID)
				}
			}
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			break
		}
	}
	out := make([]AdoptResult, 0, len(ids))
	for _, id := range slices.Compact(ids) {
		out = append(out, c.adoptOne(ctx, actor, ws, cl, id))
	}
	return out, nil
}

// TaggedFor says whether a workflow carries the tag of workspace slug.
func TaggedFor(wf n8n.Workflow, slug string) bool {
	for _, t := range wf.Tags {
		if t.Name == WorkspaceTagPrefix+slug || t.Name == slug {
			return true
		}
	}
	return false
}

// adoptAllowed authorises an adoption and finds the workspace and its
// instance's client; a refusal is audited once per workflow asked for.
func (c *Console) adoptAllowed(ctx context.Context, actor Actor, slug string, ids []string, tagged bool) (Workspace, N8n, error) {
	refuse := func(ws *Workspace, err error) (Workspace, N8n, error) {
		if len(ids) == 0 {
			return Workspace{}, nil, c.adoptRefused(ctx, actor, ws, "", tagged, err)
		}
		for _, id := range ids {
			c.adoptRefused(ctx, actor, ws, id, tagged, err)
		}
		return Workspace{}, nil, err
	}
	if c.readOnly {
		return refuse(nil, fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := c.authorize(ctx, actor, ActionAdopt, 0); err != nil {
		return refuse(nil, err)
	}
	if _, err := c.adoptStore(); err != nil {
		return refuse(nil, err)
	}
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return refuse(nil, fmt.Errorf("workspace %s: %w", slug, err))
	}
	if ws.Status == WorkspaceArchived {
		return refuse(&ws, archivedError(slug))
	}
	if ws.InstanceID == nil {
		return refuse(&ws, fmt.Errorf("workspace %s lives on no n8n instance: it has no workflows to adopt", slug))
	}
	cl, err := c.clients.get(ctx, *ws.InstanceID)
	if err != nil {
		return refuse(&ws, fmt.Errorf("n8n instance of workspace %s: %w", slug, err))
	}
	return ws, cl, nil
}

// adoptRefused audits a failed adoption attempt and returns err.
func (c *Console) adoptRefused(ctx context.Context, actor Actor, ws *Workspace, workflowID string, tagged bool, err error) error {
	e := actor.auditEntry(ActionNameAdopt, OutcomeFailed, err)
	st := map[string]any{}
	if workflowID != "" {
		st["workflow_id"] = workflowID
	}
	if tagged {
		st["tagged"] = true
	}
	if ws != nil {
		e.WorkspaceID = &ws.ID
		st["workspace"] = ws.Slug
	}
	e.After = jsonObject(st)
	c.appendAudit(ctx, e)
	return err
}

func (c *Console) adoptOne(ctx context.Context, actor Actor, ws Workspace, cl N8n, id string) AdoptResult {
	res := AdoptResult{WorkflowID: id}
	fail := func(err error) AdoptResult {
		res.Err = c.adoptRefused(ctx, actor, &ws, id, false, err)
		return res
	}
	rctx, cancel := c.readBound(ctx)
	wf, err := cl.GetWorkflow(rctx, id)
	cancel()
	switch {
	case isGone(err):
		return fail(fmt.Errorf("workflow %s is not in n8n on workspace %s's instance: %w", id, ws.Slug, ErrNotFound))
	case err != nil:
		return fail(fmt.Errorf("reading workflow %s: %w", id, err))
	case wf.IsArchived:
		return fail(fmt.Errorf("%w: workflow %s is archived in n8n", ErrInvalid, id))
	}
	res.Workflow = wf.Name
	if owner, err := c.store.CampaignByWorkflow(ctx, *ws.InstanceID, id); err == nil {
		return fail(fmt.Errorf("%w: workflow %s is already campaign %q (id %d)", ErrConflict, id, owner.Name, owner.ID))
	}
	now := c.now()
	b, err := c.readBackfill(ctx, cl, id, now)
	if err != nil {
		return fail(err)
	}
	name := strings.TrimSpace(wf.Name)
	if name == "" {
		name = "workflow " + id
	}
	as, _ := c.adoptStore()
	var camp Campaign
	// Shared, as a toggle: an archive (exclusive) never interleaves, so
	// no campaign lands in a workspace archived meanwhile.
	err = c.store.WithWorkspaceLock(ctx, ws.ID, LockShared, func(ctx context.Context) error {
		cur, err := c.store.Workspace(ctx, ws.ID)
		if err != nil {
			return err
		}
		if cur.Status == WorkspaceArchived {
			return archivedError(cur.Slug)
		}
		camp, err = as.AdoptCampaign(ctx, AdoptWrite{WorkspaceID: ws.ID, InstanceID: *ws.InstanceID, Name: name, WorkflowID: id,
			Status: statusOf(wf.Active), Backfill: b, Audit: func(camp Campaign) AuditEntry {
				return onboardingAudit(actor, ActionNameAdopt, Campaign{}, camp, map[string]any{"workflow_id": id, "backfilled": len(b.Executions)})
			}, SetUp: func(after Workspace) AuditEntry { return setUpAudit(actor, after, name) }})
		return err
	})
	if err != nil {
		return fail(err)
	}
	c.shared.forgetCampaign(ws.ID, camp.ID)
	res.Campaign, res.Backfilled = camp, len(b.Executions)
	return res
}

// readBackfill reads a workflow's executions by workflow id: the last
// BackfillWindow of them (at most backfillPages pages), and the newest
// whatever its age.
func (c *Console) readBackfill(ctx context.Context, cl N8n, workflowID string, now time.Time) (Backfill, error) {
	return readBackfill(ctx, cl, workflowID, now, c.readTimeout)
}

// readBackfill is Console.readBackfill for the console and the sync loop,
// each request within bound.
func readBackfill(ctx context.Context, cl N8n, workflowID string, now time.Time, bound time.Duration) (Backfill, error) {
	b := Backfill{FailuresSince: now.Add(-BackfillWindow), At: now}
	oldest := now.Add(-BackfillWindow)
	cursor := ""
	for page := 1; page <= backfillPages; page++ {
		rctx, cancel := context.WithTimeout(ctx, bound)
		p, err := cl.ListExecutions(rctx, n8n.ExecutionFilter{WorkflowID: workflowID, Limit: n8n.MaxPageSize}, cursor)
		cancel()
		if err != nil {
			return b, fmt.Errorf("reading the executions of workflow %s, page %d: %w", workflowID, page, err)
		}
		for _, e := range p.Data {
			if e.WorkflowID != "" && e.WorkflowID != workflowID {
				continue
			}
			if b.Watermark == "" || n8n.Newer(e.ID, b.Watermark) {
				b.Watermark = e.ID
			}
			if e.StartedAt.IsZero() {
				continue // not started yet: sync stores it once it has
			}
			if len(b.Executions) > 0 && e.StartedAt.Before(oldest) {
				return b, nil
			}
			b.Executions = append(b.Executions, syncExecution(e))
		}
		if cursor = p.Next(); cursor == "" || len(p.Data) == 0 {
			break
		}
	}
	return b, nil
}

// syncExecution is an n8n execution as stored, its status one godmode knows.
func syncExecution(e n8n.Execution) SyncExecution {
	st := string(e.Status)
	if !slices.Contains(n8n.Statuses, e.Status) {
		st = string(n8n.StatusUnknown)
	}
	return SyncExecution{ID: e.ID, Status: st, Mode: e.Mode, StartedAt: e.StartedAt, StoppedAt: e.StoppedAt, RetryOf: e.RetryOf}
}

// onboardingAudit is the ok row of an adoption, re-link or archive.
func onboardingAudit(actor Actor, action string, before, after Campaign, detail map[string]any) AuditEntry {
	e := actor.auditEntry(action, OutcomeOK, nil)
	e.WorkspaceID, e.CampaignID = &after.WorkspaceID, &after.ID
	if before.ID != 0 {
		e.Before = campaignState(before, "")
	}
	st := map[string]any{"campaign": after.Name, "status": after.Status, "version": after.Version}
	for k, v := range detail {
		st[k] = v
	}
	e.After = jsonObject(st)
	return e
}

// setUpAudit is the row of a workspace set up by adopting its first
// campaign: awaiting_setup to active.
func setUpAudit(actor Actor, ws Workspace, campaign string) AuditEntry {
	e := actor.auditEntry(AuditWorkspaceSetUp, OutcomeOK, nil)
	e.WorkspaceID = &ws.ID
	e.Before = jsonObject(map[string]any{"workspace": ws.Slug, "status": WorkspaceAwaitingSetup})
	e.After = jsonObject(map[string]any{"workspace": ws.Slug, "status": ws.Status, "set_up_by": "adoption", "campaign": campaign})
	return e
}
