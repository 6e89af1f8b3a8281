package model

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/godmode-console/godmode/model/genesis"
)

// Audit actions of provisioning (Genesis).
const (
	ActionNameProvision         = "workspace.provision"
	ActionNameProvisionResume   = "workspace.provision_resume"
	ActionNameProvisionRollback = "workspace.provision_rollback"
)

// ProvisionStore is what provisioning needs of Postgres; db.Store has it.
type ProvisionStore interface {
	Store
	VaultStore
	StartProvisioningRun(ctx context.Context, workspaceID, versionID int64, by *int64, activate bool) (ProvisioningRun, error)
	SetRunStatus(ctx context.Context, runID int64, status RunStatus, errMsg string) (ProvisioningRun, error)
	Run(ctx context.Context, runID int64) (ProvisioningRun, error)
	Runs(ctx context.Context, workspaceID int64) ([]ProvisioningRun, error)
	RunVersion(ctx context.Context, runID int64) (string, BlueprintVersion, error)
	RunSteps(ctx context.Context, runID int64) ([]ProvisioningStep, error)
	StepStarted(ctx context.Context, runID int64, seq int, kind, ref, fingerprint string) error
	SetStepStatus(ctx context.Context, runID int64, seq int, status, n8nID, errMsg string) error
	ProvisionedCredentials(ctx context.Context, workspaceID int64) (map[string]string, error)
	RecordProvisionedCampaign(ctx context.Context, c ProvisionedCampaign) (int64, error)
	DeleteProvisionedCampaign(ctx context.Context, id int64) error
	CampaignAppliedHashes(ctx context.Context, workspaceID int64) (map[string]string, error)
	RunValuesStore
}

// ProvisionedCampaign is what a run records of one workflow.
type ProvisionedCampaign struct {
	WorkspaceID        int64
	BlueprintVersionID int64
	Name               string
	WorkflowID         string
	WebhookURL         string
	AppliedHash        string
	Active             bool
}

// ProvisionRequest is one provisioning of a workspace.
type ProvisionRequest struct {
	Workspace string
	Blueprint string
	Version   int
	Values    genesis.Values
	Activate  bool
	// Overwrite lets a re-apply replace workflows edited in n8n since the
	// last run (without it: *LiveEditsError).
	Overwrite bool
	// Progress, if set, hears each step of the run as it is recorded
	// (started, then done or failed), so a screen can show the run live.
	// It is called on the applying goroutine and must not block.
	Progress func(ProvisionProgress)
}

// ProvisionProgress is one step of a run as the journal records it.
type ProvisionProgress struct {
	Run    int64
	Step   genesis.Step
	Status string // genesis.StepStarted, StepDone, StepFailed or StepUndone
	Total  int    // steps in the plan
}

// ProvisionResult is what a provisioning, resume or rollback did.
type ProvisionResult struct {
	Run       ProvisioningRun // zero when Unchanged
	Plan      *genesis.Plan
	Unchanged bool // everything the plan makes is there already: nothing was called
	Outcome   genesis.Outcome
	Undone    int // steps a rollback undid
}

var errNoProvisioning = errors.New("this store does not record provisioning runs")

// provisioning is one run's context: the workspace, its instance's client
// and webhook base, the version.
type provisioning struct {
	ps      ProvisionStore
	ws      Workspace
	remote  provisionRemote
	target  genesis.Target
	bv      BlueprintVersion
	version genesis.Version
	// progress hears the run's steps (nil: nobody listens).
	progress func(seq int, status string)
	// live are the workspace's existing workflows as the last plan read
	// them from n8n, by blueprint file (a re-apply).
	live map[string]liveWorkflow
}

func (c *Console) provisionAllowed(ctx context.Context, actor Actor) (ProvisionStore, error) {
	if c.readOnly {
		return nil, fmt.Errorf("%w: this session is read-only", ErrForbidden)
	}
	if err := c.authorize(ctx, actor, ActionProvision, 0); err != nil {
		return nil, err
	}
	ps, ok := c.store.(ProvisionStore)
	if !ok {
		return nil, errNoProvisioning
	}
	return ps, nil
}

func (c *Console) provisioningOf(ctx context.Context, ps ProvisionStore, ws Workspace, name string, bv BlueprintVersion) (*provisioning, error) {
	if ws.Status == WorkspaceArchived {
		return nil, archivedError(ws.Slug)
	}
	if ws.InstanceID == nil {
		return nil, fmt.Errorf("workspace %s lives on no n8n instance: give it one before provisioning", ws.Slug)
	}
	inst, err := c.store.Instance(ctx, *ws.InstanceID)
	if err != nil {
		return nil, fmt.Errorf("n8n instance of workspace %s: %w", ws.Slug, err)
	}
	cl, err := c.clients.get(ctx, *ws.InstanceID)
	if err != nil {
		return nil, fmt.Errorf("n8n instance of workspace %s: %w", ws.Slug, err)
	}
	pc, ok := cl.(ProvisionN8n)
	if !ok {
		return nil, fmt.Errorf("the client of instance %s cannot create workflows and credentials", inst.Name)
	}
	v, err := genesis.VersionFromStored(name, bv.Version, bv.ContentHash, bv.Workflows, bv.Files, bv.Report)
	if err != nil {
		return nil, err
	}
	base := inst.WebhookBaseURL
	if base == "" {
		base = inst.BaseURL
	}
	return &provisioning{ps: ps, ws: ws, remote: provisionRemote{c.clients.limited(*ws.InstanceID, pc)}, target: genesis.Target{WebhookBase: base}, bv: bv, version: v}, nil
}

// provisioningOfVersion is provisioningOf the stored version of blueprint
// name.
func (c *Console) provisioningOfVersion(ctx context.Context, ps ProvisionStore, ws Workspace, name string, version int) (*provisioning, error) {
	bv, err := ps.BlueprintVersionByName(ctx, name, version)
	if err != nil {
		return nil, fmt.Errorf("blueprint %s@v%d: %w", name, version, err)
	}
	return c.provisioningOf(ctx, ps, ws, name, bv)
}

// plan makes the plan for the workspace; runID > 0 makes the run's own
// (its webhookIds derived from the run), resuming tells the webhook check
// that workflows named for this workspace that no campaign owns may be
// the run's own creates of unknown outcome.
func (p *provisioning) plan(ctx context.Context, vals genesis.Values, activate bool, runID int64, resuming bool) (*genesis.Plan, error) {
	camps, err := p.ps.Campaigns(ctx, p.ws.ID)
	if err != nil {
		return nil, err
	}
	owned := map[string]bool{}
	for _, cp := range camps {
		owned[cp.N8nWorkflowID] = true
	}
	prior, err := p.ps.ProvisionedCredentials(ctx, p.ws.ID)
	if err != nil {
		return nil, err
	}
	existing, err := p.existing(ctx, runID)
	if err != nil {
		return nil, err
	}
	recorded := map[string][]string{}
	if runID > 0 {
		steps, err := p.ps.RunSteps(ctx, runID)
		if err != nil {
			return nil, err
		}
		for _, s := range steps {
			f := strings.TrimPrefix(s.Ref, "workflow:")
			recorded[f] = append(recorded[f], s.Kind)
		}
	}
	var lister genesis.WebhookLister = InstanceWebhooks{N8n: p.remote.c}
	if resuming {
		lister = resumeWebhooks{lister, p.ws.Slug + " - ", owned}
	}
	ports := genesis.Ports{Webhooks: lister, Schemas: p.remote.c}
	if runID > 0 {
		ports.IDs = genesis.RunIDs(runID)
	}
	return genesis.MakePlan(ctx, genesis.Input{Version: p.version, Values: vals, Activate: activate,
		Workspace: genesis.Workspace{Slug: p.ws.Slug, OwnedWorkflows: owned, Credentials: prior, Existing: existing, Recorded: recorded}}, ports)
}

// resumeWebhooks leaves out of the conflict check the workflows a resumed
// run may itself have created (its name prefix, no campaign owns them):
// the resume adopts them by exact name and tags, or refuses several.
type resumeWebhooks struct {
	genesis.WebhookLister
	prefix string
	owned  map[string]bool
}

func (r resumeWebhooks) TakenWebhooks(ctx context.Context) ([]genesis.TakenWebhook, error) {
	all, err := r.WebhookLister.TakenWebhooks(ctx)
	var out []genesis.TakenWebhook
	for _, t := range all {
		if !r.owned[t.WorkflowID] && strings.HasPrefix(t.WorkflowName, r.prefix) {
			continue
		}
		out = append(out, t)
	}
	return out, err
}

// Provision applies a blueprint version to a workspace awaiting setup, as
// one run recorded step by step; on a workspace already active it is a
// re-apply (see reapply): in place, and nothing is called when nothing
// changed. Super admin only;
// audited with the variables' names and which were secret, never values.
func (c *Console) Provision(ctx context.Context, actor Actor, req ProvisionRequest) (ProvisionResult, error) {
	var res ProvisionResult
	ref := fmt.Sprintf("%s@v%d", req.Blueprint, req.Version)
	detail := map[string]any{"blueprint": ref, "activate": req.Activate, "variables": variableUses(req.Values)}
	fail := func(ws *Workspace, err error) (ProvisionResult, error) {
		c.auditProvision(ctx, actor, ActionNameProvision, ws, req.Workspace, OutcomeFailed, err, detail)
		return res, err
	}
	ps, err := c.provisionAllowed(ctx, actor)
	if err != nil {
		return fail(nil, err)
	}
	ws, err := c.store.WorkspaceBySlug(ctx, req.Workspace)
	if err != nil {
		return fail(nil, fmt.Errorf("workspace %s: %w", req.Workspace, err))
	}
	p, err := c.provisioningOfVersion(ctx, ps, ws, req.Blueprint, req.Version)
	if err != nil {
		return fail(&ws, err)
	}
	switch ws.Status {
	case WorkspaceAwaitingSetup:
	case WorkspaceActive:
		return c.reapply(ctx, actor, p, req, detail)
	default:
		return fail(&ws, fmt.Errorf("%w: workspace %s is %s; provisioning starts from awaiting_setup (a run that stopped is resumed or rolled back)", ErrInvalid, ws.Slug, ws.Status))
	}
	// A first plan refuses bad values before a run is opened.
	if _, err := p.plan(ctx, req.Values, req.Activate, 0, false); err != nil {
		return fail(&ws, err)
	}
	var by *int64 // the local operator is no user
	if actor.UserID != 0 {
		by = &actor.UserID
	}
	run, err := ps.StartProvisioningRun(ctx, ws.ID, p.bv.ID, by, req.Activate)
	if err != nil {
		if errors.Is(err, ErrConflict) {
			err = fmt.Errorf("workspace %s already has a provisioning run under way: resume it or roll it back: %w", ws.Slug, err)
		}
		return fail(&ws, err)
	}
	detail["run"] = run.ID
	res.Run = run
	if err := ps.RecordRunValues(ctx, run.ID, genesis.RecordValues(req.Values)); err != nil {
		c.finishRun(ctx, ps, &res, ws, err)
		return fail(&ws, err)
	}
	pl, err := p.plan(ctx, req.Values, req.Activate, run.ID, false)
	if err != nil {
		c.finishRun(ctx, ps, &res, ws, err)
		return fail(&ws, err)
	}
	res.Plan = pl
	detail["steps"] = len(pl.Steps)
	p.progress = progressOf(req.Progress, run.ID, pl)
	return c.applyRun(ctx, actor, ActionNameProvision, p, pl, &res, detail)
}

// ResumeRun continues a run that stopped (an n8n error, a timeout, the
// process killed) from its first step not done, with the same values it
// was started with (secrets are not kept: the values file is read again).
func (c *Console) ResumeRun(ctx context.Context, actor Actor, runID int64, vals genesis.Values) (ProvisionResult, error) {
	var res ProvisionResult
	detail := map[string]any{"run": runID, "variables": variableUses(vals)}
	rs, refuse, err := c.onRun(ctx, actor, ActionNameProvisionResume, runID, detail)
	if err != nil {
		return res, err
	}
	fail := func(err error) (ProvisionResult, error) { return res, refuse(err) }
	ps, p, run := rs.ps, rs.p, rs.run
	res.Run = run
	if run.Status != RunApplying && run.Status != RunFailed {
		return fail(fmt.Errorf("%w: run %d is %s: only a run that stopped can be resumed", ErrInvalid, runID, run.Status))
	}
	pl, err := p.plan(ctx, vals, run.Activate, run.ID, true)
	if err != nil {
		return fail(err)
	}
	res.Plan = pl
	if res.Run, err = ps.SetRunStatus(ctx, run.ID, RunApplying, ""); err != nil {
		return fail(err)
	}
	return c.applyRun(ctx, actor, ActionNameProvisionResume, p, pl, &res, detail)
}

// RollbackRun deletes, newest first, what the run made: its campaigns in
// Postgres, its workflows and credentials in n8n; the workspace goes back
// to awaiting setup. vals (nil if not given) lets a step of unknown
// outcome look in n8n for what it may have created; without them such a
// step is refused, naming it.
func (c *Console) RollbackRun(ctx context.Context, actor Actor, runID int64, vals *genesis.Values) (ProvisionResult, error) {
	var res ProvisionResult
	detail := map[string]any{"run": runID}
	if vals != nil {
		detail["variables"] = variableUses(*vals)
	}
	rs, refuse, err := c.onRun(ctx, actor, ActionNameProvisionRollback, runID, detail)
	if err != nil {
		return res, err
	}
	fail := func(err error) (ProvisionResult, error) { return res, refuse(err) }
	ps, p, run := rs.ps, rs.p, rs.run
	res.Run = run
	if run.Status == RunRolledBack {
		return fail(fmt.Errorf("%w: run %d is already rolled back", ErrInvalid, runID))
	}
	var pl *genesis.Plan
	if vals != nil {
		if pl, err = p.plan(ctx, *vals, run.Activate, run.ID, true); err != nil {
			return fail(err)
		}
		res.Plan = pl
	}
	err = c.store.WithWorkspaceLock(ctx, p.ws.ID, LockExclusive, func(ctx context.Context) error {
		n, err := genesis.Rollback(ctx, pl, p.remote, p.journal(run.ID))
		res.Undone = n
		return err
	})
	detail["undone"] = res.Undone
	if errors.Is(err, genesis.ErrUpdatedInPlace) {
		return fail(fmt.Errorf("%w: run %d: %w", ErrInvalid, runID, err)) // refused before anything was undone
	}
	if err != nil {
		res.Run, _ = ps.SetRunStatus(ctx, run.ID, RunFailed, "rollback: "+err.Error())
		_, _ = c.store.SetWorkspaceStatus(ctx, p.ws.ID, WorkspaceError, "")
		return fail(err)
	}
	if res.Run, err = ps.SetRunStatus(ctx, run.ID, RunRolledBack, ""); err != nil {
		return fail(err)
	}
	// A re-apply's rollback leaves the campaigns of earlier runs: the
	// workspace stays active on them.
	back := WorkspaceAwaitingSetup
	if camps, err := c.store.Campaigns(ctx, p.ws.ID); err != nil {
		return fail(err)
	} else if len(camps) > 0 {
		back = WorkspaceActive
	}
	ws, err := c.store.SetWorkspaceStatus(ctx, p.ws.ID, back, "")
	if err != nil {
		return fail(err)
	}
	c.auditProvision(ctx, actor, ActionNameProvisionRollback, &ws, ws.Slug, OutcomeRolledBack, nil, detail)
	return res, nil
}

// onRun is where resume and rollback start: the session allowed, the run
// and what it provisions read. refuse audits a failure of action against
// the run's workspace once that is known, and returns the error; a
// failure here is audited already.
func (c *Console) onRun(ctx context.Context, actor Actor, action string, runID int64, detail map[string]any) (onRunState, func(error) error, error) {
	var rs onRunState
	var wsp *Workspace
	refuse := func(err error) error {
		c.auditProvision(ctx, actor, action, wsp, "", OutcomeFailed, err, detail)
		return err
	}
	var err error
	if rs.ps, err = c.provisionAllowed(ctx, actor); err != nil {
		return rs, refuse, refuse(err)
	}
	rs.p, rs.run, err = c.runProvisioning(ctx, rs.ps, runID)
	if rs.p != nil {
		wsp = &rs.p.ws
	}
	if err != nil {
		return rs, refuse, refuse(err)
	}
	return rs, refuse, nil
}

// onRunState is what onRun read.
type onRunState struct {
	ps  ProvisionStore
	p   *provisioning
	run ProvisioningRun
}

func (c *Console) runProvisioning(ctx context.Context, ps ProvisionStore, runID int64) (*provisioning, ProvisioningRun, error) {
	run, err := ps.Run(ctx, runID)
	if err != nil {
		return nil, run, fmt.Errorf("run %d: %w", runID, err)
	}
	ws, err := c.store.Workspace(ctx, run.WorkspaceID)
	if err != nil {
		return nil, run, fmt.Errorf("workspace of run %d: %w", runID, err)
	}
	name, bv, err := ps.RunVersion(ctx, runID)
	if err != nil {
		return &provisioning{ws: ws}, run, err
	}
	p, err := c.provisioningOf(ctx, ps, ws, name, bv)
	if err != nil {
		return &provisioning{ws: ws}, run, err
	}
	return p, run, nil
}

// applyRun runs the plan's steps under the workspace's exclusive lock (a
// second process resuming the same run waits, then finds the steps done)
// and settles the run and the workspace.
func (c *Console) applyRun(ctx context.Context, actor Actor, action string, p *provisioning, pl *genesis.Plan, res *ProvisionResult, detail map[string]any) (ProvisionResult, error) {
	ws, err := c.store.SetWorkspaceStatus(ctx, p.ws.ID, WorkspaceProvisioning, "")
	if err != nil {
		c.auditProvision(ctx, actor, action, &p.ws, p.ws.Slug, OutcomeFailed, err, detail)
		return *res, err
	}
	err = c.store.WithWorkspaceLock(ctx, ws.ID, LockExclusive, func(ctx context.Context) error {
		out, err := genesis.Apply(ctx, pl, p.target, p.remote, p.journal(res.Run.ID))
		res.Outcome = out
		return err
	})
	detail["adopted"] = res.Outcome.Adopted
	detail["skipped"] = res.Outcome.Skipped
	ws = c.finishRun(ctx, p.ps, res, ws, err)
	if err != nil {
		c.auditProvision(ctx, actor, action, &ws, ws.Slug, OutcomeFailed, err, detail)
		return *res, err
	}
	c.auditProvision(ctx, actor, action, &ws, ws.Slug, OutcomeOK, nil, detail)
	return *res, nil
}

// finishRun settles the run and the workspace. It writes with ctx: a
// process killed (ctx cancelled) leaves the run applying and the
// workspace provisioning, which is what a resume finds.
func (c *Console) finishRun(ctx context.Context, ps ProvisionStore, res *ProvisionResult, ws Workspace, err error) Workspace {
	status, wsStatus, msg := RunSucceeded, WorkspaceActive, ""
	if err != nil {
		status, wsStatus, msg = RunFailed, WorkspaceError, err.Error()
	}
	if r, e := ps.SetRunStatus(ctx, res.Run.ID, status, msg); e == nil {
		res.Run = r
	}
	if w, e := c.store.SetWorkspaceStatus(ctx, ws.ID, wsStatus, ""); e == nil {
		return w
	}
	return ws
}

func (c *Console) auditProvision(ctx context.Context, actor Actor, action string, ws *Workspace, slug string, outcome Outcome, err error, detail map[string]any) {
	e := actor.auditEntry(action, outcome, err)
	st := map[string]any{}
	for k, v := range detail {
		st[k] = v
	}
	if ws != nil {
		e.WorkspaceID = &ws.ID
		st["workspace"], st["status"] = ws.Slug, ws.Status
	} else if slug != "" {
		st["workspace"] = slug
	}
	e.After = jsonObject(st)
	c.appendAudit(ctx, e)
}

// variableUses are the names of the variables and credential slots given,
// and which were secret: what the audit records, never a value.
func variableUses(v genesis.Values) map[string]any {
	vars := map[string]bool{}
	for name, val := range v.Variables {
		vars[name] = val.Secret
	}
	creds := map[string]string{}
	for slot, cv := range v.Credentials {
		switch {
		case cv.ID != "":
			creds[slot] = "existing"
		case cv.New != nil:
			creds[slot] = "new (secret)"
		}
	}
	return map[string]any{"variables": vars, "credentials": creds}
}

// journal is genesis.Journal over one run's rows.
func (p *provisioning) journal(runID int64) genesis.Journal {
	return runJournal{ps: p.ps, run: runID, ws: p.ws.ID, version: p.bv.ID, progress: p.progress}
}

// progressOf turns a request's Progress into the journal's per-step
// callback (nil when nobody listens).
func progressOf(f func(ProvisionProgress), runID int64, pl *genesis.Plan) func(int, string) {
	if f == nil {
		return nil
	}
	bySeq := map[int]genesis.Step{}
	for _, s := range pl.Steps {
		bySeq[s.Seq] = s
	}
	return func(seq int, status string) {
		f(ProvisionProgress{Run: runID, Step: bySeq[seq], Status: status, Total: len(pl.Steps)})
	}
}

type runJournal struct {
	ps       ProvisionStore
	run      int64
	ws       int64
	version  int64
	progress func(seq int, status string)
}

// tell passes a step's new state on once Postgres holds it.
func (j runJournal) tell(seq int, status string, err error) error {
	if err == nil && j.progress != nil {
		j.progress(seq, status)
	}
	return err
}

func (j runJournal) Started(ctx context.Context, s genesis.Step, fp string) error {
	return j.tell(s.Seq, genesis.StepStarted, j.ps.StepStarted(ctx, j.run, s.Seq, s.Kind, s.Ref, fp))
}
func (j runJournal) Done(ctx context.Context, seq int, id string) error {
	return j.tell(seq, genesis.StepDone, j.ps.SetStepStatus(ctx, j.run, seq, genesis.StepDone, id, ""))
}
func (j runJournal) Failed(ctx context.Context, seq int, msg string) error {
	return j.tell(seq, genesis.StepFailed, j.ps.SetStepStatus(ctx, j.run, seq, genesis.StepFailed, "", msg))
}
func (j runJournal) Undone(ctx context.Context, seq int) error {
	return j.tell(seq, genesis.StepUndone, j.ps.SetStepStatus(ctx, j.run, seq, genesis.StepUndone, "", ""))
}
func (j runJournal) Steps(ctx context.Context) ([]genesis.Recorded, error) {
	rows, err := j.ps.RunSteps(ctx, j.run)
	out := make([]genesis.Recorded, 0, len(rows))
	for _, r := range rows {
		out = append(out, genesis.Recorded{Seq: r.Seq, Kind: r.Kind, Ref: r.Ref, N8nID: r.N8nID, Status: r.Status, Error: r.Error, Fingerprint: r.Fingerprint})
	}
	return out, err
}
func (j runJournal) RecordCampaign(ctx context.Context, c genesis.CampaignRecord) (string, error) {
	id, err := j.ps.RecordProvisionedCampaign(ctx, ProvisionedCampaign{WorkspaceID: j.ws, BlueprintVersionID: j.version,
		Name: c.Name, WorkflowID: c.WorkflowID, WebhookURL: c.WebhookURL, AppliedHash: c.AppliedHash, Active: c.Active})
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(id, 10), nil
}
func (j runJournal) DeleteCampaign(ctx context.Context, id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("campaign id %q: %w", id, err)
	}
	return j.ps.DeleteProvisionedCampaign(ctx, n)
}
