package model

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/godmode-console/godmode/n8n"
)

// WorkspaceTagPrefix marks a workflow tag that names a workspace. An
// unmanaged workflow is attributed to a workspace living on its instance
// when one of its tags is "ws:<slug>" or the bare slug (n8n tags are at
// most 24 characters, so long slugs only fit bare or not at all).
const WorkspaceTagPrefix = "ws:"

// planInput is what a cycle read: Postgres first, then n8n.
type planInput struct {
	now          time.Time
	inst         Instance
	campaigns    []Campaign
	workspaces   []Workspace
	workflows    []n8n.Workflow
	executions   []n8n.Execution
	stalePending time.Duration
	applied      map[int64]AppliedVersion // by campaign: what provisioning applied
}

// syncPlan is what the cycle will write, and counts for its report.
type syncPlan struct {
	write       SyncWrite
	unmanaged   int
	needsPerson int
	// enforce are campaigns of suspended workspaces whose workflow runs in
	// n8n: there godmode is the truth, and the cycle deactivates them.
	enforce []freezeEnforcement
	// finishing are suspended workspaces whose freeze never said it was
	// done (its process may have died): the cycle finishes it.
	finishing []Workspace
}

// freezeEnforcement is one workflow running behind a freeze.
type freezeEnforcement struct {
	campaign Campaign
	ws       Workspace
	workflow string // its name in n8n
}

// plan compares n8n with Postgres. It is pure: the same reads give the same
// writes, which is what lets a cycle be judged before anything is written.
func plan(in planInput) syncPlan {
	var p syncPlan
	byID := make(map[string]*n8n.Workflow, len(in.workflows))
	for i := range in.workflows {
		byID[in.workflows[i].ID] = &in.workflows[i]
	}
	owned := make(map[string]int64, len(in.campaigns))
	wsSlug := map[int64]string{}
	frozen := map[int64]Workspace{}
	archived := map[int64]bool{} // nothing of theirs is switched on by sync
	for _, ws := range in.workspaces {
		wsSlug[ws.ID] = ws.Slug
		if ws.Status == WorkspaceSuspended {
			frozen[ws.ID] = ws
		}
		if ws.Status == WorkspaceArchived {
			archived[ws.ID] = true
		}
	}
	busy := map[int64]bool{} // frozen workspaces with a toggle in flight
	base := in.inst.WebhookBaseURL
	if base == "" {
		base = in.inst.BaseURL
	}
	now := in.now
	for _, c := range in.campaigns {
		owned[c.N8nWorkflowID] = c.ID
		wf := byID[c.N8nWorkflowID]
		if wf != nil && wf.IsArchived {
			wf = nil // an archived workflow cannot run: for its campaign it is gone
		}
		find := func(kind DriftKind, corrected bool, detail string) Finding {
			f := Finding{Kind: kind, InstanceID: in.inst.ID, InstanceName: in.inst.Name, WorkspaceID: ptr(c.WorkspaceID),
				WorkspaceSlug: wsSlug[c.WorkspaceID], CampaignID: ptr(c.ID), CampaignName: c.Name,
				WorkflowID: c.N8nWorkflowID, Detail: detail, Corrected: corrected, FirstSeenAt: now, LastSeenAt: now}
			if wf != nil {
				f.WorkflowName = wf.Name
			}
			return f
		}
		if c.PendingStatus != nil && c.PendingSince != nil && now.Sub(*c.PendingSince) < in.stalePending {
			// A toggle may be between its n8n call and its settle: judge
			// this campaign next cycle.
			p.write.KeepOpen = append(p.write.KeepOpen, c.ID)
			busy[c.WorkspaceID] = true
			continue
		}
		if ws, ok := frozen[c.WorkspaceID]; ok && wf != nil && wf.Active {
			// A frozen workspace is the one place godmode, not n8n, is the
			// truth: the workflow is deactivated again, never adopted.
			p.enforce = append(p.enforce, freezeEnforcement{campaign: c, ws: ws, workflow: wf.Name})
			p.write.KeepOpen = append(p.write.KeepOpen, c.ID)
			continue
		}
		if c.PendingStatus != nil {
			// In an archived workspace a settled wish never switches a
			// campaign on: it keeps its status.
			p.settle(c, wf, find, now, archived[c.WorkspaceID] && c.Status != CampaignActive)
			continue
		}
		if wf == nil {
			if c.Status == CampaignArchived {
				continue // archived on purpose: its workflow may go
			}
			p.gone(c, find)
			continue
		}
		if archived[c.WorkspaceID] && wf.Active && c.Status != CampaignActive {
			// An archived workspace runs nothing: n8n is not followed into
			// switching one of its campaigns on. A person says what is meant.
			p.write.Findings = append(p.write.Findings, find(DriftStateMismatch, false,
				fmt.Sprintf("workspace %s is archived but this workflow is active in n8n: deactivate it there, or restore the workspace (godmode workspace restore %s)",
					wsSlug[c.WorkspaceID], wsSlug[c.WorkspaceID])))
			p.needsPerson++
			continue
		}
		switch c.Status {
		case CampaignActive, CampaignPaused:
			if wf.Active != (c.Status == CampaignActive) {
				to, was := statusOf(wf.Active), c.Status
				f := find(DriftStateMismatch, true, fmt.Sprintf("%s in n8n, was %s", wordFor(wf.Active), was))
				f.Before, f.After = campaignState(c, ""), campaignState(withStatus(c, to, ""), "")
				f.ResolvedAt = &now
				p.write.Corrections = append(p.write.Corrections, SyncCorrection{Before: c, Status: to, Action: "sync.correct",
					Reason: fmt.Sprintf("workflow %s is %s in n8n; Postgres said %s", c.N8nWorkflowID, wordFor(wf.Active), was), Finding: &f})
			}
		default:
			// archived or error: a person chose or must choose; sync only
			// says so when the workflow runs anyway.
			if wf.Active {
				p.write.Findings = append(p.write.Findings, find(DriftStateMismatch, false,
					fmt.Sprintf("campaign is %s but its workflow is active in n8n: deactivate it there, or toggle the campaign", c.Status)))
				p.needsPerson++
			}
		}
		if f, ok := webhookDrift(c, wf, base, find); ok {
			p.write.Findings = append(p.write.Findings, f)
			p.needsPerson++
		}
		if f, ok := versionDrift(c, wf, in.applied[c.ID], wsSlug[c.WorkspaceID], find); ok {
			p.write.Findings = append(p.write.Findings, f)
			p.needsPerson++
		}
	}
	for _, ws := range in.workspaces {
		if _, ok := frozen[ws.ID]; ok && ws.FreezingSince != nil && !busy[ws.ID] {
			p.finishing = append(p.finishing, ws)
		}
	}
	p.unmanagedWorkflows(in, owned)
	p.executionRows(in, owned)
	return p
}

// settle turns a stale wish into the status n8n shows.
func (p *syncPlan) settle(c Campaign, wf *n8n.Workflow, find func(DriftKind, bool, string) Finding, now time.Time, keep bool) {
	want := *c.PendingStatus
	since := c.PendingSince.UTC().Format(time.RFC3339)
	if wf == nil {
		p.gone(c, find)
		return
	}
	to := statusOf(wf.Active)
	corr := SyncCorrection{Before: c, Status: to, Action: "sync.settle",
		Reason: fmt.Sprintf("a toggle to %s left pending since %s was settled from n8n: the workflow is %s", want, since, wordFor(wf.Active))}
	if keep || c.Status == CampaignArchived || c.Status == CampaignError {
		corr.Status, corr.LastError = c.Status, c.LastError
	} else if to != c.Status {
		f := find(DriftStateMismatch, true, fmt.Sprintf("%s in n8n, was %s (a toggle to %s was left pending)", wordFor(wf.Active), c.Status, want))
		f.Before, f.After = campaignState(c, want), campaignState(withStatus(c, to, ""), "")
		f.ResolvedAt = &now
		corr.Finding = &f
	}
	p.write.Corrections = append(p.write.Corrections, corr)
}

// gone marks a campaign whose workflow no longer exists: status error with
// the reason, and a finding that stays open until a person acts.
func (p *syncPlan) gone(c Campaign, find func(DriftKind, bool, string) Finding) {
	reason := fmt.Sprintf("workflow %s no longer exists in n8n (deleted or archived there)", c.N8nWorkflowID)
	f := find(DriftOrphanDBRecord, true, reason+": campaign set to error; re-create the workflow or archive the campaign")
	if c.Status == CampaignError && c.LastError == reason && c.PendingStatus == nil {
		p.write.Findings = append(p.write.Findings, f)
		return
	}
	f.Before, f.After = campaignState(c, ""), campaignState(withStatus(c, CampaignError, reason), "")
	p.write.Corrections = append(p.write.Corrections, SyncCorrection{Before: c, Status: CampaignError, LastError: reason,
		Action: "sync.correct", Reason: reason, Finding: &f})
}

// webhookDrift flags a recorded webhook URL that none of the workflow's
// webhook nodes answers at.
func webhookDrift(c Campaign, wf *n8n.Workflow, base string, find func(DriftKind, bool, string) Finding) (Finding, bool) {
	if c.WebhookURL == "" {
		return Finding{}, false
	}
	var urls []string
	// What answers is the published version, not a 2.x draft.
	for _, n := range wf.Published().WebhookNodes() {
		u := n.WebhookURL(base)
		if strings.TrimRight(u, "/") == strings.TrimRight(c.WebhookURL, "/") {
			return Finding{}, false
		}
		urls = append(urls, u)
	}
	detail := fmt.Sprintf("recorded webhook URL %s, but the workflow has no webhook node: fix the workflow or the campaign", c.WebhookURL)
	if len(urls) > 0 {
		detail = fmt.Sprintf("recorded webhook URL %s, but the workflow's webhook answers at %s: update the campaign or the workflow",
			c.WebhookURL, strings.Join(urls, ", "))
	}
	return find(DriftWebhookMismatch, false, detail), true
}

// unmanagedWorkflows lists workflows no campaign on the instance owns.
func (p *syncPlan) unmanagedWorkflows(in planInput, owned map[string]int64) {
	bySlug := map[string]Workspace{}
	for _, ws := range in.workspaces {
		bySlug[ws.Slug] = ws
	}
	for _, wf := range in.workflows {
		if _, ok := owned[wf.ID]; ok || wf.IsArchived {
			continue
		}
		f := Finding{Kind: DriftOrphanWorkflow, InstanceID: in.inst.ID, InstanceName: in.inst.Name, WorkflowID: wf.ID,
			WorkflowName: wf.Name, FirstSeenAt: in.now, LastSeenAt: in.now,
			Detail: fmt.Sprintf("workflow %q (%s) is in n8n but no campaign owns it", wf.Name, wordFor(wf.Active))}
		named := ""
		for _, t := range wf.Tags {
			slug, tagged := strings.CutPrefix(t.Name, WorkspaceTagPrefix)
			ws, ok := bySlug[slug]
			if ok {
				f.WorkspaceID, f.WorkspaceSlug = ptr(ws.ID), ws.Slug
				f.Detail += fmt.Sprintf("; its tag names workspace %s", ws.Slug)
				named = ""
				break
			}
			if tagged && named == "" && CheckSlug(slug) == nil {
				named = slug
			}
		}
		// A client set up in n8n before godmode knew it: say which
		// workspace the tag asks for, so the operator knows what to create.
		if named != "" {
			f.Detail += fmt.Sprintf("; its tag names workspace %s, which does not exist on %s yet", named, in.inst.Name)
		}
		p.write.Findings = append(p.write.Findings, f)
		p.unmanaged++
		p.needsPerson++
	}
}

// executionRows keeps the new executions of the instance's campaigns.
func (p *syncPlan) executionRows(in planInput, owned map[string]int64) {
	for _, e := range in.executions {
		cid, ok := owned[e.WorkflowID]
		if !ok || e.StartedAt.IsZero() {
			continue // a workflow no campaign owns, or one not started yet
		}
		st := string(e.Status)
		if !slices.Contains(n8n.Statuses, e.Status) {
			st = string(n8n.StatusUnknown)
		}
		p.write.Executions = append(p.write.Executions, SyncExecution{CampaignID: cid, ID: e.ID, Status: st, Mode: e.Mode,
			StartedAt: e.StartedAt, StoppedAt: e.StoppedAt, RetryOf: e.RetryOf})
	}
}

func statusOf(active bool) CampaignStatus {
	if active {
		return CampaignActive
	}
	return CampaignPaused
}

func wordFor(active bool) string {
	if active {
		return "active"
	}
	return "inactive"
}

func withStatus(c Campaign, s CampaignStatus, lastError string) Campaign {
	c.Status, c.LastError, c.PendingStatus, c.PendingSince = s, lastError, nil, nil
	return c
}

func ptr[T any](v T) *T { return &v }
