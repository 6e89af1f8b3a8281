package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/godmode-console/godmode/model/blueprint"
	"github.com/godmode-console/godmode/model/genesis"
	"github.com/godmode-console/godmode/n8n"
)

// Re-apply: provisioning an active workspace again with changed values or
// a newer blueprint version updates, in place, the workflows that earlier
// runs created and its campaigns still hold (same ids, webhook paths,
// webhookIds and credentials), creates the ones a newer version adds, and
// calls nothing for a workflow whose content is what its campaign
// recorded as applied. A workflow edited in n8n since the last run is not
// overwritten unless the request says so (LiveEditsError).

// LiveEdit is one workflow that someone changed in n8n since the last run
// applied it: its live content (published, or on n8n 2.x its draft) no
// longer hashes as the campaign's applied hash.
type LiveEdit struct {
	Campaign   string
	File       string // the blueprint file it was provisioned from
	WorkflowID string
	// Diff is the node-level difference between what is live and what the
	// re-apply would send (secrets masked): what an overwrite changes.
	// nil when the two differ only outside nodes, connections and
	// settings.
	Diff *blueprint.WorkflowDiff
}

// LiveEditsError refuses a re-apply that would overwrite edits made in n8n
// since the last run. The console's wizard asks on it: show Edits, then
// provision again with ProvisionRequest.Overwrite.
type LiveEditsError struct {
	Workspace string
	Edits     []LiveEdit
}

func (e *LiveEditsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workspace %s: %d workflow(s) were edited in n8n since the last run, and the re-apply would overwrite them:", e.Workspace, len(e.Edits))
	for _, ed := range e.Edits {
		fmt.Fprintf(&b, " campaign %q (n8n workflow %s, %s)", ed.Campaign, ed.WorkflowID, ed.File)
		if ed.Diff != nil {
			var nodes []string
			for _, n := range ed.Diff.Nodes {
				nodes = append(nodes, n.Node)
			}
			nodes = append(nodes, ed.Diff.NodesAdded...)
			nodes = append(nodes, ed.Diff.NodesRemoved...)
			if len(nodes) > 0 {
				fmt.Fprintf(&b, ", which differs from what the re-apply would send at nodes %s", strings.Join(nodes, ", "))
			}
		}
		b.WriteString(";")
	}
	b.WriteString(" see the differences with provision --plan; take the edits into the blueprint or the values, or re-apply with --overwrite to replace them")
	return b.String()
}

// Unwrap makes a LiveEditsError an ErrConflict.
func (e *LiveEditsError) Unwrap() error { return ErrConflict }

// LiveWorkflow is one workflow of a re-apply plan beside what is live in
// n8n, for a preview.
type LiveWorkflow struct {
	File, Campaign, WorkflowID string
	Edited                     bool // changed in n8n since the last run
	Diff                       *blueprint.WorkflowDiff
}

// liveWorkflow is an existing workflow as read from n8n for one plan.
type liveWorkflow struct {
	wf       n8n.Workflow
	campaign string
	applied  string
	hashes   []string // of the published form and (2.x) the draft
}

// existing reads the workflows that runs other than skipRun created and
// campaigns still own, by blueprint file, and each one live from n8n.
// A later run's create of a file wins over an earlier one's.
func (p *provisioning) existing(ctx context.Context, skipRun int64) (map[string]genesis.ExistingWorkflow, error) {
	p.live = map[string]liveWorkflow{}
	camps, err := p.ps.Campaigns(ctx, p.ws.ID)
	if err != nil {
		return nil, err
	}
	byWF := map[string]Campaign{}
	for _, cp := range camps {
		byWF[cp.N8nWorkflowID] = cp
	}
	hashes, err := p.ps.CampaignAppliedHashes(ctx, p.ws.ID)
	if err != nil {
		return nil, err
	}
	runs, err := p.ps.Runs(ctx, p.ws.ID)
	if err != nil {
		return nil, err
	}
	sort.Slice(runs, func(a, b int) bool { return runs[a].ID < runs[b].ID })
	ids := map[string]string{} // file → workflow id
	for _, r := range runs {
		if r.ID == skipRun || r.Status == RunRolledBack {
			continue
		}
		steps, err := p.ps.RunSteps(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range steps {
			if s.Kind == genesis.StepCreateWorkflow && s.Status == genesis.StepDone {
				if _, owned := byWF[s.N8nID]; owned {
					ids[strings.TrimPrefix(s.Ref, "workflow:")] = s.N8nID
				}
			}
		}
	}
	out := map[string]genesis.ExistingWorkflow{}
	for file, id := range ids {
		cp := byWF[id]
		wf, err := p.remote.c.GetWorkflow(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("workflow %s of campaign %q (%s) in n8n: %w", id, cp.Name, file, err)
		}
		ex := genesis.ExistingWorkflow{ID: id, Campaign: cp.Name, WebhookIDs: map[string]string{},
			AppliedHash: hashes[cp.Name], Active: wf.Active}
		ex.CredentialNames = map[string]string{}
		for _, n := range wf.Published().Nodes {
			if n.WebhookID != "" {
				ex.WebhookIDs[n.Name] = n.WebhookID
			}
			var refs map[string]struct{ ID, Name string }
			if json.Unmarshal(n.Credentials, &refs) == nil {
				for _, r := range refs {
					if r.ID != "" && r.Name != "" {
						ex.CredentialNames[r.ID] = r.Name
					}
				}
			}
		}
		for _, t := range wf.Tags {
			ex.Tags = append(ex.Tags, t.Name)
		}
		lw := liveWorkflow{wf: wf, campaign: cp.Name, applied: ex.AppliedHash}
		for _, form := range []n8n.Workflow{wf.Published(), wf} {
			raw, err := json.Marshal(form)
			if err != nil {
				return nil, err
			}
			lw.hashes = append(lw.hashes, genesis.LiveHash(raw))
		}
		p.live[file] = lw
		out[file] = ex
	}
	return out, nil
}

// liveDiffs compares each workflow the plan updates with what is live: an
// edit is a live form hashing neither as the campaign's applied hash nor
// as what the plan sends (a resumed re-apply finds its own PUT there).
func (p *provisioning) liveDiffs(pl *genesis.Plan) ([]LiveWorkflow, error) {
	var out []LiveWorkflow
	for _, w := range pl.Workflows {
		lw, ok := p.live[w.File]
		if w.Update == "" || !ok {
			continue
		}
		planned := ""
		if body, err := w.Body(nil); err == nil {
			planned = genesis.AppliedHash(body)
		}
		edited := false
		for _, h := range lw.hashes {
			edited = edited || h != lw.applied && h != planned
		}
		raw, err := json.Marshal(lw.wf.Published())
		if err != nil {
			return nil, err
		}
		d, err := w.LiveDiff(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, LiveWorkflow{File: w.File, Campaign: lw.campaign, WorkflowID: w.Update, Edited: edited, Diff: d})
	}
	return out, nil
}

// liveEdits is the refusal of a plan that would overwrite edits (nil if
// none, or if the caller said to overwrite them). Only workflows the plan
// PUTs count: one it leaves alone keeps its edit.
func (p *provisioning) liveEdits(pl *genesis.Plan) error {
	diffs, err := p.liveDiffs(pl)
	if err != nil {
		return err
	}
	same := map[string]bool{}
	for _, w := range pl.Workflows {
		same[w.File] = w.Same
	}
	e := &LiveEditsError{Workspace: p.ws.Slug}
	for _, d := range diffs {
		if d.Edited && !same[d.File] {
			e.Edits = append(e.Edits, LiveEdit{Campaign: d.Campaign, File: d.File, WorkflowID: d.WorkflowID, Diff: d.Diff})
		}
	}
	if len(e.Edits) == 0 {
		return nil
	}
	return e
}

// secondCopies refuses a re-apply that would create a workflow beside one
// the workspace already holds under that name but no run created (an
// adopted workspace, or a campaign made by hand), and one of a workspace
// no run provisioned: it would run twice.
func (p *provisioning) secondCopies(ctx context.Context, pl *genesis.Plan) error {
	camps, err := p.ps.Campaigns(ctx, p.ws.ID)
	if err != nil {
		return err
	}
	byName := map[string]string{}
	for _, cp := range camps {
		byName[cp.Name] = cp.N8nWorkflowID
	}
	updates := 0
	for _, w := range pl.Workflows {
		if w.Update != "" {
			updates++
			continue
		}
		if id, ok := byName[w.Name]; ok {
			return fmt.Errorf("%w: workspace %s: campaign %q (n8n workflow %s) was not created by a provisioning run, and the re-apply would create a second workflow of that name beside it", ErrInvalid, p.ws.Slug, w.Name, id)
		}
	}
	if updates == 0 {
		return fmt.Errorf("%w: workspace %s is active but no provisioning run created its workflows: provisioning applies to a workspace awaiting setup, or re-applies to one it provisioned", ErrInvalid, p.ws.Slug)
	}
	return nil
}

// reapply is the re-apply of a blueprint version to an active workspace,
// without authorising: Provision authorises (super admin) and calls it;
// another entry point (owners and admins changing admin_editable
// variables) may authorise otherwise and call it too. It audits the run
// (or its refusal) as workspace.provision with detail, and refuses
// (*LiveEditsError) to overwrite edits made in n8n unless req.Overwrite.
// A plan that changes nothing calls nothing and opens no run.
func (c *Console) reapply(ctx context.Context, actor Actor, p *provisioning, req ProvisionRequest, detail map[string]any) (ProvisionResult, error) {
	var res ProvisionResult
	ws := p.ws
	detail["reapply"], detail["overwrite"] = true, req.Overwrite
	fail := func(err error) (ProvisionResult, error) {
		c.auditProvision(ctx, actor, ActionNameProvision, &ws, ws.Slug, OutcomeFailed, err, detail)
		return res, err
	}
	pl, err := p.plan(ctx, req.Values, req.Activate, 0, false)
	if err != nil {
		return fail(err)
	}
	if err := p.secondCopies(ctx, pl); err != nil {
		return fail(err)
	}
	if len(pl.Steps) == 0 {
		res.Plan, res.Unchanged = pl, true
		c.auditProvision(ctx, actor, ActionNameProvision, &ws, ws.Slug, OutcomeNoop, nil, detail)
		return res, nil
	}
	if !req.Overwrite {
		if err := p.liveEdits(pl); err != nil {
			var le *LiveEditsError
			if errors.As(err, &le) {
				var names []string
				for _, e := range le.Edits {
					names = append(names, e.Campaign)
				}
				detail["edited_in_n8n"] = names
			}
			return fail(err)
		}
	}
	var by *int64
	if actor.UserID != 0 {
		by = &actor.UserID
	}
	run, err := p.ps.StartProvisioningRun(ctx, ws.ID, p.bv.ID, by, req.Activate)
	if err != nil {
		if errors.Is(err, ErrConflict) {
			err = fmt.Errorf("workspace %s already has a provisioning run under way: resume it or roll it back: %w", ws.Slug, err)
		}
		return fail(err)
	}
	detail["run"] = run.ID
	res.Run = run
	// As a first run does: the next owner's change starts from these.
	if err := p.ps.RecordRunValues(ctx, run.ID, genesis.RecordValues(req.Values)); err != nil {
		c.finishRun(ctx, p.ps, &res, ws, err)
		return fail(err)
	}
	if pl, err = p.plan(ctx, req.Values, req.Activate, run.ID, false); err != nil {
		c.finishRun(ctx, p.ps, &res, ws, err)
		return fail(err)
	}
	res.Plan = pl
	detail["steps"] = len(pl.Steps)
	p.progress = progressOf(req.Progress, run.ID, pl)
	return c.applyRun(ctx, actor, ActionNameProvision, p, pl, &res, detail)
}

// ProvisionLive is the plan of a provisioning with, for a workspace
// already provisioned, each workflow it updates beside what is live in
// n8n (edits made there since the last run marked).
func (c *Console) ProvisionLive(ctx context.Context, actor Actor, req ProvisionRequest) (*genesis.Plan, []LiveWorkflow, error) {
	pd, err := c.ProvisionPlanned(ctx, actor, req)
	return pd.Plan, pd.Live, err
}

// Planned is what --plan prints: the plan, what rendering changes in each
// workflow from the blueprint (secrets masked), and, on a workspace
// already provisioned, each workflow it updates beside what is live.
type Planned struct {
	Plan    *genesis.Plan
	Changes []genesis.WorkflowChanges
	Live    []LiveWorkflow
}

// ProvisionPlanned makes the plan and says how it differs from the
// blueprint and from n8n; it sends nothing. Super admin only, as the
// plan itself.
func (c *Console) ProvisionPlanned(ctx context.Context, actor Actor, req ProvisionRequest) (Planned, error) {
	var out Planned
	p, err := c.planProvisioning(ctx, actor, req)
	if err != nil {
		return out, err
	}
	if out.Plan, err = p.plan(ctx, req.Values, req.Activate, 0, false); err != nil {
		return out, err
	}
	if out.Changes, err = out.Plan.Changes(p.version); err != nil {
		return out, err
	}
	out.Live, err = p.liveDiffs(out.Plan)
	return out, err
}
