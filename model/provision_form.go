package model

import (
	"context"
	"errors"
	"fmt"

	"github.com/godmode-console/godmode/model/genesis"
)

// The provisioning wizard's reads: what its steps offer (the target, the
// vault's blueprints, the version's variables and credential slots with
// the form of each slot's type) and its preview. Each is a super admin's,
// like the plan: a refusal is audited as workspace.provision_read.

// ProvisionTarget is the wizard's first step: the workspace, the n8n
// instance it would be provisioned on, and the blueprints it may take.
type ProvisionTarget struct {
	Workspace Workspace
	Instance  string // the instance's name
	// Shared says other workspaces live on the same instance.
	Shared     bool
	Blueprints []BlueprintSummary
	// Last is, for an active workspace, its last succeeded run (nil when
	// none succeeded): what a re-apply starts from.
	Last *ProvisionLast
}

// ProvisionLast is what the last succeeded run of a workspace recorded:
// the version it applied, its activation, its non-secret values and the
// names of its secret ones (their values are never recorded), and the
// credentials it was given by id.
type ProvisionLast struct {
	Run           int64
	Blueprint     string
	Version       int
	Activate      bool
	Values        map[string]string
	Secret        []string
	CredentialIDs map[string]string
}

// ProvisionForm is what a version asks of the operator.
type ProvisionForm struct {
	Workspace string
	Blueprint string
	Version   int
	Variables []FormVariable
	Slots     []FormSlot
}

// FormVariable is one variable to give (YOUR_WORKSPACE_SLUG is godmode's).
type FormVariable struct {
	Name string
	Kind string // the detector's kind: your_token, env, vars, placeholder
	// Secret: the name says so, or the detector found the variable where a
	// secret goes (a header value, a password field): the form masks it
	// and the plan keeps it out of previews.
	Secret bool
	Where  string // the first place it is used, file / node: path
}

// FormSlot is one credential slot to resolve: an existing n8n credential's
// id, or a new credential of Type whose form is Fields.
type FormSlot struct {
	Slot string
	Type string // "" when the nodes do not say or disagree: only an id will do
	Node string // a node that uses it, file / node
	// Prior is the id an earlier run of this workspace created for it.
	Prior string
	// Schema is n8n's schema of Type (nil when Type is "" or n8n gave
	// none: SchemaProblem says why); Fields is its form.
	Schema        *genesis.CredentialSchema
	Fields        []genesis.FormField
	SchemaProblem string
}

// ProvisionPreview is the plan as the wizard shows it: per workflow what
// rendering changed, and the ordered n8n calls. Secrets are masked in
// both (the plan's previews hold [secret NAME]).
type ProvisionPreview struct {
	Plan    *genesis.Plan
	Changes []genesis.WorkflowChanges
	// Reapply: the workspace is active, the plan updates it in place;
	// Live is then each workflow it updates beside what is live in n8n
	// (edits made there since the last run marked), as ProvisionLive.
	Reapply bool
	Live    []LiveWorkflow
}

func (c *Console) provisionFormRead(ctx context.Context, actor Actor, slug string, detail map[string]any) (ProvisionStore, Workspace, func(*Workspace, error) error, error) {
	fail := func(ws *Workspace, err error) error {
		c.auditProvision(ctx, actor, ActionNameProvisionRead, ws, slug, OutcomeFailed, err, detail)
		return err
	}
	if err := c.authorize(ctx, actor, ActionProvision, 0); err != nil {
		return nil, Workspace{}, fail, fail(nil, err)
	}
	ps, ok := c.store.(ProvisionStore)
	if !ok {
		return nil, Workspace{}, fail, fail(nil, errNoProvisioning)
	}
	ws, err := c.store.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return nil, ws, fail, fail(nil, fmt.Errorf("workspace %s: %w", slug, err))
	}
	return ps, ws, fail, nil
}

// ProvisionTarget reads the wizard's first step for workspace slug.
func (c *Console) ProvisionTarget(ctx context.Context, actor Actor, slug string) (ProvisionTarget, error) {
	var out ProvisionTarget
	ps, ws, fail, err := c.provisionFormRead(ctx, actor, slug, map[string]any{"form": "target"})
	if err != nil {
		return out, err
	}
	out.Workspace = ws
	if ws.InstanceID == nil {
		return out, fail(&ws, fmt.Errorf("workspace %s lives on no n8n instance: give it one before provisioning", ws.Slug))
	}
	inst, err := c.store.Instance(ctx, *ws.InstanceID)
	if err != nil {
		return out, fail(&ws, fmt.Errorf("n8n instance of workspace %s: %w", ws.Slug, err))
	}
	out.Instance = inst.Name
	all, err := c.store.WorkspaceSummaries(ctx)
	if err != nil {
		return out, fail(&ws, err)
	}
	for _, o := range all {
		if o.ID != ws.ID && o.InstanceID != nil && *o.InstanceID == inst.ID {
			out.Shared = true
		}
	}
	if out.Blueprints, err = ps.BlueprintSummaries(ctx); err != nil {
		return out, fail(&ws, err)
	}
	if ws.Status == WorkspaceActive {
		if out.Last, err = lastRun(ctx, ps, ws); err != nil {
			return out, fail(&ws, err)
		}
	}
	return out, nil
}

// lastRun is the workspace's last succeeded run as a re-apply starts from
// it (nil: none succeeded).
func lastRun(ctx context.Context, ps ProvisionStore, ws Workspace) (*ProvisionLast, error) {
	run, vals, err := ps.LastSucceededRun(ctx, ws.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last run of workspace %s: %w", ws.Slug, err)
	}
	name, bv, err := ps.RunVersion(ctx, run.ID)
	if err != nil {
		return nil, fmt.Errorf("version of run %d: %w", run.ID, err)
	}
	return &ProvisionLast{Run: run.ID, Blueprint: name, Version: bv.Version, Activate: run.Activate,
		Values: vals.Values, Secret: vals.Secret, CredentialIDs: vals.CredentialIDs}, nil
}

// ProvisionForm reads what version asks of the operator for workspace
// slug: its variables and its credential slots, each slot's form built
// from the schema the workspace's n8n gives for its type.
func (c *Console) ProvisionForm(ctx context.Context, actor Actor, slug, blueprint string, version int) (ProvisionForm, error) {
	ref := fmt.Sprintf("%s@v%d", blueprint, version)
	out := ProvisionForm{Workspace: slug, Blueprint: blueprint, Version: version}
	ps, ws, fail, err := c.provisionFormRead(ctx, actor, slug, map[string]any{"form": ref})
	if err != nil {
		return out, err
	}
	p, err := c.provisioningOfVersion(ctx, ps, ws, blueprint, version)
	if err != nil {
		return out, fail(&ws, err)
	}
	prior, err := ps.ProvisionedCredentials(ctx, ws.ID)
	if err != nil {
		return out, fail(&ws, err)
	}
	out.Variables = formVariables(p.version)
	out.Slots = formSlots(p.version, prior)
	for i := range out.Slots {
		s := &out.Slots[i]
		if s.Type == "" {
			continue
		}
		raw, err := p.remote.c.CredentialSchema(ctx, s.Type)
		if err == nil {
			s.Schema, err = genesis.ParseCredentialSchema(s.Type, raw)
		}
		if err != nil {
			s.SchemaProblem = fmt.Sprintf("n8n gave no schema for %s (%v): give an existing credential's id", s.Type, err)
			continue
		}
		s.Fields = s.Schema.Fields()
	}
	return out, nil
}

// ProvisionPreview makes the plan of req and what it changes in each
// workflow, nothing applied.
func (c *Console) ProvisionPreview(ctx context.Context, actor Actor, req ProvisionRequest) (ProvisionPreview, error) {
	var out ProvisionPreview
	ref := fmt.Sprintf("%s@v%d", req.Blueprint, req.Version)
	ps, ws, fail, err := c.provisionFormRead(ctx, actor, req.Workspace, map[string]any{"plan": ref, "variables": variableUses(req.Values)})
	if err != nil {
		return out, err
	}
	p, err := c.provisioningOfVersion(ctx, ps, ws, req.Blueprint, req.Version)
	if err != nil {
		return out, fail(&ws, err)
	}
	if out.Plan, err = p.plan(ctx, req.Values, req.Activate, 0, false); err != nil {
		return out, err
	}
	if out.Changes, err = out.Plan.Changes(p.version); err != nil {
		return out, err
	}
	if ws.Status == WorkspaceActive {
		// What the re-apply would refuse, refused here before the apply.
		if err := p.secondCopies(ctx, out.Plan); err != nil {
			return out, fail(&ws, err)
		}
		out.Reapply = true
		if out.Live, err = p.liveDiffs(out.Plan); err != nil {
			return out, err
		}
	}
	return out, nil
}

func formVariables(v genesis.Version) []FormVariable {
	secretAt := map[string]bool{} // file/node/path where the detector found a secret
	for _, s := range v.Report.Secrets {
		secretAt[s.File+"\x00"+s.Node+"\x00"+s.Path] = true
	}
	var out []FormVariable
	for _, d := range genesis.AskedVariables(v) {
		fv := FormVariable{Name: d.Name, Kind: d.Kind, Secret: NamedLikeSecret(d.Name)}
		for _, pl := range d.Where {
			fv.Secret = fv.Secret || secretAt[pl.File+"\x00"+pl.Node+"\x00"+pl.Path]
		}
		if len(d.Where) > 0 {
			pl := d.Where[0]
			fv.Where = pl.File + " / " + pl.Node + ": " + pl.Path
		}
		out = append(out, fv)
	}
	return out
}

func formSlots(v genesis.Version, prior map[string]string) []FormSlot {
	out := []FormSlot{}
	for _, s := range genesis.AskedSlots(v) {
		out = append(out, FormSlot{Slot: s.Slot, Type: s.Type(), Node: s.First.File + " / " + s.First.Node, Prior: prior[s.Slot]})
	}
	return out
}
