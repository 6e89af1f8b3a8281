package model

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/godmode-console/godmode/model/genesis"
)

// ActionNameEditVariables is the audit action of an owner's change to a
// workspace's admin_editable variables.
const ActionNameEditVariables = "workspace.edit_variables"

// RunValues is what a run records of its values: non-secret values,
// secret ones by name, credentials given by id (migration 00016).
type RunValues = genesis.RecordedValues

// RunValuesStore keeps each run's values without secrets; db.Store has it.
type RunValuesStore interface {
	RecordRunValues(ctx context.Context, runID int64, v RunValues) error
	// LastSucceededRun wraps ErrNotFound when the workspace has none.
	LastSucceededRun(ctx context.Context, workspaceID int64) (ProvisioningRun, RunValues, error)
}

// reapplyCore applies req in place to an active workspace with the engine
// a super admin's re-apply uses (Console.reapply), without authorising:
// EditVariables has. The audit row of the run says it came through
// edit_variables. Tests of who may change what stand in for it
// (SetReapplyCore) where the n8n side is beside the point.
var reapplyCore = func(ctx context.Context, c *Console, actor Actor, req ProvisionRequest) (ProvisionResult, error) {
	ps, ok := c.store.(ProvisionStore)
	if !ok {
		return ProvisionResult{}, errNoProvisioning
	}
	ws, err := c.store.WorkspaceBySlug(ctx, req.Workspace)
	if err != nil {
		return ProvisionResult{}, fmt.Errorf("workspace %s: %w", req.Workspace, err)
	}
	p, err := c.provisioningOfVersion(ctx, ps, ws, req.Blueprint, req.Version)
	if err != nil {
		return ProvisionResult{}, err
	}
	detail := map[string]any{"blueprint": fmt.Sprintf("%s@v%d", req.Blueprint, req.Version), "activate": req.Activate,
		"variables": variableUses(req.Values), "via": ActionNameEditVariables}
	return c.reapply(ctx, actor, p, req, detail)
}

// EditVariables changes the variables the workspace's blueprint marks
// admin_editable (changes: VAR → VALUE) and re-applies the workspace with
// them, every other value taken from its last succeeded run. For super
// admins and the workspace's owners and admins; every attempt is audited
// with the variables' names, never a value (a refused one may be a secret
// typed in the wrong place).
func (c *Console) EditVariables(ctx context.Context, actor Actor, slug string, changes map[string]string) (ProvisionResult, error) {
	names := make([]string, 0, len(changes))
	for n := range changes {
		names = append(names, n)
	}
	sort.Strings(names)
	detail := map[string]any{"variables": names}
	var wsp *Workspace
	fail := func(err error) (ProvisionResult, error) {
		c.auditProvision(ctx, actor, ActionNameEditVariables, wsp, slug, OutcomeFailed, err, detail)
		return ProvisionResult{}, err
	}
	if c.readOnly {
		return fail(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return fail(fmt.Errorf("workspace %s: %w", slug, err))
	}
	wsp = &ws
	if err := c.authorize(ctx, actor, ActionEditVariables, ws.ID); err != nil {
		return fail(err)
	}
	ps, ok := c.store.(ProvisionStore)
	es, ok2 := c.store.(EditableStore)
	if !ok || !ok2 {
		return fail(errNoProvisioning)
	}
	if ws.Status != WorkspaceActive {
		return fail(fmt.Errorf("%w: workspace %s is %s: an owner's change re-applies an active workspace", ErrInvalid, ws.Slug, ws.Status))
	}
	run, last, err := ps.LastSucceededRun(ctx, ws.ID)
	if errors.Is(err, ErrNotFound) {
		return fail(fmt.Errorf("%w: workspace %s has no succeeded provisioning run to take the other values from: a super admin provisions it with the values file", ErrInvalid, ws.Slug))
	}
	if err != nil {
		return fail(err)
	}
	detail["base_run"] = run.ID
	name, bv, err := ps.RunVersion(ctx, run.ID)
	if err != nil {
		return fail(err)
	}
	detail["blueprint"] = fmt.Sprintf("%s@v%d", name, bv.Version)
	ed, err := es.BlueprintEditable(ctx, name)
	if err != nil {
		return fail(err)
	}
	version, err := genesis.VersionFromStored(name, bv.Version, bv.ContentHash, bv.Workflows, bv.Files, bv.Report)
	if err != nil {
		return fail(err)
	}
	created, err := ps.ProvisionedCredentials(ctx, ws.ID)
	if err != nil {
		return fail(err)
	}
	vals, err := genesis.ComposeValues(genesis.Changed{Version: version, Run: run.ID, Last: last,
		Editable: ed.AdminEditable, Created: created, Changes: changes})
	if err != nil {
		return fail(fmt.Errorf("%w: workspace %s: %w", ErrInvalid, ws.Slug, err))
	}
	detail["secret"] = secretNames(vals, names)
	res, err := reapplyCore(ctx, c, actor, ProvisionRequest{Workspace: ws.Slug, Blueprint: name, Version: bv.Version,
		Values: vals, Activate: run.Activate})
	if res.Run.ID != 0 {
		detail["run"] = res.Run.ID
	}
	if err != nil {
		return fail(err)
	}
	c.auditProvision(ctx, actor, ActionNameEditVariables, &ws, ws.Slug, OutcomeOK, nil, detail)
	return res, nil
}

// secretNames are the changed variables kept secret (last given as one).
func secretNames(v genesis.Values, changed []string) []string {
	out := []string{}
	for _, n := range changed {
		if v.Variables[n].Secret {
			out = append(out, n)
		}
	}
	return out
}
