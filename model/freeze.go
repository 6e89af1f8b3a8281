package model

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFreezeReason caps a freeze or unfreeze reason: it is shown on the
// workspace and kept in every audit row of the kill switch.
const MaxFreezeReason = 500

// Freeze is the kill switch: the workspace turns suspended first (so nothing
// new starts), then every active campaign is paused in n8n and flagged so
// Unfreeze restarts exactly those. It holds the workspace's lock exclusive,
// so it waits for the toggles in flight and none starts until it is done.
// The freeze is on the record (a mark on the workspace and an audit row)
// before its first n8n call, so one cut off halfway is found and finished by
// sync. A freeze that could not pause everything says which campaigns
// remain; run it again to retry them.
func (c *Console) Freeze(ctx context.Context, actor Actor, workspaceID int64, reason string) error {
	return c.killSwitch(ctx, actor, workspaceID, reason, "freeze", c.freezeLocked)
}

func (c *Console) freezeLocked(ctx context.Context, actor Actor, workspaceID int64, reason string) error {
	ws, err := c.store.BeginFreeze(ctx, workspaceID, reason, actor.display())
	if err != nil {
		c.auditWorkspace(ctx, actor, "freeze", ws, OutcomeFailed, err, map[string]any{"reason": reason})
		return err
	}
	camps, err := c.store.Campaigns(ctx, workspaceID)
	if err != nil {
		c.auditWorkspace(ctx, actor, "freeze", ws, OutcomeFailed, err, map[string]any{"reason": reason})
		return err
	}
	var todo []Campaign
	for _, camp := range camps {
		if camp.Status == CampaignActive || (camp.PendingStatus != nil && *camp.PendingStatus == CampaignActive) {
			todo = append(todo, camp)
		}
	}
	toPause := campaignNames(todo)
	c.auditWorkspace(ctx, actor, "freeze.begin", ws, OutcomeOK, nil, map[string]any{"reason": reason, "to_pause": toPause})
	var paused, failed []string
	for _, camp := range todo {
		if err := c.store.MarkForResume(ctx, camp.ID, true); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", camp.Name, err))
			continue
		}
		var res ToggleResult
		err := c.store.WithCampaignLock(ctx, camp.ID, func(ctx context.Context) error {
			res = c.toggleLocked(ctx, actor, camp.ID, CampaignPaused, "freeze")
			return nil
		})
		switch {
		case err != nil:
			failed = append(failed, fmt.Sprintf("%s: %v", camp.Name, err))
		case res.Err != nil:
			failed = append(failed, fmt.Sprintf("%s: %v", camp.Name, res.Err))
		default:
			paused = append(paused, camp.Name)
		}
	}
	if len(failed) == 0 {
		if done, err := c.store.EndFreeze(context.WithoutCancel(ctx), workspaceID); err == nil {
			ws = done
		}
	}
	return c.killSwitchDone(ctx, actor, "freeze", ws, reason, paused, failed)
}

// Unfreeze restarts exactly the campaigns the freeze paused and makes the
// workspace active again, under the workspace's exclusive lock. Campaigns
// that fail to restart stay flagged, so running Unfreeze again retries just
// those.
func (c *Console) Unfreeze(ctx context.Context, actor Actor, workspaceID int64, reason string) error {
	return c.killSwitch(ctx, actor, workspaceID, reason, "unfreeze", c.unfreezeLocked)
}

// killSwitch authorises a freeze or unfreeze and runs it under the
// workspace's exclusive lock; a lock it could not take is on the record.
func (c *Console) killSwitch(ctx context.Context, actor Actor, workspaceID int64, reason, action string,
	locked func(ctx context.Context, actor Actor, workspaceID int64, reason string) error) error {
	ws, err := c.killSwitchAllowed(ctx, actor, workspaceID, reason, action)
	if err != nil {
		return err
	}
	var out error
	err = c.store.WithWorkspaceLock(ctx, workspaceID, LockExclusive, func(ctx context.Context) error {
		out = locked(ctx, actor, workspaceID, reason)
		return nil
	})
	if err != nil {
		err = fmt.Errorf("%s of %s: waiting for the workspace's lock: %w", action, ws.Slug, err)
		c.auditWorkspace(ctx, actor, action, ws, OutcomeFailed, err, map[string]any{"reason": reason})
		return err
	}
	return out
}

func (c *Console) unfreezeLocked(ctx context.Context, actor Actor, workspaceID int64, reason string) error {
	ws, err := c.store.Workspace(ctx, workspaceID)
	if err != nil {
		return err
	}
	todo, err := c.store.ResumeList(ctx, workspaceID)
	if err != nil {
		return err
	}
	if ws.Status != WorkspaceSuspended && len(todo) == 0 {
		err := fmt.Errorf("workspace %s is not frozen", ws.Slug)
		c.auditWorkspace(ctx, actor, "unfreeze", ws, OutcomeFailed, err, map[string]any{"reason": reason})
		return err
	}
	if ws, err = c.store.SetWorkspaceStatus(ctx, workspaceID, WorkspaceActive, ""); err != nil {
		c.auditWorkspace(ctx, actor, "unfreeze", ws, OutcomeFailed, err, map[string]any{"reason": reason})
		return err
	}
	var resumed, failed []string
	for _, camp := range todo {
		var res ToggleResult
		err := c.store.WithCampaignLock(ctx, camp.ID, func(ctx context.Context) error {
			res = c.toggleLocked(ctx, actor, camp.ID, CampaignActive, "unfreeze")
			return nil
		})
		if err == nil {
			err = res.Err
		}
		if err == nil {
			err = c.store.MarkForResume(ctx, camp.ID, false)
		}
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", camp.Name, err))
			continue
		}
		resumed = append(resumed, camp.Name)
	}
	return c.killSwitchDone(ctx, actor, "unfreeze", ws, reason, resumed, failed)
}

func (c *Console) killSwitchAllowed(ctx context.Context, actor Actor, workspaceID int64, reason, action string) (Workspace, error) {
	ws, err := c.store.Workspace(ctx, workspaceID)
	if err != nil {
		return ws, err
	}
	refuse := func(err error) (Workspace, error) {
		// A refused reason is not worth keeping whole: the row says why.
		c.auditWorkspace(ctx, actor, action, ws, OutcomeFailed, err, nil)
		return ws, err
	}
	if c.readOnly {
		return refuse(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := c.authorize(ctx, actor, ActionFreeze, workspaceID); err != nil {
		return refuse(err)
	}
	if err := checkReason(action, reason); err != nil {
		return refuse(err)
	}
	if ws.Status == WorkspaceArchived {
		return refuse(fmt.Errorf("%w: %s has nothing to %s", ErrArchived, ws.Slug, action))
	}
	return ws, nil
}

// checkReason refuses an empty reason, one longer than MaxFreezeReason
// characters, and one carrying control characters (a reason is printed on
// terminals and kept in the audit trail).
func checkReason(action, reason string) error {
	article := "a"
	if strings.HasPrefix(action, "un") {
		article = "an"
	}
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("%w: %s %s needs a reason", ErrInvalid, article, action)
	}
	if !utf8.ValidString(reason) {
		return fmt.Errorf("%w: the %s reason is not valid UTF-8 text", ErrInvalid, action)
	}
	if n := utf8.RuneCountInString(reason); n > MaxFreezeReason {
		return fmt.Errorf("%w: the %s reason has %d characters; the limit is %d", ErrInvalid, action, n, MaxFreezeReason)
	}
	for i, r := range reason {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: the %s reason contains a control character (%U at byte %d); use plain text on one line",
				ErrInvalid, action, r, i)
		}
	}
	return nil
}

func (c *Console) killSwitchDone(ctx context.Context, actor Actor, action string, ws Workspace, reason string, done, failed []string) error {
	detail := map[string]any{"reason": reason, "campaigns": append([]string{}, done...)}
	if len(done) == 0 && len(failed) == 0 {
		detail["note"] = "no campaign was active: none paused"
		if action == "unfreeze" {
			detail["note"] = "no campaign was paused by the freeze: none restarted"
		}
	}
	var err error
	outcome := OutcomeOK
	if len(failed) > 0 {
		outcome = OutcomeFailed
		err = fmt.Errorf("%s of %s: %d campaign(s) done, %d failed (run it again to retry them): %s",
			action, ws.Slug, len(done), len(failed), strings.Join(failed, "; "))
		detail["failed"] = failed
	}
	c.auditWorkspace(ctx, actor, action, ws, outcome, err, detail)
	return err
}

func (c *Console) auditWorkspace(ctx context.Context, actor Actor, action string, ws Workspace, outcome Outcome, err error, detail map[string]any) {
	e := actor.auditEntry(action, outcome, err)
	if ws.ID != 0 {
		e.WorkspaceID = &ws.ID
	}
	state := map[string]any{"workspace": ws.Slug, "status": ws.Status}
	for k, v := range detail {
		state[k] = v
	}
	e.After, _ = json.Marshal(state)
	c.appendAudit(ctx, e)
}

func campaignNames(cs []Campaign) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
