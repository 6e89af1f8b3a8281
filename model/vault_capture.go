package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/godmode-console/godmode/model/blueprint"
)

// AuditBlueprintCapture is the audit action of a capture.
const AuditBlueprintCapture = "blueprints.capture"

// CapturedWorkflow is one campaign's workflow as n8n holds it; Gone says
// its workflow no longer exists in n8n (JSON is then empty): it is left
// out of the capture, and said.
type CapturedWorkflow struct {
	Campaign string
	JSON     []byte
	Gone     bool
}

// workspaceWorkflows reads the workflow of every campaign of a workspace
// from its n8n instance (the published version of an active one), each
// read bounded by the console's read timeout. Only CaptureBlueprint calls
// it, once the actor is authorised.
func (c *Console) workspaceWorkflows(ctx context.Context, ws Workspace) ([]CapturedWorkflow, error) {
	if ws.InstanceID == nil {
		return nil, fmt.Errorf("%w: workspace %s has no n8n instance yet", ErrInvalid, ws.Slug)
	}
	camps, err := c.store.Campaigns(ctx, ws.ID)
	if err != nil {
		return nil, err
	}
	var out []CapturedWorkflow
	for _, camp := range camps {
		if camp.Status == CampaignArchived {
			continue
		}
		rctx, cancel := c.readBound(ctx)
		err := c.clients.call(rctx, *ws.InstanceID, func(cl N8n) error {
			wf, err := cl.GetWorkflow(rctx, camp.N8nWorkflowID)
			if isGone(err) {
				out = append(out, CapturedWorkflow{Campaign: camp.Name, Gone: true})
				return nil
			}
			if err != nil {
				return err
			}
			b, err := json.Marshal(wf.Published())
			out = append(out, CapturedWorkflow{Campaign: camp.Name, JSON: b})
			return err
		})
		cancel()
		if err != nil {
			return nil, fmt.Errorf("campaign %s (workflow %s): %w", camp.Name, camp.N8nWorkflowID, err)
		}
	}
	return out, nil
}

// CaptureResult is what a capture did: the import's result and the tokens
// applied (those proposed from the workspace and those given).
type CaptureResult struct {
	ImportResult
	Tokens []blueprint.Token
	Gone   []string // campaigns whose workflow is gone from n8n, left out
}

// CaptureBlueprint stores a workspace's live workflows (read through the
// console's n8n clients once the actor is authorised) as the next version
// of the blueprint name, the workspace's own values turned into variables:
// those the proposal turns on and those given (a given value the proposal
// holds too takes the given name). A secret refuses it, as an import. It
// is ProposeCapture then StoreCapture, n8n read once.
func (v *Vault) CaptureBlueprint(ctx context.Context, actor Actor, name string, c *Console, ws Workspace, given []blueprint.Token) (CaptureResult, error) {
	p, err := v.ProposeCapture(ctx, actor, name, c, ws)
	if err != nil {
		return CaptureResult{}, err
	}
	return v.StoreCapture(ctx, actor, p, MergeTokens(p.Applied(nil), given))
}

// refuseCapture records a capture attempt that failed, and returns err.
// The audit row names the blueprint, the workspace and what was decided,
// never a value of the workspace.
func (v *Vault) refuseCapture(ctx context.Context, actor Actor, ws Workspace, state map[string]any, err error) error {
	e := actor.auditEntry(AuditBlueprintCapture, OutcomeFailed, err)
	var re *blueprint.RefusedError
	if errors.As(err, &re) {
		e.Error = re.AuditText()
	}
	if ws.ID != 0 {
		e.WorkspaceID = &ws.ID
	}
	e.After = jsonObject(state)
	recordAudit(ctx, v.store, v.log, e)
	return err
}
