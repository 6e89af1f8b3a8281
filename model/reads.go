package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// The read use cases here take the actor and return only what the actor
// may see: a member or viewer of a workspace reads that workspace's
// campaigns, executions, audit rows and findings and nothing of another's;
// a super admin reads everything. Rights are read from Postgres at each
// call (current), so a revoked membership holds in sessions already open.
// A refused read leaves an audit row, like a refused action; reads that
// succeed do not (the console reads all day).

// CampaignListing is a campaign with the names of where it lives.
type CampaignListing struct {
	Campaign
	Workspace string // slug
	Instance  string // "" if the instance is gone
}

// AuditScope is an audit filter with what only these reads need: a start
// time, and the workspaces a reader may see.
type AuditScope struct {
	AuditFilter
	Since *time.Time // only entries at or after it
	// WorkspaceIDs, when not nil, keeps entries of these workspaces only
	// (empty: none).
	WorkspaceIDs []int64
}

// ScopedAuditReader reads the trail within a scope; db.Store implements it.
type ScopedAuditReader interface {
	AuditScoped(ctx context.Context, sc AuditScope) ([]AuditEntry, error)
}

// MaxExecutionsListed caps one execution listing: n8n's largest page.
const MaxExecutionsListed = n8n.MaxPageSize

// visible is the ids of the workspaces the actor may view, or nil for a
// super admin (every workspace), with the actor's current rights.
func (c *Console) visible(ctx context.Context, actor Actor) (Actor, []int64, error) {
	a, err := c.current(ctx, actor)
	if err != nil {
		return a, nil, err
	}
	if a.SuperAdmin {
		return a, nil, nil
	}
	ids := []int64{}
	for id := range a.Roles {
		if Authorize(a, ActionView, id) == nil {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return a, ids, nil
}

// CampaignsFor lists the campaigns of one workspace (workspaceID), or of
// every workspace the actor may view (0), by workspace slug then name.
func (c *Console) CampaignsFor(ctx context.Context, actor Actor, workspaceID int64) ([]CampaignListing, error) {
	wss, err := c.store.WorkspaceSummaries(ctx)
	if err != nil {
		return nil, err
	}
	a, ids, err := c.visible(ctx, actor)
	if err != nil {
		return nil, err
	}
	may := map[int64]bool{}
	for _, id := range ids {
		may[id] = true
	}
	if workspaceID != 0 {
		if err := Authorize(a, ActionView, workspaceID); err != nil {
			c.auditRefusedRead(ctx, actor, "campaigns.list", workspaceID, 0, nil, err)
			return nil, err
		}
	}
	out := []CampaignListing{}
	for _, ws := range wss { // ordered by slug
		if (workspaceID != 0 && ws.ID != workspaceID) || (ids != nil && !may[ws.ID]) {
			continue
		}
		camps, err := c.store.Campaigns(ctx, ws.ID)
		if err != nil {
			return nil, fmt.Errorf("campaigns of %s: %w", ws.Slug, err)
		}
		for _, cp := range camps {
			out = append(out, CampaignListing{Campaign: cp, Workspace: ws.Slug, Instance: ws.InstanceName})
		}
	}
	return out, nil
}

// campaignAt finds the campaign named name in the workspace slug for an
// actor who may view that workspace. A refusal is audited under action,
// what the actor was trying to do with it.
func (c *Console) campaignAt(ctx context.Context, actor Actor, slug, name, action string) (Campaign, error) {
	ws, err := c.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return Campaign{}, err
	}
	if err := c.authorize(ctx, actor, ActionView, ws.ID); err != nil {
		c.auditRefusedRead(ctx, actor, action, ws.ID, 0, map[string]any{"campaign": name}, err)
		return Campaign{}, err
	}
	camps, err := c.store.Campaigns(ctx, ws.ID)
	if err != nil {
		return Campaign{}, err
	}
	var names []string
	for _, cp := range camps {
		if cp.Name == name {
			return cp, nil
		}
		names = append(names, cp.Name)
	}
	if len(names) == 0 {
		return Campaign{}, fmt.Errorf("workspace %s has no campaigns (asked for %q)", slug, name)
	}
	return Campaign{}, fmt.Errorf("workspace %s has no campaign %q (it has: %s)", slug, name, joinMax(names, 10))
}

// ToggleAt is Toggle on the campaign named name in workspace slug, with
// the same rights, locks and audit; an actor who may not even view the
// workspace is refused, and that refusal is the toggle's audit row.
func (c *Console) ToggleAt(ctx context.Context, actor Actor, slug, name string, want CampaignStatus) ToggleResult {
	camp, err := c.campaignAt(ctx, actor, slug, name, "toggle")
	if err != nil {
		return ToggleResult{Outcome: OutcomeFailed, Err: err}
	}
	return c.Toggle(ctx, actor, camp.ID, want)
}

// ExecutionsAt lists the latest executions (newest first, at most limit,
// status "" for all) of the campaign named name in workspace slug.
func (c *Console) ExecutionsAt(ctx context.Context, actor Actor, slug, name, status string, limit int) (Campaign, []Execution, error) {
	camp, err := c.campaignAt(ctx, actor, slug, name, "executions.list")
	if err != nil {
		return camp, nil, err
	}
	ex, err := c.ExecutionsFor(ctx, actor, camp.ID, status, limit)
	return camp, ex, err
}

// ExecutionsFor lists a campaign's latest executions, asked of n8n, for
// an actor who may view the executions of its workspace.
func (c *Console) ExecutionsFor(ctx context.Context, actor Actor, campaignID int64, status string, limit int) ([]Execution, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	if err := c.authorize(ctx, actor, ActionViewExecutions, camp.WorkspaceID); err != nil {
		c.auditRefusedRead(ctx, actor, "executions.list", camp.WorkspaceID, camp.ID, nil, err)
		return nil, err
	}
	if limit <= 0 || limit > MaxExecutionsListed {
		limit = ExecutionsShown
	}
	bound := c.readTimeout
	if d, ok := ctx.Deadline(); ok {
		bound = time.Until(d) // a command's own deadline, shared with who joins
	}
	return c.listExecutions(ctx, camp, status, limit, bound)
}

// AuditFor lists the audit trail as the actor may read it: one workspace's
// rows (sc.WorkspaceID, refused unless the actor may view it), or those of
// every workspace the actor may view. Rows of no workspace (instances,
// users, identity) are for super admins only.
func (c *Console) AuditFor(ctx context.Context, actor Actor, sc AuditScope) ([]AuditEntry, error) {
	sr, ok := c.store.(ScopedAuditReader)
	if !ok {
		return nil, errors.New("this store cannot read the audit trail by workspace")
	}
	a, ids, err := c.visible(ctx, actor)
	if err != nil {
		return nil, err
	}
	if sc.WorkspaceID != nil {
		if err := Authorize(a, ActionView, *sc.WorkspaceID); err != nil {
			c.auditRefusedRead(ctx, actor, "audit.list", *sc.WorkspaceID, 0, nil, err)
			return nil, err
		}
	} else if ids != nil {
		sc.WorkspaceIDs = ids
	}
	return sr.AuditScoped(ctx, sc)
}

// FindingsFor lists what the sync loop found that the actor may see:
// findings of the workspaces they may view (an unmanaged workflow counts
// as the workspace its tag names, if any). The rest, unmanaged workflows
// of no workspace included, are for super admins.
func (c *Console) FindingsFor(ctx context.Context, actor Actor, f FindingFilter) ([]Finding, error) {
	fr, err := c.findingReader()
	if err != nil {
		return nil, err
	}
	_, ids, err := c.visible(ctx, actor)
	if err != nil {
		return nil, err
	}
	if ids != nil {
		f.WorkspaceIDs = ids
	}
	return fr.Findings(ctx, f)
}

// RetryByID retries an execution known by its id on an instance (by name;
// "" for the only one): it finds the campaign whose workflow ran it and
// retries through Retry, with its rights and audit. An execution that
// cannot be found, or that no campaign owns, is a failed retry on the
// record too.
func (c *Console) RetryByID(ctx context.Context, actor Actor, instance, executionID string, loadWorkflow bool) (ExecutionTarget, Execution, error) {
	t := ExecutionTarget{ExecutionID: executionID}
	fail := func(err error) (ExecutionTarget, Execution, error) {
		what := map[string]any{"execution": executionID, "load_workflow": loadWorkflow}
		if t.Instance != "" {
			what["instance"] = t.Instance
		}
		if t.WorkflowID != "" {
			what["workflow"] = t.WorkflowID
		}
		c.auditRefusedRead(ctx, actor, "retry", t.WorkspaceID, t.CampaignID, what, err)
		return t, Execution{}, err
	}
	if c.readOnly {
		return fail(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	in, err := c.pickInstance(ctx, instance)
	if err != nil {
		return t, Execution{}, err
	}
	t.InstanceID, t.Instance = in.ID, in.Name
	err = c.clients.call(ctx, in.ID, func(cl N8n) error {
		info, err := cl.GetExecutionInfo(ctx, executionID)
		if err != nil {
			return err
		}
		t.WorkflowID = info.WorkflowID
		return c.locate(ctx, &t)
	})
	if err != nil {
		return fail(explainExecution(executionID, err))
	}
	if t.CampaignID == 0 {
		if err := c.authorize(ctx, actor, ActionRetry, 0); err != nil {
			return fail(err)
		}
		return fail(fmt.Errorf("execution %s ran workflow %s, which no campaign owns: godmode retries the executions of campaigns only",
			executionID, t.WorkflowID))
	}
	ex, err := c.Retry(ctx, actor, t.CampaignID, executionID, loadWorkflow)
	return t, ex, err
}

// auditRefusedRead records a refused read (or an attempt that failed
// before it reached a workspace): who asked for what, and why not.
func (c *Console) auditRefusedRead(ctx context.Context, actor Actor, action string, workspaceID, campaignID int64, what map[string]any, err error) {
	e := actor.auditEntry(action, OutcomeFailed, err)
	if len(what) > 0 {
		e.Before, _ = json.Marshal(what)
	}
	if workspaceID != 0 {
		e.WorkspaceID = &workspaceID
	}
	if campaignID != 0 {
		e.CampaignID = &campaignID
	}
	c.appendAudit(ctx, e)
}

// SplitCampaignPath splits WORKSPACE/CAMPAIGN, as the commands name a
// campaign; the campaign's name may itself hold slashes.
func SplitCampaignPath(path string) (slug, name string, err error) {
	slug, name, ok := strings.Cut(path, "/")
	if !ok || slug == "" || strings.TrimSpace(name) == "" {
		return "", "", fmt.Errorf("%q does not name a campaign: say WORKSPACE/CAMPAIGN (e.g. ohio/Email-1)", path)
	}
	return slug, name, nil
}
