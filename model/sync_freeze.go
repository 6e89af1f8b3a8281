package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// enforceFreezes deactivates again, in n8n, the workflows of suspended
// workspaces that run there: activated in n8n behind a freeze, or never
// paused because the freeze was cut off. Each is done under the workspace's
// lock taken without waiting (a freeze or unfreeze still running decides,
// not sync) and the campaign's lock, audited as sync, and recorded as a
// finding. Then freezes cut off halfway are marked finished. It returns the
// campaigns it changed.
func (s *Syncer) enforceFreezes(ctx context.Context, cl N8n, in Instance, p *syncPlan, now time.Time) []Campaign {
	var done []Campaign
	blocked := map[int64]bool{} // workspaces whose freeze is not finished yet
	paused := map[int64][]string{}
	for _, e := range p.enforce {
		after, f, err := s.enforceFreeze(ctx, cl, in, e, now)
		switch {
		case errors.Is(err, ErrLockBusy):
			blocked[e.ws.ID] = true
		case err != nil:
			blocked[e.ws.ID] = true
			p.write.Findings = append(p.write.Findings, freezeFinding(in, e, now, false, fmt.Sprintf(
				"workflow %s runs in n8n behind the freeze of %s, and sync could not deactivate it (%v): ask whoever has access to n8n instance %s to deactivate it",
				e.campaign.N8nWorkflowID, e.ws.Slug, err, in.Name)))
			p.needsPerson++
		case f != nil:
			p.write.Findings = append(p.write.Findings, *f)
			done = append(done, after)
			paused[e.ws.ID] = append(paused[e.ws.ID], after.Name)
			p.needsPerson++
		}
	}
	for _, ws := range p.finishing {
		if !blocked[ws.ID] {
			s.finishFreeze(ctx, ws, paused[ws.ID])
		}
	}
	return done
}

// enforceFreeze deactivates one workflow behind a freeze. A campaign that
// Postgres still says is active was never reached by its freeze: it is
// paused and flagged to restart on unfreeze, as the freeze would have done.
// One Postgres says is paused was turned on in n8n behind the freeze: it is
// deactivated and someone must find out who did it.
func (s *Syncer) enforceFreeze(ctx context.Context, cl N8n, in Instance, e freezeEnforcement, now time.Time) (Campaign, *Finding, error) {
	var after Campaign
	var found *Finding
	err := s.store.WithWorkspaceLock(ctx, e.ws.ID, LockSharedOrSkip, func(ctx context.Context) error {
		return s.store.WithCampaignLock(ctx, e.campaign.ID, func(ctx context.Context) error {
			ws, err := s.store.Workspace(ctx, e.ws.ID)
			if err != nil || ws.Status != WorkspaceSuspended {
				return err // unfrozen meanwhile: n8n is the truth again
			}
			cur, err := s.store.Campaign(ctx, e.campaign.ID)
			if err != nil {
				return err
			}
			wf, err := cl.GetWorkflow(ctx, cur.N8nWorkflowID)
			if err != nil {
				return err
			}
			if !wf.Active {
				return nil // someone deactivated it meanwhile
			}
			if _, err := cl.Deactivate(ctx, cur.N8nWorkflowID); err != nil {
				return err
			}
			cutOff := cur.Status == CampaignActive || (cur.PendingStatus != nil && *cur.PendingStatus == CampaignActive)
			to := cur.Status
			if to == CampaignActive {
				to = CampaignPaused
			}
			var reason, detail string
			if cutOff {
				if err := s.store.MarkForResume(ctx, cur.ID, true); err != nil {
					return err
				}
				reason = fmt.Sprintf("the freeze of %s (reason: %s)%s was cut off before it paused this campaign: sync deactivated workflow %s and flagged it to restart on unfreeze",
					ws.Slug, ws.FreezeReason, freezeBegun(ws), cur.N8nWorkflowID)
				detail = reason
			} else {
				reason = fmt.Sprintf("workflow %s was activated in n8n behind the freeze of %s (reason: %s); sync deactivated it again",
					cur.N8nWorkflowID, ws.Slug, ws.FreezeReason)
				detail = fmt.Sprintf("activated in n8n behind the freeze of %s (reason: %s); deactivated again — ask whoever has access to n8n instance %s who turned it on",
					ws.Slug, ws.FreezeReason, in.Name)
			}
			if after, err = s.store.Settle(ctx, cur.ID, to, cur.LastError); err != nil {
				return err
			}
			st, _ := json.Marshal(map[string]any{"campaign": after.Name, "status": after.Status, "version": after.Version,
				"reason": reason, "n8n": "deactivated", "resume_on_unfreeze": cutOff})
			a := SyncActor()
			s.appendAudit(ctx, AuditEntry{ActorName: a.display(), Action: "sync.freeze", WorkspaceID: &cur.WorkspaceID,
				CampaignID: &cur.ID, Before: campaignState(cur, ""), After: st, Outcome: OutcomeOK})
			if row, ok := cutOffEntry(cur, after, "sync settled it while enforcing the freeze"); ok {
				s.appendAudit(ctx, row)
			}
			f := freezeFinding(in, freezeEnforcement{campaign: cur, ws: ws, workflow: wf.Name}, now, true, detail)
			f.Before, f.After = campaignState(cur, ""), campaignState(after, "")
			f.ResolvedAt = &now
			found = &f
			return nil
		})
	})
	return after, found, err
}

// finishFreeze clears the mark of a freeze that was cut off once none of
// the workspace's campaigns is active or pending any more, and says so in
// the audit trail.
func (s *Syncer) finishFreeze(ctx context.Context, mark Workspace, pausedNow []string) {
	err := s.store.WithWorkspaceLock(ctx, mark.ID, LockSharedOrSkip, func(ctx context.Context) error {
		ws, err := s.store.Workspace(ctx, mark.ID)
		if err != nil || ws.Status != WorkspaceSuspended || ws.FreezingSince == nil {
			return err
		}
		camps, err := s.store.Campaigns(ctx, ws.ID)
		if err != nil {
			return err
		}
		for _, c := range camps {
			if c.Status == CampaignActive || c.PendingStatus != nil {
				return nil // not yet: a later cycle finishes it
			}
		}
		done, err := s.store.EndFreeze(ctx, ws.ID)
		if err != nil {
			return err
		}
		note := "nothing was left to pause"
		if len(pausedNow) > 0 {
			note = "sync paused " + strings.Join(pausedNow, ", ")
		}
		st, _ := json.Marshal(map[string]any{"workspace": done.Slug, "status": done.Status, "reason": ws.FreezeReason,
			"campaigns": append([]string{}, pausedNow...),
			"note":      fmt.Sprintf("the freeze%s was cut off before it finished; sync finished it: %s", freezeBegun(ws), note)})
		a := SyncActor()
		s.appendAudit(ctx, AuditEntry{ActorName: a.display(), Action: "sync.freeze", WorkspaceID: &ws.ID, After: st, Outcome: OutcomeOK})
		return nil
	})
	if err != nil && !errors.Is(err, ErrLockBusy) {
		s.opt.Log.Error("finishing a cut-off freeze failed", "workspace", mark.Slug, "err", err)
	}
}

func freezeBegun(ws Workspace) string {
	if ws.FreezingSince == nil {
		return ""
	}
	by := ""
	if ws.FreezingBy != "" {
		by = " by " + ws.FreezingBy
	}
	return fmt.Sprintf(" begun%s at %s", by, ws.FreezingSince.UTC().Format(time.RFC3339))
}

func freezeFinding(in Instance, e freezeEnforcement, now time.Time, corrected bool, detail string) Finding {
	c := e.campaign
	return Finding{Kind: DriftStateMismatch, InstanceID: in.ID, InstanceName: in.Name, WorkspaceID: ptr(c.WorkspaceID),
		WorkspaceSlug: e.ws.Slug, CampaignID: ptr(c.ID), CampaignName: c.Name, WorkflowID: c.N8nWorkflowID,
		WorkflowName: e.workflow, Detail: detail, Corrected: corrected, FirstSeenAt: now, LastSeenAt: now}
}

func (s *Syncer) appendAudit(ctx context.Context, e AuditEntry) {
	recordAudit(ctx, s.store, s.opt.Log, e)
}
