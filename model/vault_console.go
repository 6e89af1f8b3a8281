package model

import (
	"context"
	"fmt"

	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/blueprint/detect"
)

// vault is the blueprint vault over the console's store, for the
// console's blueprint screen; the detector is not needed to read.
func (c *ActorConsole) vault() (*Vault, error) {
	vs, ok := c.store.(VaultStore)
	if !ok {
		return nil, fmt.Errorf("this console's store holds no blueprints")
	}
	return NewVault(vs, nil, c.log), nil
}

// Blueprints lists the blueprints, for super admins (a refusal is audited).
func (c *ActorConsole) Blueprints(ctx context.Context) ([]BlueprintSummary, error) {
	v, err := c.vault()
	if err != nil {
		return nil, err
	}
	return v.Blueprints(ctx, c.actor)
}

// BlueprintVersion reads NAME or NAME@VERSION, for super admins.
func (c *ActorConsole) BlueprintVersion(ctx context.Context, ref string) (ShownVersion, error) {
	v, err := c.vault()
	if err != nil {
		return ShownVersion{}, err
	}
	bv, err := v.BlueprintVersion(ctx, c.actor, ref)
	if err != nil {
		return ShownVersion{}, err
	}
	name, _, _ := ParseBlueprintRef(ref)
	shown := ShowBlueprintVersion(name, bv)
	ed, err := v.Editable(ctx, c.actor, name)
	if err != nil {
		return ShownVersion{}, err
	}
	shown.AdminEditable = nonNil(ed.AdminEditable)
	return shown, nil
}

// writeVault is the vault a console session imports and captures with:
// the detector always runs, since its secret scan is what refuses a
// secret (the console has no --allow-secret: that is the CLI's, after
// review).
func (c *ActorConsole) writeVault() (*Vault, error) {
	vs, ok := c.store.(VaultStore)
	if !ok {
		return nil, fmt.Errorf("this console's store holds no blueprints")
	}
	return NewVault(vs, detect.Analyze, c.log), nil
}

// writer is the session's actor with the rights Postgres gives them now,
// for a change to the vault; a read-only session refuses every change.
func (c *ActorConsole) writer(ctx context.Context) (Actor, error) {
	if c.readOnly {
		return c.actor, fmt.Errorf("%w: this session is read-only", ErrForbidden)
	}
	return c.current(ctx, c.actor)
}

// ProposeCapture reads the workspace slug's workflows from n8n and
// proposes the variables a capture into blueprint name would make (see
// Vault.ProposeCapture); nothing is stored. Refusals are audited.
func (c *ActorConsole) ProposeCapture(ctx context.Context, name, slug string) (CaptureProposal, error) {
	v, err := c.writeVault()
	if err != nil {
		return CaptureProposal{}, err
	}
	state := map[string]any{"blueprint": name, "workspace": slug}
	actor, err := c.writer(ctx)
	if err != nil {
		return CaptureProposal{}, v.refuseCapture(ctx, actor, Workspace{}, state, err)
	}
	if err := Authorize(actor, ActionEditBlueprint, 0); err != nil {
		return CaptureProposal{}, v.refuseCapture(ctx, actor, Workspace{}, state, err)
	}
	ws, err := c.WorkspaceBySlug(ctx, slug)
	if err != nil {
		return CaptureProposal{}, v.refuseCapture(ctx, actor, Workspace{}, state, fmt.Errorf("workspace %s: %w", slug, err))
	}
	return v.ProposeCapture(ctx, actor, name, c.Console, ws)
}

// StoreCapture stores a proposal with the operator's decisions: tokens
// are the values taken, under the names chosen (see Vault.StoreCapture).
func (c *ActorConsole) StoreCapture(ctx context.Context, p CaptureProposal, tokens []blueprint.Token) (CaptureResult, error) {
	v, err := c.writeVault()
	if err != nil {
		return CaptureResult{}, err
	}
	actor, err := c.writer(ctx)
	if err != nil {
		return CaptureResult{}, v.refuseCapture(ctx, actor, p.Workspace, map[string]any{"blueprint": p.Blueprint, "workspace": p.Workspace.Slug}, err)
	}
	return v.StoreCapture(ctx, actor, p, tokens)
}

// RefuseHostFiles makes this session refuse to read files on the host
// godmode runs on, saying why: an SSH session's person is not on that
// host (the CLI over SSH takes the file on standard input instead).
func (c *ActorConsole) RefuseHostFiles(why string) *ActorConsole { c.noHostFiles = why; return c }

// HostFilesRefused says why this session may not import files from the
// host ("": it may), so the console does not offer it.
func (c *ActorConsole) HostFilesRefused() string { return c.noHostFiles }

// ImportBlueprintFiles imports the workflow files at paths (files, or
// directories standing for the *.json directly in them) on the host
// godmode runs on, read with the import's caps, as the next version of
// name. No secret is let through: a reviewed exception is the CLI's
// (godmode blueprint import --allow-secret NODE:FIELD). The files are
// read only once the actor is authorised; a refusal is audited.
func (c *ActorConsole) ImportBlueprintFiles(ctx context.Context, name string, paths []string) (ImportResult, error) {
	v, err := c.writeVault()
	if err != nil {
		return ImportResult{}, err
	}
	actor, err := c.writer(ctx)
	if err == nil {
		err = Authorize(actor, ActionEditBlueprint, 0)
	}
	if err == nil && c.noHostFiles != "" {
		err = fmt.Errorf("%w: %s", ErrForbidden, c.noHostFiles)
	}
	if err == nil {
		var sources []blueprint.Source
		if sources, err = blueprint.ReadSources(paths); err == nil {
			return v.ImportBlueprint(ctx, actor, name, sources, nil)
		}
	}
	e := actor.auditEntry(AuditBlueprintImport, OutcomeFailed, err)
	e.After = jsonObject(map[string]any{"blueprint": name, "paths": len(paths)})
	recordAudit(ctx, v.store, v.log, e)
	return ImportResult{}, err
}
