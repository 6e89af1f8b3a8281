package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrFrozen refuses activating a campaign of a suspended workspace.
var ErrFrozen = errors.New("the workspace is frozen")

// Toggle activates or pauses a campaign, following DESIGN.md: authorise;
// under a per-campaign lock that holds across processes, ask n8n what is
// true and record a noop if it already matches; otherwise record the wish,
// call n8n, and settle. Every attempt, refused ones included, leaves exactly
// one audit row with the actor.
func (c *Console) Toggle(ctx context.Context, actor Actor, campaignID int64, want CampaignStatus) ToggleResult {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return ToggleResult{Outcome: OutcomeFailed, Err: err}
	}
	// Whatever it ends with, the campaign's executions are read anew.
	defer c.shared.forgetCampaign(camp.WorkspaceID, camp.ID)
	fail := func(err error) ToggleResult {
		c.audit(ctx, actor, "toggle", camp, camp, OutcomeFailed, err, want)
		return ToggleResult{Campaign: camp, Outcome: OutcomeFailed, Err: err}
	}
	if want != CampaignActive && want != CampaignPaused {
		return fail(fmt.Errorf("%w: a campaign can be toggled to active or paused, not %q", ErrInvalid, want))
	}
	if c.readOnly {
		return fail(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := c.authorize(ctx, actor, ActionToggle, camp.WorkspaceID); err != nil {
		return fail(err)
	}
	// The frozen check happens under the workspace's shared lock, which a
	// freeze takes exclusive: a toggle either ends before a freeze starts
	// or starts after it and sees the workspace suspended.
	var res ToggleResult
	err = c.store.WithWorkspaceLock(ctx, camp.WorkspaceID, LockShared, func(ctx context.Context) error {
		return c.store.WithCampaignLock(ctx, campaignID, func(ctx context.Context) error {
			if want == CampaignActive {
				ws, err := c.store.Workspace(ctx, camp.WorkspaceID)
				if err != nil {
					res = fail(err)
					return nil
				}
				if ws.Status == WorkspaceSuspended {
					res = fail(fmt.Errorf("%w (%s): unfreeze it first", ErrFrozen, ws.FreezeReason))
					return nil
				}
				if ws.Status == WorkspaceArchived {
					res = fail(archivedError(ws.Slug))
					return nil
				}
			}
			res = c.toggleLocked(ctx, actor, campaignID, want, "toggle")
			return nil
		})
	})
	if err != nil {
		return fail(fmt.Errorf("waiting for the locks of the campaign and its workspace (a freeze may hold them): %w", err))
	}
	return res
}

// toggleLocked does the work of a toggle; action names it in the audit
// trail (toggle, freeze, unfreeze).
func (c *Console) toggleLocked(ctx context.Context, actor Actor, id int64, want CampaignStatus, action string) ToggleResult {
	before, err := c.store.Campaign(ctx, id)
	if err != nil {
		return ToggleResult{Outcome: OutcomeFailed, Err: err}
	}
	finish := func(after Campaign, outcome Outcome, err error) ToggleResult {
		c.audit(ctx, actor, action, before, after, outcome, err, want)
		return ToggleResult{Campaign: after, Outcome: outcome, Err: err}
	}
	if before.PendingStatus != nil {
		// Under the lock, a wish still pending is one whose toggle was cut
		// off (its process died): this toggle settles it, so say so.
		defer func(stale Campaign) {
			if cur, err := c.store.Campaign(context.WithoutCancel(ctx), id); err == nil {
				if e, ok := cutOffEntry(stale, cur, fmt.Sprintf("settled by the next %s of %s", action, actor.display())); ok {
					c.appendAudit(ctx, e)
				}
			}
		}(before)
	}
	// One bound for every n8n call of this toggle, so a hung n8n costs a
	// few seconds, not the client's whole retry budget.
	nctx, cancel := context.WithTimeout(ctx, c.toggleTimeout)
	defer cancel()
	bounded := func(err error) error {
		if err != nil && ctx.Err() == nil && errors.Is(nctx.Err(), context.DeadlineExceeded) {
			return &timeoutError{after: c.toggleTimeout, err: err}
		}
		return err
	}
	active, err := c.workflowActive(nctx, before)
	err = bounded(err)
	if err != nil {
		return finish(c.settleFailure(ctx, before, err), OutcomeFailed, explain(before, err))
	}
	// Pausing an archived campaign stops its workflow in n8n (stopping is
	// always allowed) and leaves it archived: it is still retired.
	settleAs := want
	if before.Status == CampaignArchived && want == CampaignPaused {
		settleAs = CampaignArchived
	}
	if active == (want == CampaignActive) {
		after := before
		// n8n is the truth: if Postgres disagreed, it learns it here.
		if before.Status != settleAs || before.PendingStatus != nil {
			if after, err = c.store.Settle(ctx, id, settleAs, ""); err != nil {
				return finish(before, OutcomeFailed, err)
			}
		}
		return finish(after, OutcomeNoop, nil)
	}
	wish := PendingWish{Status: want, ActorName: actor.display(), Action: action}
	if actor.UserID != 0 {
		wish.ActorUserID = &actor.UserID
	}
	if _, err := c.store.SetPending(ctx, id, wish); err != nil {
		return finish(before, OutcomeFailed, err)
	}
	if err := bounded(c.setActive(nctx, before, want == CampaignActive)); err != nil {
		return finish(c.settleFailure(ctx, before, err), OutcomeFailed, explain(before, err))
	}
	after, err := c.store.Settle(ctx, id, settleAs, "")
	if err == nil {
		return finish(after, OutcomeOK, nil)
	}
	// n8n changed but Postgres did not record it: put n8n back so the two
	// agree. If that fails too, the pending wish stays for sync to settle.
	recordErr := fmt.Errorf("recording the new status failed: %w", err)
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), c.toggleTimeout)
	defer rcancel()
	if revertErr := c.setActive(rctx, before, want != CampaignActive); revertErr != nil {
		return finish(before, OutcomeFailed, fmt.Errorf("%w; putting n8n back failed too (%v): sync will settle it", recordErr, revertErr))
	}
	return finish(before, OutcomeRolledBack, recordErr)
}

// settleFailure clears the wish after n8n refused or could not be reached.
// The status stays, unless n8n says the workflow is gone.
func (c *Console) settleFailure(ctx context.Context, camp Campaign, cause error) Campaign {
	status, msg := camp.Status, cause.Error()
	if isGone(cause) {
		status, msg = CampaignError, fmt.Sprintf("workflow %s no longer exists in n8n", camp.N8nWorkflowID)
	}
	after, err := c.store.Settle(context.WithoutCancel(ctx), camp.ID, status, msg)
	if err != nil {
		return camp
	}
	return after
}

// timeoutError is a toggle's n8n call cut at the toggle's bound; it says
// so in a few words and keeps the client's error for errors.Is.
type timeoutError struct {
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string { return fmt.Sprintf("n8n did not answer in %s", e.after) }
func (e *timeoutError) Unwrap() error { return e.err }

// cutOffEntry is the audit row of a toggle that was cut off before it
// settled (stale is the campaign with its wish still pending), in the name
// of whoever wished it; how says what settled it. ok is false when the wish
// does not name its actor (recorded before wishes did).
func cutOffEntry(stale, after Campaign, how string) (AuditEntry, bool) {
	if stale.PendingStatus == nil || stale.PendingActor == "" {
		return AuditEntry{}, false
	}
	action := stale.PendingAction
	if action == "" {
		action = "toggle"
	}
	since := ""
	if stale.PendingSince != nil {
		since = " at " + stale.PendingSince.UTC().Format(time.RFC3339)
	}
	e := AuditEntry{ActorName: stale.PendingActor, ActorUserID: stale.PendingActorUserID, Action: action, Outcome: OutcomeFailed,
		WorkspaceID: &stale.WorkspaceID, CampaignID: &stale.ID,
		Error: fmt.Sprintf("cut off before it finished: the %s to %s begun%s was never settled by its process (stopped or cut off); %s: the campaign is %s",
			action, *stale.PendingStatus, since, how, after.Status),
		Before: campaignState(stale, *stale.PendingStatus), After: campaignState(after, "")}
	return e, true
}

// explain turns n8n's answer into what the person must know; the n8n error
// stays wrapped for errors.Is.
func explain(camp Campaign, err error) error {
	if isGone(err) {
		return fmt.Errorf("workflow %s no longer exists in n8n (it was deleted there): %w", camp.N8nWorkflowID, err)
	}
	return err
}

func (c *Console) workflowActive(ctx context.Context, camp Campaign) (bool, error) {
	var active bool
	err := c.clients.call(ctx, camp.InstanceID, func(cl N8n) error {
		wf, err := cl.GetWorkflow(ctx, camp.N8nWorkflowID)
		active = wf.Active
		return err
	})
	return active, err
}

func (c *Console) setActive(ctx context.Context, camp Campaign, active bool) error {
	return c.clients.call(ctx, camp.InstanceID, func(cl N8n) error {
		if !active {
			_, err := cl.Deactivate(ctx, camp.N8nWorkflowID)
			return err
		}
		wf, err := cl.Activate(ctx, camp.N8nWorkflowID)
		if err != nil {
			return err
		}
		if err := waitWebhooks(ctx, cl, wf); err != nil {
			// Active in n8n but not reachable: leads would be lost. Put it
			// back, and say why.
			if _, derr := cl.Deactivate(context.WithoutCancel(ctx), camp.N8nWorkflowID); derr != nil {
				return fmt.Errorf("%w; pausing it again failed too (%v): sync will settle it", err, derr)
			}
			return fmt.Errorf("%w; paused it again", err)
		}
		return nil
	})
}

// audit writes one row; it outlives the caller's cancellation because an
// attempt that happened must be on the record.
func (c *Console) audit(ctx context.Context, actor Actor, action string, before, after Campaign, outcome Outcome, err error, want CampaignStatus) {
	e := actor.auditEntry(action, outcome, err)
	e.Before, e.After = campaignState(before, ""), campaignState(after, want)
	if before.ID != 0 {
		e.WorkspaceID, e.CampaignID = &before.WorkspaceID, &before.ID
	}
	c.appendAudit(ctx, e)
}

// auditEntry starts an audit row for something this actor attempted.
func (a Actor) auditEntry(action string, outcome Outcome, err error) AuditEntry {
	e := AuditEntry{ActorName: a.display(), KeyFingerprint: a.KeyFingerprint, Action: action, Outcome: outcome}
	if a.UserID != 0 {
		e.ActorUserID = &a.UserID
	}
	if err != nil {
		e.Error = err.Error()
	}
	return e
}

func (c *Console) appendAudit(ctx context.Context, e AuditEntry) { recordAudit(ctx, c.store, c.log, e) }

func campaignState(c Campaign, want CampaignStatus) json.RawMessage {
	m := map[string]any{"campaign": c.Name, "status": c.Status, "version": c.Version}
	if want != "" {
		m["wanted"] = want
	}
	if c.LastError != "" {
		m["last_error"] = c.LastError
	}
	b, _ := json.Marshal(m)
	return b
}
