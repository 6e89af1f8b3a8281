package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/godmode-console/godmode/forensics/safetext"
	"github.com/godmode-console/godmode/n8n"
)

// ErrWrongCampaign refuses an execution id that belongs to another
// workflow than the campaign it was asked through: without this check a
// member of one workspace could read another's execution on a shared n8n.
var ErrWrongCampaign = errors.New("the execution is not one of this campaign's")

// ExecutionTarget is where an execution opened by id lives.
type ExecutionTarget struct {
	InstanceID  int64
	Instance    string
	ExecutionID string
	WorkflowID  string
	CampaignID  int64 // 0 when no campaign owns the workflow
	Campaign    string
	WorkspaceID int64 // 0 likewise
	Workspace   string
}

// ExecutionData returns the execution's JSON with its run data, as n8n sent
// it, for the forensics screen to open. The actor must be allowed to view
// the campaign's executions, and the execution must belong to the
// campaign's workflow; both are checked before any run data is fetched,
// and a refusal of either leaves an audit row.
func (c *Console) ExecutionData(ctx context.Context, actor Actor, campaignID int64, executionID string) ([]byte, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	t := ExecutionTarget{InstanceID: camp.InstanceID, ExecutionID: executionID, WorkflowID: camp.N8nWorkflowID,
		CampaignID: camp.ID, Campaign: camp.Name, WorkspaceID: camp.WorkspaceID}
	if err := c.authorize(ctx, actor, ActionViewExecutions, camp.WorkspaceID); err != nil {
		c.auditInspectRefused(ctx, actor, t, err)
		return nil, err
	}
	var raw []byte
	err = c.clients.call(ctx, camp.InstanceID, func(cl N8n) error {
		if _, err := c.executionOf(ctx, cl, camp, executionID); err != nil {
			if errors.Is(err, ErrWrongCampaign) {
				c.auditInspectRefused(ctx, actor, t, err)
			}
			return err
		}
		var err error
		raw, err = cl.GetExecution(ctx, executionID, true)
		return err
	})
	if err != nil {
		return nil, explainExecution(executionID, err)
	}
	return raw, nil
}

// InspectExecution finds an execution by id on an instance (by name; ""
// for the only one), works out which campaign and workspace own it,
// authorises the actor for that workspace (only super admins may read the
// executions of workflows no campaign owns), and only then fetches its
// data. It serves `godmode inspect ID`. A refusal leaves an audit row
// naming the execution and the workspace it belongs to.
func (c *Console) InspectExecution(ctx context.Context, actor Actor, instance, executionID string) (ExecutionTarget, []byte, error) {
	in, err := c.pickInstance(ctx, instance)
	if err != nil {
		return ExecutionTarget{ExecutionID: executionID}, nil, err
	}
	return c.inspectOn(ctx, actor, in, executionID)
}

// LinkedExecution opens an execution another one links to (the
// sub-execution an Execute Workflow node called, the parent that called a
// sub-execution, the failed execution an Error Trigger reports) on the
// instance of the execution it was read from. The id comes from execution
// data, which anyone who can edit a workflow can shape, so it grants
// nothing: the execution is located and the actor authorised for its own
// workspace exactly as InspectExecution does (no campaign owns the
// workflow: super admins only), and a refusal is audited the same way.
func (c *Console) LinkedExecution(ctx context.Context, actor Actor, instanceID int64, executionID string) (ExecutionTarget, []byte, error) {
	t := ExecutionTarget{ExecutionID: executionID, InstanceID: instanceID}
	if !isExecutionID(executionID) {
		return t, nil, fmt.Errorf("%q is not an n8n execution id (digits): the link in the execution's data is broken", safetext.Line(firstRunes(executionID, 40)))
	}
	in, err := c.store.Instance(ctx, instanceID)
	if err != nil {
		return t, nil, fmt.Errorf("n8n instance %d: %w", instanceID, err)
	}
	return c.inspectOn(ctx, actor, in, executionID)
}

// inspectOn is the check InspectExecution and LinkedExecution share:
// which workflow the execution ran, which campaign and workspace own it,
// whether the actor may view that workspace's executions — and only then
// the data.
func (c *Console) inspectOn(ctx context.Context, actor Actor, in Instance, executionID string) (ExecutionTarget, []byte, error) {
	t := ExecutionTarget{ExecutionID: executionID, InstanceID: in.ID, Instance: in.Name}
	var raw []byte
	err := c.clients.call(ctx, in.ID, func(cl N8n) error {
		info, err := cl.GetExecutionInfo(ctx, executionID)
		if err != nil {
			return err
		}
		t.WorkflowID = info.WorkflowID
		if err := c.locate(ctx, &t); err != nil {
			return err
		}
		if err := c.authorize(ctx, actor, ActionViewExecutions, t.WorkspaceID); err != nil {
			c.auditInspectRefused(ctx, actor, t, err)
			return err
		}
		raw, err = cl.GetExecution(ctx, executionID, true)
		return err
	})
	if err != nil {
		return t, nil, explainExecution(executionID, err)
	}
	return t, raw, nil
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// isExecutionID: n8n numbers executions; anything else read from data is
// refused before it reaches a URL.
func isExecutionID(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Retry runs a failed execution again: with the workflow as it is saved
// now (loadWorkflow) or as it was when the execution ran. It needs the
// retry right on the campaign's workspace, is refused in a read-only
// session, and every attempt, refused ones included, leaves one audit row.
func (c *Console) Retry(ctx context.Context, actor Actor, campaignID int64, executionID string, loadWorkflow bool) (Execution, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return Execution{}, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	// The retry is a new execution: the next listing must show it.
	defer c.shared.forgetCampaign(camp.WorkspaceID, camp.ID)
	before := map[string]any{"campaign": camp.Name, "execution": executionID}
	after := map[string]any{"load_workflow": loadWorkflow}
	fail := func(err error) (Execution, error) {
		c.auditRetry(ctx, actor, camp, before, after, OutcomeFailed, err)
		return Execution{}, err
	}
	if c.readOnly {
		return fail(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := c.authorize(ctx, actor, ActionRetry, camp.WorkspaceID); err != nil {
		return fail(err)
	}
	var next n8n.Execution
	err = c.clients.call(ctx, camp.InstanceID, func(cl N8n) error {
		info, err := c.executionOf(ctx, cl, camp, executionID)
		if err != nil {
			return err
		}
		before["status"] = string(info.Status)
		next, err = cl.RetryExecution(ctx, executionID, loadWorkflow)
		return err
	})
	if err != nil {
		return fail(explainExecution(executionID, err))
	}
	out := fromN8n(next, camp)
	after["execution"], after["status"] = out.ID, out.Status
	c.auditRetry(ctx, actor, camp, before, after, OutcomeOK, nil)
	return out, nil
}

// MayRetry asks, before a retry is even offered, whether the actor may
// retry the campaign's executions here. A refusal is recorded like a
// refused Retry, so an attempt the console turned down at the key press is
// on the record too; an allowed one records nothing (Retry will).
func (c *Console) MayRetry(ctx context.Context, actor Actor, campaignID int64, executionID string) error {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	err = nil
	switch {
	case c.readOnly:
		err = fmt.Errorf("%w: this session is read-only", ErrForbidden)
	default:
		err = Authorize(actor, ActionRetry, camp.WorkspaceID)
	}
	if err != nil {
		before := map[string]any{"campaign": camp.Name, "execution": executionID}
		c.auditRetry(ctx, actor, camp, before, map[string]any{}, OutcomeFailed, err)
	}
	return err
}

// FindRetry looks for the newest execution of the campaign that retries
// originalID (n8n's retryOf), for following a retry to its end. It returns
// nil when n8n lists none yet (n8n never lists waiting executions).
func (c *Console) FindRetry(ctx context.Context, campaignID int64, originalID string) (*Execution, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	ctx, cancel := c.readBound(ctx)
	defer cancel()
	var page n8n.Page[n8n.Execution]
	err = c.clients.call(ctx, camp.InstanceID, func(cl N8n) error {
		var err error
		page, err = cl.ListExecutions(ctx, n8n.ExecutionFilter{WorkflowID: camp.N8nWorkflowID, Limit: ExecutionsShown}, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	// Newest first: the first match is the latest retry.
	for _, e := range page.Data {
		if e.RetryOf == originalID {
			out := fromN8n(e, camp)
			return &out, nil
		}
	}
	return nil, nil
}

// executionOf reads the execution's summary and refuses it unless it ran
// the campaign's workflow.
func (c *Console) executionOf(ctx context.Context, cl N8n, camp Campaign, id string) (n8n.Execution, error) {
	info, err := cl.GetExecutionInfo(ctx, id)
	if err != nil {
		return info, err
	}
	if info.WorkflowID != camp.N8nWorkflowID {
		return info, fmt.Errorf("%w: execution %s ran workflow %s, campaign %q is workflow %s",
			ErrWrongCampaign, id, info.WorkflowID, camp.Name, camp.N8nWorkflowID)
	}
	return info, nil
}

// locate fills the campaign and workspace that own t.WorkflowID on
// t.InstanceID, leaving them zero when none does.
func (c *Console) locate(ctx context.Context, t *ExecutionTarget) error {
	cp, err := c.store.CampaignByWorkflow(ctx, t.InstanceID, t.WorkflowID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	ws, err := c.store.Workspace(ctx, cp.WorkspaceID)
	if err != nil {
		return err
	}
	t.CampaignID, t.Campaign, t.WorkspaceID, t.Workspace = cp.ID, cp.Name, ws.ID, ws.Slug
	return nil
}

// pickInstance resolves an instance name; "" means the only one.
func (c *Console) pickInstance(ctx context.Context, name string) (Instance, error) {
	insts, err := c.store.Instances(ctx)
	if err != nil {
		return Instance{}, err
	}
	names := make([]string, 0, len(insts))
	for _, in := range insts {
		if in.Name == name {
			return in, nil
		}
		names = append(names, in.Name)
	}
	sort.Strings(names)
	switch {
	case len(insts) == 0:
		return Instance{}, errors.New("no n8n instance is registered (add one with: godmode instances add NAME --url URL --api-key-env VAR)")
	case name == "" && len(insts) == 1:
		return insts[0], nil
	case name == "":
		return Instance{}, fmt.Errorf("%d n8n instances are registered: say which with --instance NAME (one of %s)", len(insts), strings.Join(names, ", "))
	}
	return Instance{}, fmt.Errorf("no n8n instance %q is registered (registered: %s)", name, strings.Join(names, ", "))
}

// explainExecution says what a missing execution means; the n8n error stays
// wrapped for errors.Is.
func explainExecution(id string, err error) error {
	if isGone(err) {
		return fmt.Errorf("execution %s no longer exists in n8n (deleted, or pruned by n8n's execution retention): %w", id, err)
	}
	return err
}

func fromN8n(e n8n.Execution, camp Campaign) Execution {
	return Execution{ID: e.ID, WorkflowID: e.WorkflowID, CampaignID: camp.ID, Status: string(e.Status),
		Mode: e.Mode, StartedAt: e.StartedAt, StoppedAt: e.StoppedAt, RetryOf: e.RetryOf, RetryID: e.RetrySuccessID}
}

func (c *Console) auditRetry(ctx context.Context, actor Actor, camp Campaign, before, after map[string]any, outcome Outcome, err error) {
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	e := actor.auditEntry("retry", outcome, err)
	e.Before, e.After, e.WorkspaceID, e.CampaignID = b, a, &camp.WorkspaceID, &camp.ID
	c.appendAudit(ctx, e)
}

// auditInspectRefused records a refused read of an execution's data: who
// asked for which execution of which workspace. (Reads that succeed are
// not audited: the console opens executions all day; a refusal is the
// attempt worth a row.)
func (c *Console) auditInspectRefused(ctx context.Context, actor Actor, t ExecutionTarget, err error) {
	what := map[string]any{"execution": t.ExecutionID, "workflow": t.WorkflowID}
	if t.Instance != "" {
		what["instance"] = t.Instance
	}
	if t.Campaign != "" {
		what["campaign"] = t.Campaign
	}
	b, _ := json.Marshal(what)
	e := actor.auditEntry("inspect", OutcomeFailed, err)
	e.Before = b
	if t.WorkspaceID != 0 {
		e.WorkspaceID = &t.WorkspaceID
	}
	if t.CampaignID != 0 {
		e.CampaignID = &t.CampaignID
	}
	c.appendAudit(ctx, e)
}
