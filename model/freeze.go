package model

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Freeze is the kill switch: the workspace turns suspended first (so nothing
// new starts), then every active campaign is paused in n8n and flagged so
// Unfreeze restarts exactly those. Each step and the whole are audited. A
// freeze that could not pause everything says which campaigns remain; run it
// again to retry them.
func (c *Console) Freeze(ctx context.Context, actor Actor, workspaceID int64, reason string) error {
	ws, err := c.killSwitchAllowed(ctx, actor, workspaceID, reason, "freeze")
	if err != nil {
		return err
	}
	if ws, err = c.store.SetWorkspaceStatus(ctx, workspaceID, WorkspaceSuspended, reason); err != nil {
		c.auditWorkspace(ctx, actor, "freeze", ws, OutcomeFailed, err, nil)
		return err
	}
	camps, err := c.store.Campaigns(ctx, workspaceID)
	if err != nil {
		c.auditWorkspace(ctx, actor, "freeze", ws, OutcomeFailed, err, nil)
		return err
	}
	var paused, failed []string
	for _, camp := range camps {
		if camp.Status != CampaignActive && (camp.PendingStatus == nil || *camp.PendingStatus != CampaignActive) {
			continue
		}
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
	return c.killSwitchDone(ctx, actor, "freeze", ws, reason, paused, failed)
}

// Unfreeze restarts exactly the campaigns the freeze paused and makes the
// workspace active again. Campaigns that fail to restart stay flagged, so
// running Unfreeze again retries just those.
func (c *Console) Unfreeze(ctx context.Context, actor Actor, workspaceID int64, reason string) error {
	ws, err := c.killSwitchAllowed(ctx, actor, workspaceID, reason, "unfreeze")
	if err != nil {
		return err
	}
	todo, err := c.store.ResumeList(ctx, workspaceID)
	if err != nil {
		return err
	}
	if ws.Status != WorkspaceSuspended && len(todo) == 0 {
		return fmt.Errorf("workspace %s is not frozen", ws.Slug)
	}
	if ws, err = c.store.SetWorkspaceStatus(ctx, workspaceID, WorkspaceActive, ""); err != nil {
		c.auditWorkspace(ctx, actor, "unfreeze", ws, OutcomeFailed, err, nil)
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
		c.auditWorkspace(ctx, actor, action, ws, OutcomeFailed, err, nil)
		return ws, err
	}
	if c.readOnly {
		return refuse(fmt.Errorf("%w: this session is read-only", ErrForbidden))
	}
	if err := Authorize(actor, ActionFreeze, workspaceID); err != nil {
		return refuse(err)
	}
	if strings.TrimSpace(reason) == "" {
		return refuse(fmt.Errorf("%w: a %s needs a reason", ErrInvalid, action))
	}
	return ws, nil
}

func (c *Console) killSwitchDone(ctx context.Context, actor Actor, action string, ws Workspace, reason string, done, failed []string) error {
	detail := map[string]any{"reason": reason, "campaigns": done}
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
