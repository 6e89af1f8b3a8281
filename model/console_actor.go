package model

import (
	"context"
	"fmt"
	"sync"

	"github.com/godmode-console/godmode/forensics/safetext"
)

// ActorConsole is a console session's view of the use cases: the same
// Console, with every read the screens make narrowed to what its actor may
// see. A member or viewer of a workspace sees that workspace's campaigns,
// executions, audit rows and findings and nothing of another tenant's; the
// instances, and audit rows of no workspace, are for super admins. Rights
// are re-read from Postgres at each read (authorize_fresh.go), so a
// membership revoked elsewhere holds at the next poll. Actions (Toggle,
// Freeze, Retry …) are the Console's own: they take the actor and
// authorise it themselves.
type ActorConsole struct {
	*Console
	actor Actor

	subMu  sync.Mutex
	sub    *subscription // this session's reader of the change feed
	closed bool

	noHostFiles string // why this session may not read files on the host (vault_console.go)
}

// As is the console as actor sees it, for one console session.
func (c *Console) As(actor Actor) *ActorConsole { return &ActorConsole{Console: c, actor: actor} }

// Changes is this session's own reader of the change feed, subscribed on
// the first call (the same channel on every call): every session gets
// every set. After Close it is a closed channel.
func (c *ActorConsole) Changes() <-chan ChangeSet {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	if c.sub == nil {
		c.sub = c.feed.subscribe()
		if c.closed {
			c.sub.close()
		}
	}
	return c.sub.ch
}

// Close ends this session's subscription: the feed stops sending to it
// and forgets it, and a receive waiting on Changes returns. A session
// calls it at teardown; calling it again does nothing.
func (c *ActorConsole) Close() {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	c.closed = true
	if c.sub != nil {
		c.sub.close()
	}
}

// Actor is whom this view reads for.
func (c *ActorConsole) Actor() Actor { return c.actor }

// Workspaces lists the workspaces the actor may view (a super admin: all).
func (c *ActorConsole) Workspaces(ctx context.Context) ([]WorkspaceSummary, error) {
	return c.ListWorkspaces(ctx, c.actor)
}

// Campaigns lists a workspace's campaigns if the actor may view it.
func (c *ActorConsole) Campaigns(ctx context.Context, workspaceID int64) ([]Campaign, error) {
	if err := c.authorize(ctx, c.actor, ActionView, workspaceID); err != nil {
		c.auditRefusedRead(ctx, c.actor, "campaigns.list", workspaceID, 0, nil, err)
		return nil, err
	}
	return c.Console.Campaigns(ctx, workspaceID)
}

// Executions lists a campaign's latest executions if the actor may view
// the executions of its workspace.
func (c *ActorConsole) Executions(ctx context.Context, campaignID int64, status string) ([]Execution, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	if err := c.authorize(ctx, c.actor, ActionViewExecutions, camp.WorkspaceID); err != nil {
		c.auditRefusedRead(ctx, c.actor, "executions.list", camp.WorkspaceID, camp.ID, nil, err)
		return nil, err
	}
	return c.Console.Executions(ctx, campaignID, status)
}

// Audit lists the trail as the actor may read it (AuditFor): a super
// admin's is the whole trail, read as the unscoped console reads it.
func (c *ActorConsole) Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	_, ids, err := c.visible(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	if ids == nil {
		return c.Console.Audit(ctx, f)
	}
	return c.AuditFor(ctx, c.actor, AuditScope{AuditFilter: f})
}

// Findings lists the findings of the workspaces the actor may view
// (FindingsFor); a super admin's are all of them.
func (c *ActorConsole) Findings(ctx context.Context, f FindingFilter) ([]Finding, error) {
	return c.FindingsFor(ctx, c.actor, f)
}

// Instances lists the n8n instances, for super admins only: an instance
// carries every tenant on it.
func (c *ActorConsole) Instances(ctx context.Context) ([]InstanceHealth, error) {
	a, err := c.current(ctx, c.actor)
	if err != nil {
		return nil, err
	}
	if !a.SuperAdmin {
		err := fmt.Errorf("%w: the instances are for super admins only", ErrForbidden)
		c.auditRefusedRead(ctx, c.actor, "instances.list", 0, 0, nil, err)
		return nil, err
	}
	return c.Console.Instances(ctx)
}

// Health is the header as the actor may see it: for anyone but a super
// admin, only the instances their workspaces run on are counted (and named
// when down), and the drift count is of their workspaces' findings.
func (c *ActorConsole) Health(ctx context.Context) Health {
	h := c.Console.Health(ctx)
	if !h.DBOK {
		return h
	}
	ctx, cancel := context.WithTimeout(ctx, healthRead)
	defer cancel()
	fail := func(err error) Health {
		h.DBOK, h.DBError = false, safetext.Line(err.Error())
		return h
	}
	_, ids, err := c.visible(ctx, c.actor)
	if err != nil {
		return fail(err)
	}
	if ids == nil {
		return h
	}
	wss, err := c.Workspaces(ctx)
	if err != nil {
		return fail(err)
	}
	theirs := map[int64]bool{}
	for _, ws := range wss {
		if ws.InstanceID != nil {
			theirs[*ws.InstanceID] = true
		}
	}
	insts, err := c.store.Instances(ctx)
	if err != nil {
		return fail(err)
	}
	kept := make([]Instance, 0, len(theirs))
	for _, in := range insts {
		if theirs[in.ID] {
			kept = append(kept, in)
		}
	}
	h.CountInstances(kept)
	if h.DriftKnown {
		fs, err := c.FindingsFor(ctx, c.actor, FindingFilter{Limit: maxDriftCounted})
		if err != nil {
			return fail(err)
		}
		since := c.now().Add(-DriftRecent)
		h.DriftCount = 0
		for _, f := range fs {
			if (f.ResolvedAt == nil && !f.Corrected) || (f.Corrected && !f.FirstSeenAt.Before(since)) {
				h.DriftCount++
			}
		}
	}
	return h
}

// maxDriftCounted caps the findings read to count a member's drift: past
// it the header shows the cap.
const maxDriftCounted = 500

// FindRetry looks for an execution's retry only for an actor who may view
// the executions of the campaign's workspace.
func (c *ActorConsole) FindRetry(ctx context.Context, campaignID int64, originalID string) (*Execution, error) {
	camp, err := c.store.Campaign(ctx, campaignID)
	if err != nil {
		return nil, fmt.Errorf("campaign %d: %w", campaignID, err)
	}
	if err := c.authorize(ctx, c.actor, ActionViewExecutions, camp.WorkspaceID); err != nil {
		c.auditRefusedRead(ctx, c.actor, "executions.list", camp.WorkspaceID, camp.ID, map[string]any{"retry_of": originalID}, err)
		return nil, err
	}
	return c.Console.FindRetry(ctx, campaignID, originalID)
}
